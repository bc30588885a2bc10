#!/usr/bin/env bash
# The whole test suite, from a clean clone on a fresh Debian 12 machine: installs what is missing
# (scripts/setup.sh), configures and builds (Release, warnings as errors), runs every CTest test, then
# builds the libFuzzer targets with clang and gives each a short run.
#
#   scripts/test.sh              # the suite CI runs (.ci/run)
#   scripts/test.sh --sanitize   # the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh --no-fuzz    # skip the fuzzer short runs
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
fuzz=1
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    --no-fuzz) fuzz=0 ;;
    *) echo "usage: scripts/test.sh [--sanitize] [--no-fuzz]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
jobs=$(nproc)

if [ "$sanitize" = 1 ]; then
  build=build-asan
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLINKDBT_SANITIZE=ON \
    -DFLINKDBT_BUILD_BENCHMARKS=OFF
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=build
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure --timeout 900

if [ "$fuzz" = 1 ] && [ "$sanitize" = 0 ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DFLINKDBT_BUILD_FUZZERS=ON -DFLINKDBT_BUILD_BENCHMARKS=OFF
  fuzzers=$(ctest --test-dir build-fuzz -N -L fuzz | sed -n 's/^ *Test *#[0-9]*: \(.*\)_short_run$/\1/p')
  if [ -n "$fuzzers" ]; then
    # shellcheck disable=SC2086
    cmake --build build-fuzz -j "$jobs" --target $fuzzers
    ctest --test-dir build-fuzz -L fuzz -j "$jobs" --output-on-failure
  fi
fi
echo "All tests passed."
