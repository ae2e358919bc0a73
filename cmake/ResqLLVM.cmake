# Find Debian's LLVM/MLIR 22 and load its CMake helpers (see TOOLCHAIN facts in docs/building.md).
set(RESQ_LLVM_ROOT "/usr/lib/llvm-22" CACHE PATH "Root of the LLVM/MLIR 22 installation")
if(NOT MLIR_DIR)
  set(MLIR_DIR "${RESQ_LLVM_ROOT}/lib/cmake/mlir")
endif()
if(NOT LLVM_DIR)
  set(LLVM_DIR "${RESQ_LLVM_ROOT}/lib/cmake/llvm")
endif()

find_package(MLIR REQUIRED CONFIG)
message(STATUS "resq: MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

# The installed tools are not on PATH in a plain Debian shell.
set(MLIR_TABLEGEN_EXE "${LLVM_TOOLS_BINARY_DIR}/mlir-tblgen" CACHE FILEPATH "mlir-tblgen" FORCE)
if(NOT LLVM_EXTERNAL_LIT)
  set(LLVM_EXTERNAL_LIT "${LLVM_TOOLS_BINARY_DIR}/lit" CACHE FILEPATH "lit")
endif()

# Link tools against the shared libMLIR.so: faster links and a third of the RAM.
set(MLIR_LINK_MLIR_DYLIB ON CACHE BOOL "Link against the shared libMLIR.so" FORCE)
set(LLVM_LINK_LLVM_DYLIB ON CACHE BOOL "Link against the shared libLLVM.so" FORCE)

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)

# MLIR and LLVM headers are third-party: keep their warnings out of ours.
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
link_directories(${LLVM_BUILD_LIBRARY_DIR})
separate_arguments(RESQ_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${RESQ_LLVM_DEFINITIONS})
