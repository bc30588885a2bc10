#!/usr/bin/env bash
# The main job, from a clean clone on a fresh Debian 12 machine: installs what is missing, builds
# flinkdbt, then runs the bundled example project (examples/quickstart, the walkthrough's
# my_flink_project) on the embedded `local` target with the furthest command flinkdbt has today.
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
"$flinkdbt" compile --profiles-dir . --select "+fct_revenue" --resource-type model
