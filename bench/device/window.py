#!/usr/bin/env python3
"""Fourth device run: the window of 2 x threads + 2 and the faster finalize (qscore-new) against
the build before them (qscore), the scaling table of the new build with thread counts
interleaved, and the machine's ceiling (16 one-thread copies at once) in the same run."""
import filecmp
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("SCALE_LOG", "window")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scaling as scale  # noqa: E402
from scaling import say, timed, tool  # noqa: E402
from ceiling import together  # noqa: E402
from variants import run_env  # noqa: E402


def main():
    work, pool, p10, cores = scale.prepare_pool("qscore-window")

    def cmd(binary, t, out="r.json"):
        return tool(binary) + ["score", pool, p10, "-q", "-j", str(t), "--format", "json",
                               "-o", os.path.join(work, out)]

    say("\n== traced runs of the new build ==")
    with open(os.path.join(scale.OUT, "traces4.txt"), "w") as traces:
        for t in (cores, cores, 8):
            wall, cpu, rc, err = run_env(cmd("qscore-trace-new", t), {"QSCORE_TRACE": "1"})
            say(f"  qscore-trace-new -j{t}: rc {rc} wall {wall:.3f} cpu {cpu:.2f}")
            traces.write(f"RUN qscore-trace-new {t} {wall:.4f} {cpu:.3f}\n{err}")

    for t, rounds in ((cores, 9), (8, 5)):
        say(f"\n== old and new alternated at -j{t}, {rounds} rounds ==")
        res = {"qscore": [], "qscore-new": []}
        for _ in range(rounds):
            for b in res:
                res[b].append(timed(cmd(b, t, b + ".json"), f"{b} -j{t}"))
        for b, recs in res.items():
            walls = sorted(r["wall"] for r in recs)
            say(f"  {b:11s} wall median {statistics.median(walls):.3f} min {walls[0]:.3f}  CPU median "
                f"{statistics.median(r['cpu'] for r in recs):.2f}  RSS max {max(r['rss_mb'] for r in recs):.0f} MB"
                f"  {walls}")
        same = filecmp.cmp(os.path.join(work, "qscore.json"), os.path.join(work, "qscore-new.json"),
                           shallow=False)
        say(f"  JSON old == new: {same}")
        scale.save()

    counts = [c for c in (1, 2, 4, 8, 12, 16) if c <= cores]
    if cores not in counts:
        counts.append(cores)
    runs = {t: (5 if t in (1, cores) else 3) for t in counts}
    say(f"\n== scaling of the new build, thread counts interleaved ({runs}) ==")
    recs = {t: [] for t in counts}
    for rnd in range(max(runs.values())):
        for t in counts:
            if rnd < runs[t]:
                recs[t].append(timed(cmd("qscore-new", t, f"scale-j{t}.json"), f"new -j{t}"))
    one = statistics.median(r["wall"] for r in recs[1])
    say(f"{'threads':>7} {'wall s':>8} {'CPU s':>7} {'speedup':>8} {'RSS MB':>7}  walls")
    for t in counts:
        walls = sorted(r["wall"] for r in recs[t])
        med = statistics.median(walls)
        say(f"{t:>7} {med:8.3f} {statistics.median(r['cpu'] for r in recs[t]):7.2f} {one / med:8.2f} "
            f"{max(r['rss_mb'] for r in recs[t]):7.0f}  {walls}")
    ref = os.path.join(work, "scale-j1.json")
    same = all(filecmp.cmp(ref, os.path.join(work, f"scale-j{t}.json"), shallow=False) for t in counts)
    say(f"JSON byte-identical across {counts} threads: {same}")
    scale.save()

    say("\n== 5,000 units (the report is most of the run), old and new alternated ==")
    open_def = os.path.join(scale.DEV, "pool-open.yaml")
    units_file = os.path.join(work, "pool200k-5000u.csv")
    scale.generate(open_def, int(200_000 * max(scale.SCALE, 0.05)), units_file, ["--units", "5000"])
    for t in (cores, 2):
        res = {"qscore": [], "qscore-new": []}
        for _ in range(2):
            for b in res:
                res[b].append(timed(tool(b) + ["score", open_def, units_file, "-q", "-j", str(t), "--format",
                                               "json", "-o", os.path.join(work, f"u-{b}.json")], f"5000u {b} -j{t}"))
        for b, recs in res.items():
            say(f"  -j{t} {b:11s} walls {sorted(r['wall'] for r in recs)}  RSS max {max(r['rss_mb'] for r in recs):.0f} MB")
        same = filecmp.cmp(os.path.join(work, "u-qscore.json"), os.path.join(work, "u-qscore-new.json"), shallow=False)
        say(f"  JSON old == new: {same}")
    scale.save()

    say("\n== the ceiling in this run: 16 one-thread copies of the new build at once ==")
    alone = [together([cmd("qscore-new", 1, "c0.json")], "alone")["batch_wall"] for _ in range(2)]
    r = together([cmd("qscore-new", 1, f"c{i}.json") for i in range(cores)], f"x{cores}")
    a = statistics.median(alone)
    say(f"  alone {alone}; {cores} at once: batch {r['batch_wall']:.3f} s, each {r['mean_wall']:.3f} s; "
        f"ceiling {cores * a / r['batch_wall']:.2f}x")
    scale.save()
    say("\ndone")


if __name__ == "__main__":
    scale.run_saving(main)
