#!/usr/bin/env bash
# The one test command: installs missing Debian packages, builds with warnings as errors and runs
# every test, then builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs the
# tests once more (all but the consumer tests, which install and build separate projects).
#
#   scripts/test.sh
#
# Environment: JOBS (default 2), BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${JOBS:-2}"
build="${BUILD_DIR:-build}"
asan="${ASAN_BUILD_DIR:-build-asan}"
# Ninja for new build trees; an existing tree keeps the generator it was made with.
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"

scripts/install-deps.sh

echo "== Release build, warnings as errors: $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DQSCORE_WARNINGS_AS_ERRORS=ON -DQSCORE_BUILD_BENCH=ON
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"

echo "== Debug build with ASan and UBSan: $asan"
cmake -S . -B "$asan" -DCMAKE_BUILD_TYPE=Debug -DQSCORE_SANITIZE="address;undefined"
cmake --build "$asan" -j "$jobs"
ctest --test-dir "$asan" --output-on-failure -j "$jobs" --label-exclude consumer

echo "== all tests passed"
