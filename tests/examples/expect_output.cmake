# Runs PROGRAM (with the ;-separated ARGS) and compares its standard output with the file EXPECTED.
#   cmake -DPROGRAM=<exe> [-DARGS=a;b] -DEXPECTED=<file> -P expect_output.cmake
execute_process(COMMAND "${PROGRAM}" ${ARGS}
  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}\n${errors}")
endif()
file(READ "${EXPECTED}" expected)
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "output of ${PROGRAM} differs from ${EXPECTED}\n"
    "--- expected\n${expected}--- got\n${output}")
endif()
