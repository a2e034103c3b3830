"""Summarises the `/usr/bin/time -v` files of run_peers.sh as a table with ratios to qscore.

Usage: /usr/bin/python3 timings.py DIR PEER[:STATUS] [PEER[:STATUS] ...]
DIR holds time-PEER-RUN.txt files (time -v's output, plus run_peers.sh's line
"Wall seconds (bash): S.uuuuuu", preferred to time -v's 10 ms wall time when there). For each peer the median over its runs is taken of the wall
time, the CPU time (user + sys) and the peak RSS, each on its own. The first peer is the
reference of the ratios (qscore). STATUS (ok, MISMATCH, FAILED, floor, ...) is shown as is.
Prints a Markdown table.
"""
import glob
import os
import re
import statistics
import sys


def read_time_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            values[key] = value
    if "Wall seconds (bash)" in values:  # run_peers.sh's own, to the microsecond
        wall = float(values["Wall seconds (bash)"])
    else:
        wall = 0.0
        for part in values["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
            wall = wall * 60 + float(part)
    cpu = float(values["User time (seconds)"]) + float(values["System time (seconds)"])
    rss_mib = int(values["Maximum resident set size (kbytes)"]) / 1024
    return wall, cpu, rss_mib


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    directory = argv[1]
    rows = []
    for spec in argv[2:]:
        name, _, status = spec.partition(":")
        files = sorted(glob.glob(os.path.join(directory, f"time-{glob.escape(name)}-*.txt")))
        files = [f for f in files if re.fullmatch(rf"time-{re.escape(name)}-\d+\.txt", os.path.basename(f))]
        runs = [read_time_file(f) for f in files]
        if not runs:
            rows.append((name, None, status or "no runs"))
            continue
        medians = tuple(statistics.median(r[k] for r in runs) for k in range(3))
        rows.append((name, (medians, len(runs)), status))

    reference = rows[0][1][0] if rows and rows[0][1] else None

    def ratio(value, k):
        if reference is None or reference[k] <= 0:
            return "-"
        return f"{value / reference[k]:.2f}"

    print(f"| peer | wall s | × {rows[0][0]} | CPU s (user+sys) | × {rows[0][0]} | peak RSS MiB | × {rows[0][0]} | runs | totals |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, data, status in rows:
        if data is None:
            print(f"| {name} | - | - | - | - | - | - | 0 | {status} |")
            continue
        (wall, cpu, rss), n = data
        print(
            f"| {name} | {wall:.3f} | {ratio(wall, 0)} | {cpu:.3f} | {ratio(cpu, 1)} | {rss:.1f} | {ratio(rss, 2)} | {n} | {status} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
