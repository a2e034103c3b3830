#!/usr/bin/env bash
# Times two or more qscore binaries on the same file, alternating them so that a machine whose
# speed drifts (a shared VM) affects each alike. Prints each binary's wall and CPU (user + sys)
# seconds, sorted, so that the fastest runs can be compared.
#
#   bench/ab_time.sh ROUNDS RESPONSES.csv THREADS BINARY...
#   bench/ab_time.sh 3 /tmp/pool10m.csv 2 /tmp/qscore-old build/src/cli/qscore
#
# The definition is bench/pool.yaml (override with DEFINITION=...). Reports go to a temporary
# folder, removed at the end.
set -euo pipefail

if [ "$#" -lt 4 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
rounds=$1
responses=$2
threads=$3
shift 3
definition=${DEFINITION:-"$(cd "$(dirname "$0")" && pwd)/pool.yaml"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for _ in $(seq "$rounds"); do
  i=0
  for binary in "$@"; do
    i=$((i + 1))
    /usr/bin/time -f "%e %U %S" -o "$work/time" \
      "$binary" score "$definition" "$responses" -q -j "$threads" --format json -o "$work/report.json"
    tail -n 1 "$work/time" >> "$work/times.$i"
  done
done

i=0
for binary in "$@"; do
  i=$((i + 1))
  wall=$(awk '{ print $1 }' "$work/times.$i" | sort -n | tr '\n' ' ')
  cpu=$(awk '{ printf "%.2f\n", $2 + $3 }' "$work/times.$i" | sort -n | tr '\n' ' ')
  echo "$binary"
  echo "  wall s: $wall"
  echo "  CPU s:  $cpu"
done
