# Finds every third-party dependency from Debian's packages (scripts/setup.sh installs them).
# Nothing is downloaded at configure or build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(absl CONFIG REQUIRED)
find_package(CURL REQUIRED)
find_package(simdjson CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(RE2 REQUIRED)         # cmake/FindRE2.cmake: Debian ships only re2.pc
find_package(CppHttplib REQUIRED)  # cmake/FindCppHttplib.cmake: Debian ships only cpp-httplib.pc

if(FLINKDBT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(FLINKDBT_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG REQUIRED)
endif()
