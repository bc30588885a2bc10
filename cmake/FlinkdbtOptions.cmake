# Compiler flags shared by every flinkdbt target: warnings (as errors by default) and sanitizers.
add_library(flinkdbt_compile_options INTERFACE)
target_compile_options(flinkdbt_compile_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-missing-field-initializers
    # GCC 12 reports false positives from inlined std::string code at -O3 (GCC bug 105329).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>>
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic>)
if(FLINKDBT_WERROR)
  target_compile_options(flinkdbt_compile_options INTERFACE -Werror)
endif()

if(FLINKDBT_SANITIZE)
  set(_flinkdbt_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${_flinkdbt_san})
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer instruments every library object for coverage (the fuzzer build is its own build tree).
if(FLINKDBT_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FLINKDBT_BUILD_FUZZERS needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # Undefined behaviour is a finding like a crash: the run stops on it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
