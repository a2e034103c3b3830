#!/usr/bin/env bash
# The full appraisal example end to end: installs missing Debian packages, builds the tools
# (Release), generates 3,000 ballots with qscore-gen and prints qscore's text report: the survey
# (80 points) with supervision, complaints, bonus and veto making the 100-point scorecard.
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

# The full 100-point appraisal: the survey (80 points) plus supervision and complaints (20),
# with a bonus cap and a veto (examples/appraisal-full/README.md).
example=examples/appraisal-full
"$build/src/gen/qscore-gen" "$example/appraisal-full.yaml" --rows 3000 --seed 2023 \
  --output "$build/appraisal.csv"
echo "generated $build/appraisal.csv (3000 respondents, seed 2023)"
echo
"$build/src/cli/qscore" score "$example/appraisal-full.yaml" "$build/appraisal.csv" \
  --input supervision="$example/supervision.csv" --input complaints="$example/complaints.csv" \
  --input bonus="$example/bonus.csv" --input veto="$example/veto.csv"
