# Helpers that define flinkdbt's targets the same way everywhere.
#
#   flinkdbt_layer(NAME SOURCES ... [DEPS ...])
#     One layer of src/ (see DESIGN.md), built as an object library flinkdbt_<NAME>. Every layer is
#     collected into libflinkdbt (static and shared) by src/CMakeLists.txt.
#   flinkdbt_test(NAME SOURCES ... [DEPS ...] [DATA_DIR dir])
#     A GoogleTest executable in <build>/bin/, linked with libflinkdbt, registered with CTest.
#   flinkdbt_benchmark(NAME SOURCES ... [DEPS ...])
#     A Google Benchmark executable in <build>/bin/.

function(flinkdbt_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(target flinkdbt_${name})
  add_library(${target} OBJECT ${ARG_SOURCES})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
           $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE flinkdbt_compile_options)
  set_property(GLOBAL APPEND PROPERTY FLINKDBT_LAYERS ${target})
endfunction()

function(flinkdbt_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE flinkdbt_static ${ARG_DEPS} GTest::gtest GTest::gtest_main
                        flinkdbt_compile_options)
  target_compile_definitions(${name} PRIVATE
    FLINKDBT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FLINKDBT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

function(flinkdbt_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE flinkdbt_static ${ARG_DEPS} benchmark::benchmark
                        flinkdbt_compile_options)
  target_compile_definitions(${name} PRIVATE FLINKDBT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endfunction()
