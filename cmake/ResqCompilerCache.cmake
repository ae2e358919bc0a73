# Use ccache for C/C++ when it is installed, unless the user chose a launcher.
find_program(RESQ_CCACHE ccache)
if(RESQ_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${RESQ_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${RESQ_CCACHE})
  message(STATUS "resq: compiling through ccache (${RESQ_CCACHE})")
elseif(NOT RESQ_CCACHE)
  message(STATUS "resq: ccache not found; rebuilds will not be cached")
endif()
