#!/usr/bin/env bash
# Thread scaling of `qscore score` on one file: wall and CPU time at 1, 2, 4, ... threads up to
# the machine's cores, the speedup over one thread, and a check that every thread count writes
# the byte-identical JSON report. Meant for a many-core machine (the project's own has 2).
#
#   bench/scaling.sh [--rows N] [--runs R] [--build-dir DIR] [--data FILE]
#
# Defaults: 10,000,000 rows of bench/pool.yaml from qscore-gen (seed 1, written to a temporary
# folder unless --data names an existing file), 3 runs per thread count (the median is shown),
# build directory `build`. Nothing is built: build first (scripts/run-example.sh or cmake).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rows=10000000
runs=3
build=build
data=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
  esac
done

qscore="$build/src/cli/qscore"
generator="$build/src/gen/qscore-gen"
for tool in "$qscore" "$generator"; do
  [[ -x "$tool" ]] || { echo "scaling.sh: $tool is not built" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -z "$data" ]]; then
  data="$work/pool.csv"
  "$generator" bench/pool.yaml --rows "$rows" --seed 1 --output "$data"
elif [[ ! -f "$data" ]]; then
  "$generator" bench/pool.yaml --rows "$rows" --seed 1 --output "$data"
fi
cat "$data" >/dev/null  # into the page cache, so that the first thread count is not the one to read the disk

cores=$(nproc)
counts=()
for ((t = 1; t < cores; t *= 2)); do counts+=("$t"); done
counts+=("$cores")

echo "machine: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "file: $data ($(stat -c %s "$data") bytes), $runs runs per thread count, median shown"
printf '%8s %10s %10s %9s %11s %s\n' threads "wall s" "CPU s" speedup "peak RSS" "JSON"
one=""
for t in "${counts[@]}"; do
  walls=() cpus=() rss=()
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
      "$qscore" score bench/pool.yaml "$data" -q -j "$t" --format json -o "$work/report-$t.json"
    read -r wall user sys kb <"$work/time"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
    rss+=("$kb")
  done
  median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
  wall=$(median "${walls[@]}")
  cpu=$(median "${cpus[@]}")
  kb=$(median "${rss[@]}")
  [[ -z "$one" ]] && one=$wall
  same="identical"
  cmp -s "$work/report-1.json" "$work/report-$t.json" || same="DIFFERS from 1 thread"
  printf '%8s %10s %10s %8.2fx %8s MB %s\n' "$t" "$wall" "$cpu" "$(awk -v a="$one" -v b="$wall" 'BEGIN { print a / b }')" \
    "$((kb / 1024))" "$same"
done
