# The full appraisal example (examples/appraisal-full): score it with every input, check the
# scorecard against the Python peer (check_scorecard.py), then explain one unit and check that the
# audit trail shows the floor, the source rows and the veto.
#   -DQSCORE=... -DPYTHON=... -DEXAMPLE=<examples/appraisal-full> -DRESPONSES=... -DWORK=... -DCHECK=...
file(MAKE_DIRECTORY "${WORK}")
set(inputs --input "supervision=${EXAMPLE}/supervision.csv" --input "complaints=${EXAMPLE}/complaints.csv"
           --input "bonus=${EXAMPLE}/bonus.csv" --input "veto=${EXAMPLE}/veto.csv")
execute_process(COMMAND "${QSCORE}" score "${EXAMPLE}/appraisal-full.yaml" "${RESPONSES}" ${inputs}
                        --format json --output "${WORK}/report.json" --quiet --rank-replicates 0
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "qscore score failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${PYTHON}" "${CHECK}" "${EXAMPLE}/appraisal-full.yaml" "${WORK}/report.json"
                        "supervision=${EXAMPLE}/supervision.csv" "complaints=${EXAMPLE}/complaints.csv"
                        "bonus=${EXAMPLE}/bonus.csv" "veto=${EXAMPLE}/veto.csv"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the scorecard differs from the Python peer:\n${out}${err}")
endif()
message(STATUS "${out}")
foreach(unit power gas)
  execute_process(COMMAND "${QSCORE}" explain "${EXAMPLE}/appraisal-full.yaml" "${RESPONSES}" ${unit} ${inputs}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "qscore explain ${unit} failed (${rc}): ${err}")
  endif()
  set(explain_${unit} "${text}")
endforeach()
# power: 52 escalated complaints (the seed's figures) deduct 28.25 of 10 points: the floor holds.
foreach(expected "10 - 28.25 deducted \\(67 complaints, 52 escalated\\) = -18.25, raised to the floor"
                 "complaints +regulator +supply_quality +10 +0.5 +10 +0.2 +7.00 +.*complaints.csv: lines? 2")
  if(NOT explain_power MATCHES "${expected}")
    message(FATAL_ERROR "explain power lacks /${expected}/:\n${explain_power}")
  endif()
endforeach()
if(NOT explain_gas MATCHES "veto: verified major safety incident")
  message(FATAL_ERROR "explain gas does not show the veto:\n${explain_gas}")
endif()
