# qscore-gen is deterministic and writes header + N lines:
#   cmake -DGEN=<qscore-gen> -DDEFINITION=<yaml> -DHEADER=<expected first line> -DWORK=<dir>
#         -P gen_deterministic.cmake
foreach(var GEN DEFINITION HEADER WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "gen_deterministic.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(rows 1000)

# Runs qscore-gen with the given arguments, standard output to `out`; expects exit status `status`.
function(generate out status)
  execute_process(COMMAND "${GEN}" "${DEFINITION}" ${ARGN}
    OUTPUT_FILE "${out}" ERROR_VARIABLE errors RESULT_VARIABLE result)
  if(NOT result EQUAL status)
    message(FATAL_ERROR "qscore-gen ${ARGN}: exit status ${result}, expected ${status}\n${errors}")
  endif()
endfunction()

generate("${WORK}/a.csv" 0 --rows ${rows} --seed 7)
generate("${WORK}/b.csv" 0 --rows ${rows} --seed 7)
generate("${WORK}/c.csv" 0 --rows ${rows} --seed 8)
generate("${WORK}/stdout.txt" 0 --rows ${rows} --seed 7 --output "${WORK}/d.csv")
file(SHA256 "${WORK}/a.csv" a)
file(SHA256 "${WORK}/b.csv" b)
file(SHA256 "${WORK}/c.csv" c)
file(SHA256 "${WORK}/d.csv" d)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "two runs with seed 7 differ: ${WORK}/a.csv ${WORK}/b.csv")
endif()
if(a STREQUAL c)
  message(FATAL_ERROR "seeds 7 and 8 gave the same output")
endif()
if(NOT a STREQUAL d)
  message(FATAL_ERROR "--output wrote other bytes than standard output: ${WORK}/d.csv")
endif()
file(SIZE "${WORK}/stdout.txt" stdout_size)
if(NOT stdout_size EQUAL 0)
  message(FATAL_ERROR "with --output, standard output must stay empty")
endif()

file(READ "${WORK}/a.csv" text)
string(REGEX MATCHALL "\n" newlines "${text}")
list(LENGTH newlines lines)
math(EXPR expected "${rows} + 1")
if(NOT lines EQUAL expected)
  message(FATAL_ERROR "${WORK}/a.csv has ${lines} lines, expected header + ${rows} = ${expected}")
endif()
string(FIND "${text}" "\n" end)
string(SUBSTRING "${text}" 0 ${end} first)
if(NOT first STREQUAL HEADER)
  message(FATAL_ERROR "header is\n  ${first}\nexpected\n  ${HEADER}")
endif()

# Bad arguments: exit status 1 (as for qscore); an unwritable output: 4.
generate("${WORK}/bad1.txt" 1 --rows 10 --blank-rate 1.5)
generate("${WORK}/bad2.txt" 1 --rows -1)
generate("${WORK}/bad3.txt" 1 --rows 10 --units 3)  # the definition declares its units
generate("${WORK}/bad4.txt" 4 --rows 10 --output "${WORK}/no/such/dir/out.csv")
if(EXISTS /dev/full)  # a write that fails (disk full) is reported, not ignored
  generate("${WORK}/bad5.txt" 4 --rows 100000 --output /dev/full)
endif()
execute_process(COMMAND "${GEN}" "${WORK}/missing.yaml" OUTPUT_QUIET ERROR_VARIABLE errors
  RESULT_VARIABLE result)
if(NOT result EQUAL 2 OR NOT errors MATCHES "D007")
  message(FATAL_ERROR "a missing definition: exit status ${result}, expected 2 with D007\n${errors}")
endif()
