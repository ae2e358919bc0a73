# Test infrastructure: lit (with FileCheck and friends from LLVM 22) and GoogleTest.
enable_testing()
find_package(GTest REQUIRED)

# FileCheck, not and count come from the LLVM install, not from a source tree.
foreach(tool FileCheck not count)
  find_program(RESQ_${tool}_EXE ${tool} HINTS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
  if(NOT RESQ_${tool}_EXE)
    message(FATAL_ERROR "resq: ${tool} not found in ${LLVM_TOOLS_BINARY_DIR} (install llvm-22-tools)")
  endif()
endforeach()

# resq_add_unittest(name SOURCES ... LIBS ...): a GoogleTest binary registered with CTest.
function(resq_add_unittest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;MLIR_LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gtest_main ${ARG_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/unittests)
  include(GoogleTest)
  gtest_discover_tests(${name} TEST_PREFIX "unit." DISCOVERY_MODE PRE_TEST)
endfunction()
