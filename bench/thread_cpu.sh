#!/usr/bin/env bash
# CPU time of each thread of one `qscore score` run, and what the merging thread's share bounds.
#
#   bench/thread_cpu.sh QSCORE RESPONSES.csv THREADS
#   bench/thread_cpu.sh build/src/cli/qscore /tmp/pool10m.csv 2
#
# A segmented run scores on THREADS workers and merges their segment tallies, in file order, on
# the calling thread. Workers scale with the cores; the merging thread does not. If it spends
# M ms and the workers W ms in all, no thread count runs the file faster than about W / M times
# one worker: the bound printed last. Uses `perf stat --per-thread` (linux-perf), attached just
# after the start, so the first few milliseconds (the definition load) are not counted. The
# definition is bench/pool.yaml (override with DEFINITION=...).
set -euo pipefail

if [ "$#" -ne 3 ]; then
  sed -n '2,5p' "$0" >&2
  exit 2
fi
qscore=$1
responses=$2
threads=$3
definition=${DEFINITION:-"$(cd "$(dirname "$0")" && pwd)/pool.yaml"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$qscore" score "$definition" "$responses" -q -j "$threads" --format json -o "$work/report.json" &
pid=$!
sleep 0.03
perf stat --per-thread -e task-clock -p "$pid" -o "$work/stat" 2>/dev/null || true
wait "$pid"

# Lines read "<comm>-<tid>  <ms> msec task-clock ..."; the calling thread's tid is the pid.
awk -v pid="$pid" '
  /task-clock/ {
    n = split($1, part, "-"); tid = part[n]; ms = $2; gsub(",", "", ms)
    if (tid == pid) merging = ms; else { workers += ms; ++count }
    printf "thread %s: %.0f ms%s\n", tid, ms, tid == pid ? " (merging)" : ""
  }
  END {
    if (merging > 0)
      printf "workers %d: %.0f ms; merging thread %.0f ms (%.1f %% of all); bound about %.1fx one worker\n",
             count, workers, merging, 100 * merging / (merging + workers), workers / merging
  }' "$work/stat"
