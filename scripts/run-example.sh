#!/usr/bin/env bash
# The main job, from a clean clone on a fresh Debian 12 machine: installs what is missing, builds
# flinkdbt, then runs `flinkdbt build` on the bundled example project (examples/quickstart, the
# walkthrough's my_flink_project) on the embedded `local` target: every model deployed, its unit test
# and data tests run, offline, in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)" --target flinkdbt

flinkdbt=$PWD/build/bin/flinkdbt
"$flinkdbt" --version
cd examples/quickstart
# The example's profiles.yml sits beside it; its default target is the embedded `local` engine.
"$flinkdbt" ls --profiles-dir .
"$flinkdbt" build --profiles-dir .
