# Helpers that define flinkdbt's targets the same way everywhere.
#
#   flinkdbt_layer(NAME SOURCES ... [DEPS ...])
#     One layer of src/ (see DESIGN.md), built as the static library flinkdbt_<NAME>; DEPS names the
#     layers above it and the third-party targets it uses. Every layer is collected into libflinkdbt.
#   flinkdbt_test(NAME SOURCES ... DEPS flinkdbt_<layer> ...)
#     A GoogleTest executable in <build>/bin/, linked with the layers it tests, registered with CTest.
#   flinkdbt_benchmark(NAME SOURCES ... [DEPS ...])
#     A Google Benchmark executable in <build>/bin/.

function(flinkdbt_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  # Each layer is its own static library, so a test links only the layers it exercises (and a
  # half-written layer elsewhere never breaks it); src/CMakeLists.txt gathers every layer's objects
  # into libflinkdbt.
  set(target flinkdbt_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
           $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE flinkdbt_compile_options)
  set_property(GLOBAL APPEND PROPERTY FLINKDBT_LAYERS ${target})
  foreach(dep IN LISTS ARG_DEPS)
    if(NOT dep MATCHES "^flinkdbt_")
      set_property(GLOBAL APPEND PROPERTY FLINKDBT_THIRD_PARTY ${dep})
    endif()
  endforeach()
endfunction()

function(flinkdbt_test name)
  if(FLINKDBT_BUILD_FUZZERS)
    return()  # a fuzzer build tree builds and runs only the fuzz targets
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main
                        flinkdbt_compile_options)
  target_compile_definitions(${name} PRIVATE
    FLINKDBT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FLINKDBT_BINARY_DIR="${PROJECT_BINARY_DIR}"
    FLINKDBT_SHARED_DIR="${FLINKDBT_SHARED_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

function(flinkdbt_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark
                        flinkdbt_compile_options)
  target_compile_definitions(${name} PRIVATE FLINKDBT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endfunction()

#   flinkdbt_fuzzer(NAME SOURCES ... DEPS ...)
#     A libFuzzer target in <build>/bin/ (only with -DFLINKDBT_BUILD_FUZZERS=ON and clang). The source
#     defines LLVMFuzzerTestOneInput. Registered with CTest as a short run (FUZZ_SECONDS, default 20)
#     over the corpus directory given by CORPUS, if any.
function(flinkdbt_fuzzer name)
  if(NOT FLINKDBT_BUILD_FUZZERS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "CORPUS;FUZZ_SECONDS;FUZZ_RUNS" "SOURCES;DEPS" ${ARGN})
  # The short run executes exactly FUZZ_RUNS inputs from a fixed seed, so every machine replays the
  # same inputs; FUZZ_SECONDS only caps a slow machine (it then runs a prefix of the same sequence).
  if(NOT ARG_FUZZ_SECONDS)
    set(ARG_FUZZ_SECONDS 60)
  endif()
  if(NOT ARG_FUZZ_RUNS)
    set(ARG_FUZZ_RUNS 50000)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} flinkdbt_compile_options)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus_args "")
  if(ARG_CORPUS)
    set(corpus_args ${ARG_CORPUS})
  endif()
  # The corpus directory is copied so the run's discoveries never land in the source tree.
  set(work_corpus ${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus)
  add_test(NAME ${name}_short_run
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   ${CMAKE_COMMAND} -DFUZZER=$<TARGET_FILE:${name}> -DSECONDS=${ARG_FUZZ_SECONDS}
                   -DRUNS=${ARG_FUZZ_RUNS}
                   -DWORK=${work_corpus} "-DSEEDS=${corpus_args}"
                   -P ${PROJECT_SOURCE_DIR}/cmake/run_fuzzer.cmake)
  set_tests_properties(${name}_short_run PROPERTIES LABELS fuzz TIMEOUT 600)
endfunction()
