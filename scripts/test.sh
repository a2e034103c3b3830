#!/usr/bin/env bash
# The one test command: installs missing Debian packages, builds with warnings as errors and runs
# every test, then builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs the
# tests once more (all but the consumer tests, which install and build separate projects), then
# runs the threaded scoring under ThreadSanitizer and each libFuzzer target for a bounded time.
#
#   scripts/test.sh
#
# Environment: JOBS (default 2), BUILD_DIR (default build), ASAN_BUILD_DIR (default build-asan),
# TSAN_BUILD_DIR (default build-tsan), FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SECONDS (per
# target, default 60; 0 skips the fuzz stage).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${JOBS:-2}"
build="${BUILD_DIR:-build}"
asan="${ASAN_BUILD_DIR:-build-asan}"
tsan="${TSAN_BUILD_DIR:-build-tsan}"
fuzz="${FUZZ_BUILD_DIR:-build-fuzz}"
fuzz_seconds="${FUZZ_SECONDS:-60}"
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

# Only what runs threads: score_file's tests, which cut small files into many segments and score
# them on several threads (any thread count must give the same tally bit for bit), the
# duplicate-id and rejects tests, whose segments meet in the ordered merge, and the report's
# units worked out and written on several threads (render_in_order, finalize, write_json). The
# CLI is not run here: a file is cut into 8 MiB segments, so a test file would use one thread.
echo "== ThreadSanitizer build, threaded scoring and reporting: $tsan"
cmake -S . -B "$tsan" -DCMAKE_BUILD_TYPE=Debug -DQSCORE_SANITIZE=thread -DQSCORE_BUILD_EXAMPLES=OFF
cmake --build "$tsan" -j "$jobs" --target qscore_pipeline_test qscore_duplicate_ids_test qscore_rejects_sink_test \
  qscore_ordered_parallel_test qscore_finalize_test qscore_write_json_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --test-dir "$tsan" --output-on-failure -j "$jobs" \
  -R '^(score_file|duplicate_ids|numeric_id_bitmap|rejects_sink|render_in_order)\.|^finalize\.the_report_is_the_same_for_any_thread_count$|^WriteJson\.WrittenUnitByUnitAsTheWholeDocumentDumps$'

# libFuzzer (clang): each target over a scratch copy of its seed corpus; a crash, a leak, a
# timeout (10 s for one input) or more than 2 GiB fails the stage, and the input that did it is
# left in $fuzz/ as crash-*, to be moved to tests/fuzz/crashes/<target>/ once fixed.
if [[ "$fuzz_seconds" -gt 0 ]]; then
  echo "== libFuzzer targets, ${fuzz_seconds} s each: $fuzz"
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQSCORE_BUILD_FUZZERS=ON \
    -DQSCORE_BUILD_CLI=OFF -DQSCORE_BUILD_EXAMPLES=OFF
  cmake --build "$fuzz" -j "$jobs" --target fuzz_parse_expression fuzz_load_definition fuzz_read_csv
  for pair in expr:fuzz_parse_expression definition:fuzz_load_definition csv:fuzz_read_csv; do
    corpus="${pair%%:*}" target="${pair#*:}"
    work="$fuzz/corpus-$corpus"
    rm -rf "$work" && mkdir -p "$work"
    dict=()
    [[ -f "tests/fuzz/$corpus.dict" ]] && dict=("-dict=tests/fuzz/$corpus.dict")
    echo "-- $target"
    if ! "$fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$fuzz/$target-" "${dict[@]}" "$work" "tests/fuzz/corpus/$corpus" \
      >"$fuzz/$target.log" 2>&1; then
      tail -n 40 "$fuzz/$target.log"
      echo "$target failed: the input is saved as $fuzz/$target-*"
      exit 1
    fi
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$fuzz/$target.log" || true
  done
fi

echo "== all tests passed"
