# Runs a libFuzzer target for SECONDS over a scratch copy of its seed corpus (SEEDS, ;-list of dirs).
# The seed is fixed so a CI run replays the same mutations; longer exploratory runs are done by hand
# (see the README's test section).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(seed IN LISTS SEEDS)
  if(IS_DIRECTORY ${seed})
    file(GLOB_RECURSE files LIST_DIRECTORIES false ${seed}/*)
    foreach(f IN LISTS files)
      string(SHA1 h "${f}")
      configure_file(${f} ${WORK}/${h} COPYONLY)
    endforeach()
  endif()
endforeach()
execute_process(COMMAND ${FUZZER} -max_total_time=${SECONDS} -seed=1 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 ${WORK}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed with exit code ${rc}")
endif()
