# `flinkdbt build` on tests/graph/projects/versioned_unit (local target): unit tests on a versioned
# model run once per tested version under dbt's runtime name <test>_v<N>.
set(work ${WORK_DIR}/versioned_unit_e2e)
file(REMOVE_RECURSE ${work})
file(COPY ${SOURCE_DIR}/tests/graph/projects/versioned_unit/ DESTINATION ${work})
execute_process(COMMAND ${FLINKDBT} build --project-dir ${work} --profiles-dir ${work}
                WORKING_DIRECTORY ${work} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit code ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(want "START unit_test orders::test_all_versions_v2" "PASS test_included_v3" "PASS test_excluded_v2"
        "PASS test_plain " "PASS=12 WARN=0 ERROR=0 SKIP=0 TOTAL=12")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "output does not contain '${want}':\n${out}")
  endif()
endforeach()
