# Runs PROGRAM (with the ;-separated ARGS), expects exit status 0 and standard output matching
# every regular expression in the ;-separated MATCHES.
#   cmake -DPROGRAM=<exe> "-DARGS=a;b" "-DMATCHES=re1;re2" -P expect_regex.cmake
execute_process(COMMAND "${PROGRAM}" ${ARGS}
  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}\n${errors}\n${output}")
endif()
foreach(pattern IN LISTS MATCHES)
  if(NOT output MATCHES "${pattern}")
    message(FATAL_ERROR "output of ${PROGRAM} does not match\n  ${pattern}\n--- output\n${output}")
  endif()
endforeach()
message(STATUS "${output}")
