# Warnings for resq's own code; RESQ_WERROR turns them into errors (CI sets it).
option(RESQ_WERROR "Treat compiler warnings in resq's code as errors" OFF)
set(RESQ_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter)
if(RESQ_WERROR)
  list(APPEND RESQ_WARNING_FLAGS -Werror)
endif()
add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${RESQ_WARNING_FLAGS}>")
