#!/usr/bin/env bash
# The peer comparison of bench/RESULTS.md: the same job -- the unit totals of the bench pool --
# done by qscore and by DuckDB, R data.table, pandas, SQLite, a plain C program and a bare
# memchr scan (the floor). Checks that every peer's totals match qscore's to 1e-9 and prints a
# table of wall time, CPU time (user + sys) and peak RSS, medians of R runs, with ratios to qscore.
# See bench/peers/README.md.
#
#   bench/peers/run_peers.sh [--rows N] [--runs R] [--threads T] [--peer-threads P]
#                            [--peers LIST] [--data-dir DIR] [--build-dir DIR] [--no-build] [--keep]
#
#   --rows N          rows of the generated pool (default 1000000)
#   --runs R          timed runs of every peer; the table shows medians (default 3)
#   --threads T       passed to `qscore score --threads T` when qscore has that option
#   --peer-threads P  threads for the peers that take a number (DuckDB, data.table; default 2)
#   --peers LIST      comma-separated subset of (default: all)
#                     qscore_1t,duckdb,datatable,pandas,sqlite,plain_c,memchr
#                     (qscore always runs: it is the reference; qscore_1t is qscore with --threads 1,
#                     run only when qscore has that option)
#   --data-dir DIR    where the pool, the outputs and the timings go (default: a new /tmp dir);
#                     a pool already there for the same N is reused
#   --build-dir DIR   qscore's CMake build tree (default: build-peers in the repository)
#   --no-build        use the qscore and qscore-gen already built in --build-dir as they are
#   --keep            keep the data and the outputs (otherwise they are removed at the end)
#
# Installs what is missing (Debian packages with apt-get, DuckDB from the npm registry into
# bench/peers/node_modules) and says so; run it as root on a fresh Debian 12.
# Exit status: 0 when every peer ran and matched, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

rows=1000000
runs=3
threads=""
peer_threads=2
peers_arg="qscore_1t,duckdb,datatable,pandas,sqlite,plain_c,memchr"
data_dir=""
build_dir="$root/build-peers"
keep=0
build=1
tolerance=1e-9

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --peer-threads) peer_threads="$2"; shift 2 ;;
    --peers) peers_arg="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_peers: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$rows" "$runs" "$peer_threads"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_peers: '$n' is not a positive integer" >&2; exit 2; }
done
[[ -z "$threads" || "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "run_peers: --threads '$threads' is not a positive integer" >&2; exit 2; }
IFS=',' read -r -a peers <<<"$peers_arg"
for p in "${peers[@]}"; do
  case "$p" in qscore_1t|duckdb|datatable|pandas|sqlite|plain_c|memchr) ;;
    *) echo "run_peers: unknown peer '$p' (known: qscore_1t,duckdb,datatable,pandas,sqlite,plain_c,memchr)" >&2; exit 2 ;;
  esac
done
wants() { local p; for p in "${peers[@]}"; do [[ "$p" == "$1" ]] && return 0; done; return 1; }

# ---- what is needed, installed when missing --------------------------------------------------
[[ $build -eq 1 ]] && "$root/scripts/install-deps.sh"   # qscore's own build dependencies
packages=(time gcc python3)
wants sqlite && packages+=(sqlite3)
wants datatable && packages+=(r-base-core r-cran-data.table)
wants pandas && packages+=(python3-pandas)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if wants duckdb; then
  # Debian's nodejs, unless a node and npm are already there (from Debian or elsewhere).
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run_peers: installing with apt-get: ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
if wants duckdb && [[ ! -f "$here/node_modules/@duckdb/node-api/package.json" ]]; then
  echo "run_peers: installing @duckdb/node-api from the npm registry into $here/node_modules"
  (cd "$here" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
fi

made_dir=0
if [[ -z "$data_dir" ]]; then
  data_dir=$(mktemp -d /tmp/qscore-peers.XXXXXX)
  made_dir=1
else
  mkdir -p "$data_dir"
  data_dir=$(cd "$data_dir" && pwd)
fi
pool="$data_dir/pool-$rows-seed1.csv"
made_pool=0
cleanup() {
  if [[ $keep -eq 0 ]]; then
    if [[ $made_dir -eq 1 ]]; then
      rm -rf "$data_dir"
    else
      rm -rf "$data_dir/bin" "$data_dir"/out-* "$data_dir"/time-* "$data_dir"/log-*
      if [[ $made_pool -eq 1 ]]; then rm -f "$pool"; fi
    fi
  fi
  return 0
}
trap cleanup EXIT

# ---- builds -----------------------------------------------------------------------------------
if [[ $build -eq 0 ]]; then
  echo "run_peers: using qscore and qscore-gen as built in $build_dir"
else
  echo "run_peers: building qscore and qscore-gen in $build_dir"
  if ! { cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release &&
         cmake --build "$build_dir" -j2 --target qscore_cli qscore-gen; } >"$data_dir/log-build.txt" 2>&1; then
    tail -n 40 "$data_dir/log-build.txt"
    echo "run_peers: the qscore build failed" >&2
    exit 1
  fi
fi
qscore="$build_dir/src/cli/qscore"
qscore_gen="$build_dir/src/gen/qscore-gen"
for tool in "$qscore" "$qscore_gen"; do
  [[ -x "$tool" ]] || { echo "run_peers: $tool is not there" >&2; exit 1; }
done
mkdir -p "$data_dir/bin"
cc -O2 -o "$data_dir/bin/plain_c" "$here/plain_c.c"
cc -O2 -o "$data_dir/bin/memchr_scan" "$here/memchr_scan.c"
rm -f "$data_dir"/time-* "$data_dir"/out-* "$data_dir"/log-[!b]*

# ---- data -------------------------------------------------------------------------------------
if [[ -s "$pool" ]]; then
  echo "run_peers: reusing $pool"
else
  echo "run_peers: generating $pool ($rows rows, seed 1)"
  made_pool=1
  "$qscore_gen" "$root/bench/pool.yaml" --rows "$rows" --seed 1 --output "$pool"
fi

qscore_args=(score "$root/bench/pool.yaml" "$pool" --format json --output "$data_dir/out-qscore.json" --quiet)
qscore_1t_args=(score "$root/bench/pool.yaml" "$pool" --format json --output "$data_dir/out-qscore_1t.json" --quiet --threads 1)
if "$qscore" score --help | grep -q -- '--threads'; then
  if [[ -n "$threads" ]]; then qscore_args+=(--threads "$threads"); fi
else
  if [[ -n "$threads" ]]; then echo "run_peers: this qscore has no --threads option; --threads $threads ignored"; fi
  if wants qscore_1t; then
    echo "run_peers: this qscore has no --threads option; qscore_1t left out"
    without=()
    for p in "${peers[@]}"; do [[ "$p" == qscore_1t ]] || without+=("$p"); done
    peers=("${without[@]}")
  fi
fi

# The command line of each peer; every one writes its "unit,total" lines to out-NAME.csv.
command_of() {
  local out="$data_dir/out-$1.csv"
  case "$1" in
    qscore) cmd=("$qscore" "${qscore_args[@]}") ;;
    qscore_1t) cmd=("$qscore" "${qscore_1t_args[@]}") ;;
    duckdb) cmd=(node "$here/duckdb_job.mjs" "$pool" "$out" "$peer_threads") ;;
    datatable) cmd=(Rscript "$here/datatable_job.R" "$pool" "$out" "$peer_threads") ;;
    pandas) cmd=(/usr/bin/python3 "$here/pandas_job.py" "$pool" "$out") ;;
    sqlite) cmd=(sqlite3 -batch -cmd ".import --csv '$pool' pool" -cmd ".output '$out'" :memory:) ;;
    plain_c) cmd=("$data_dir/bin/plain_c" "$pool" "$out") ;;
    memchr) cmd=("$data_dir/bin/memchr_scan" "$pool" "$out") ;;
  esac
}
stdin_of() { if [[ "$1" == sqlite ]]; then echo "$here/sqlite_job.sql"; else echo /dev/null; fi; }

# ---- versions ---------------------------------------------------------------------------------
deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
echo
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GiB; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
threads_note="threads: ${threads:-its default}"
"$qscore" score --help | grep -q -- '--threads' || threads_note="no --threads option"
if [[ $build -eq 1 ]]; then
  echo "qscore ($threads_note): $("$qscore" --version 2>/dev/null | head -1), built from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- src include 2>/dev/null || echo ' + uncommitted changes')"
else
  echo "qscore ($threads_note): $("$qscore" --version 2>/dev/null | head -1), $qscore as it was built (--no-build)"
fi
wants duckdb && echo "duckdb: @duckdb/node-api $(node -p "require('$here/node_modules/@duckdb/node-api/package.json').version"), node $(node --version), threads $peer_threads"
wants datatable && echo "datatable: r-cran-data.table $(deb_version r-cran-data.table), r-base-core $(deb_version r-base-core), threads $peer_threads"
wants pandas && echo "pandas: python3-pandas $(deb_version python3-pandas), python3-numpy $(deb_version python3-numpy)"
wants sqlite && echo "sqlite: sqlite3 $(deb_version sqlite3)"
if wants plain_c || wants memchr; then echo "plain_c, memchr: $(cc --version | head -1), -O2"; fi
echo "pool: $rows rows, $(du -m "$pool" | cut -f1) MiB; $runs run(s) each"
echo

# ---- runs -------------------------------------------------------------------------------------
all=(qscore "${peers[@]}")
declare -A failed=()
"$data_dir/bin/memchr_scan" "$pool" /dev/null   # the file into the page cache before timing
for ((r = 1; r <= runs; r++)); do
  for name in "${all[@]}"; do
    [[ -n "${failed[$name]:-}" ]] && continue
    command_of "$name"
    printf 'run %d/%d: %-10s ' "$r" "$runs" "$name"
    start_us=${EPOCHREALTIME/[.,]/}
    if /usr/bin/time -v -o "$data_dir/time-$name-$r.txt" "${cmd[@]}" <"$(stdin_of "$name")" \
        >>"$data_dir/log-$name.txt" 2>&1; then
      end_us=${EPOCHREALTIME/[.,]/}
      # time -v shows the wall time to 10 ms; bash's clock has the microseconds (and forks nothing).
      echo "Wall seconds (bash): $(( (end_us - start_us) / 1000000 )).$(printf %06d $(( (end_us - start_us) % 1000000 )))" \
        >>"$data_dir/time-$name-$r.txt"
      awk -F': ' '/Wall seconds/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} END {printf "%.3f s wall, %.2f s CPU\n", w, u+s}' \
        "$data_dir/time-$name-$r.txt"
    else
      echo "FAILED (see below)"
      failed[$name]=1
      rm -f "$data_dir/time-$name-$r.txt"
      tail -n 20 "$data_dir/log-$name.txt" | sed "s/^/  $name: /"
    fi
  done
done

# ---- the match check --------------------------------------------------------------------------
echo
status=0
declare -A verdict=()
if [[ -n "${failed[qscore]:-}" ]]; then
  echo "qscore failed: nothing to check against"
  status=1
else
  echo "totals against qscore's units[].total (tolerance $tolerance):"
  checks=()
  for name in "${peers[@]}"; do
    [[ "$name" == memchr || -n "${failed[$name]:-}" ]] && continue
    if [[ "$name" == qscore_1t ]]; then checks+=("$name=$data_dir/out-$name.json")
    else checks+=("$name=$data_dir/out-$name.csv"); fi
  done
  if [[ ${#checks[@]} -gt 0 ]]; then
    check_log=$(/usr/bin/python3 "$here/check_totals.py" "$data_dir/out-qscore.json" "$tolerance" "${checks[@]}") || status=1
    echo "$check_log"
    while read -r name word _; do
      verdict[$name]=${word%:}   # ok, MISMATCH, or SUSPECT for qscore itself
    done <<<"$check_log"
  fi
fi
if wants memchr && [[ -z "${failed[memchr]:-}" ]]; then
  lines=$(cat "$data_dir/out-memchr.csv")
  if [[ "$lines" == "$((rows + 1))" ]]; then verdict[memchr]="floor ($lines lines)"
  else verdict[memchr]="floor: $lines lines, expected $((rows + 1))"; status=1; fi
fi
verdict[qscore]="reference${verdict[qscore]:+ (${verdict[qscore]})}"
specs=()
for name in "${all[@]}"; do
  if [[ -n "${failed[$name]:-}" ]]; then specs+=("$name:FAILED"); status=1
  else specs+=("$name:${verdict[$name]:-?}"); fi
done

echo
echo "$rows rows, medians of $runs run(s):"
echo
/usr/bin/python3 "$here/timings.py" "$data_dir" "${specs[@]}"
if [[ $keep -eq 1 ]]; then
  echo
  echo "kept: $data_dir (pool, out-*.csv, out-qscore.json, time-*.txt, log-*.txt)"
fi
exit $status
