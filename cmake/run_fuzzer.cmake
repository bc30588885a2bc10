# Runs a libFuzzer target over a scratch copy of its seed corpus (SEEDS, ;-list of dirs): RUNS inputs
# from a fixed seed, so every run replays the same mutations, capped at SECONDS on a slow machine
# (a prefix of the same sequence). Longer exploratory runs are done by hand (README, test section).
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
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -max_total_time=${SECONDS} -seed=1 -reload=0 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 ${WORK}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed with exit code ${rc}")
endif()
