#!/usr/bin/env bash
# Fills .dev/ (git-ignored through .git/info/exclude) with what the device scripts run, from a
# Release build made here, so that the device tool can carry it (`carry: [".dev"]`):
#   bench/device/prepare.sh [BUILD_DIR]        (default: build)
# .dev/bin: qscore, qscore-gen, bench_kernel, and static plain_c, memchr_scan and spin;
# .dev/lib: the shared libraries they need beyond glibc; .dev/glibc: Debian 12's loader, libc
# and libm, used only where the device's own glibc cannot run them (scaling.py decides);
# .dev/pool-open.yaml: bench/pool.yaml without its units, for the many-units run.
# The variant builds that ceiling.py, variants.py and window.py compare are made by hand
# (README.md beside this file) and copied into .dev/bin under the names the scripts use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
exclude="$(git rev-parse --git-common-dir)/info/exclude"
mkdir -p "$(dirname "$exclude")"
grep -qx '/.dev/' "$exclude" 2>/dev/null || echo '/.dev/' >>"$exclude"
mkdir -p .dev/bin .dev/lib .dev/glibc
cp "$build/src/cli/qscore" "$build/src/gen/qscore-gen" "$build/bench/bench_kernel" .dev/bin/
cc -O2 -static -o .dev/bin/plain_c bench/peers/plain_c.c
cc -O2 -static -o .dev/bin/memchr_scan bench/peers/memchr_scan.c
cc -O2 -static -o .dev/bin/spin bench/device/spin.c
for binary in .dev/bin/qscore .dev/bin/qscore-gen .dev/bin/bench_kernel; do
  ldd "$binary" | awk '/=> \// { print $3 }'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*) cp -L "$lib" .dev/glibc/ ;;
    *) cp -L "$lib" .dev/lib/ ;;
  esac
done
cp -L /lib64/ld-linux-x86-64.so.2 .dev/glibc/
# Everything from "units:" on taken out, as the many-units figures of RESULTS.md were made.
sed '/^units:/,$d' bench/pool.yaml >.dev/pool-open.yaml
du -sh .dev
