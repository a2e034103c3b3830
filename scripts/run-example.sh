#!/usr/bin/env bash
# The appraisal example end to end: installs missing Debian packages, builds the tools (Release),
# generates 3,000 ballots with qscore-gen and prints qscore's text report.
#
#   scripts/run-example.sh
#
# Environment: JOBS (default 2), BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${JOBS:-2}"
build="${BUILD_DIR:-build}"
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"

scripts/install-deps.sh

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs" --target qscore_cli qscore-gen

"$build/src/gen/qscore-gen" examples/appraisal/appraisal.yaml --rows 3000 --seed 2023 \
  --output "$build/appraisal.csv"
echo "generated $build/appraisal.csv (3000 respondents, seed 2023)"
echo
"$build/src/cli/qscore" score examples/appraisal/appraisal.yaml "$build/appraisal.csv"
