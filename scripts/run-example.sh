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
# A fresh scaffold beside the example shows `init`; the example itself is what later commands run.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "$flinkdbt" init demo_project)
cd examples/quickstart
echo "examples/quickstart: $(find models tests -name '*.sql' | wc -l) SQL files, $(find models -name '*.yml' | wc -l) YAML files"
