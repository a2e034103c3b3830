#!/usr/bin/env python3
"""Second device run: what bounds qscore's 16-thread speedup on this machine.

1. Topology: are the 16 CPUs 16 cores or 8 cores with two hardware threads each?
2. The machine's own ceiling: k copies of a one-thread job at once, against one alone
   (a compute loop with no memory traffic, and `qscore -j1` itself).
3. -j1 and -j16 alternated, so that drift in the machine's speed falls on both alike.
4. Segment sizes 8 (the default), 4 and 2 MiB at 12 and 16 threads: how much of the loss is
   the tail, where threads wait for the last segments.
"""
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("SCALE_LOG", "ceiling")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scaling as scale  # noqa: E402
from scaling import say, timed, tool  # noqa: E402


def topology():
    base = "/sys/devices/system/cpu"
    rows = []
    for name in sorted(os.listdir(base)):
        if not (name.startswith("cpu") and name[3:].isdigit()):
            continue
        t = os.path.join(base, name, "topology")
        try:
            core = open(os.path.join(t, "core_id")).read().strip()
            pkg = open(os.path.join(t, "physical_package_id")).read().strip()
            sib = open(os.path.join(t, "thread_siblings_list")).read().strip()
            rows.append(f"{name}: package {pkg} core {core} siblings {sib}")
        except OSError as e:
            rows.append(f"{name}: {e}")
    say("topology:\n  " + "\n  ".join(rows))
    try:
        info = open("/proc/cpuinfo").read().split("\n\n")[0]
        for key in ("siblings", "cpu cores", "cpu MHz", "model", "stepping", "flags"):
            for line in info.splitlines():
                if line.startswith(key):
                    say(" ", line[:200])
                    break
    except OSError:
        pass
    r = subprocess.run(["sh", "-c", "lscpu 2>&1 | head -30"], capture_output=True, text=True)
    say(r.stdout)


def together(cmds, label):
    """Start every command at once; the batch's wall and each one's wall and CPU."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(c, env=scale.ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for c in cmds]
    walls, cpus, pending = {}, {}, {p.pid: p for p in procs}
    while pending:
        pid, status, ru = os.wait4(-1, 0)
        if pid in pending:
            walls[pid] = time.perf_counter() - t0
            cpus[pid] = ru.ru_utime + ru.ru_stime
            del pending[pid]
    batch = max(walls.values())
    rec = {"label": label, "k": len(cmds), "batch_wall": round(batch, 4),
           "mean_wall": round(statistics.mean(walls.values()), 4),
           "mean_cpu": round(statistics.mean(cpus.values()), 4)}
    scale.RESULTS.setdefault("together", []).append(rec)
    return rec


def ceiling(name, make_cmd, ks, alone_runs=3):
    alone = statistics.median(together([make_cmd(0)], f"{name} alone")["batch_wall"]
                              for _ in range(alone_runs))
    say(f"\n== ceiling, {name}: one alone {alone:.3f} s (median of {alone_runs}) ==")
    say(f"{'k':>3} {'batch s':>8} {'each s':>7} {'each CPU':>8} {'slowdown':>8} {'ceiling':>8}")
    for k in ks:
        r = together([make_cmd(i) for i in range(k)], f"{name} x{k}")
        slow = r["mean_wall"] / alone
        say(f"{k:>3} {r['batch_wall']:8.3f} {r['mean_wall']:7.3f} {r['mean_cpu']:8.3f} "
            f"{slow:8.2f} {k * alone / r['batch_wall']:8.2f}")
    scale.save()


def main():
    work, pool, p10, cores = scale.prepare_pool("qscore-ceiling")
    topology()

    spin_n = str(int(300_000_000 * max(scale.SCALE, 0.01)))
    ceiling("spin (no memory)", lambda i: tool("spin") + [spin_n], [2, 4, 8, 16])

    def one_thread(i):
        return tool("qscore") + ["score", pool, p10, "-q", "-j", "1", "--format", "json",
                                 "-o", os.path.join(work, f"copy{i}.json")]
    ceiling("qscore -j1 on 10M", one_thread, [4, 8, 16])

    say(f"\n== -j1 and -j{cores} alternated, 7 rounds ==")
    walls = {1: [], cores: []}
    cpus = {1: [], cores: []}
    for _ in range(7):
        for t in (1, cores):
            r = timed(tool("qscore") + ["score", pool, p10, "-q", "-j", str(t), "--format",
                                        "json", "-o", os.path.join(work, f"alt{t}.json")],
                      f"alternated -j{t}")
            walls[t].append(r["wall"])
            cpus[t].append(r["cpu"])
    for t in walls:
        say(f"  -j{t}: walls {sorted(walls[t])}, CPU {sorted(cpus[t])}")
    med = statistics.median(walls[1]) / statistics.median(walls[cores])
    best = min(walls[1]) / min(walls[cores])
    say(f"  speedup: medians {med:.2f}, fastest runs {best:.2f}")
    scale.RESULTS["alternated"] = {"walls": walls, "cpus": cpus, "median_speedup": med,
                                   "fastest_speedup": best}
    scale.save()

    say("\n== segment size at 12 and 16 threads, alternated, 7 rounds ==")
    bins = {"8 MiB": "qscore", "4 MiB": "qscore-seg4", "2 MiB": "qscore-seg2"}
    for t in (12, cores):
        walls = {k: [] for k in bins}
        for _ in range(7):
            for label, b in bins.items():
                r = timed(tool(b) + ["score", pool, p10, "-q", "-j", str(t), "--format", "json",
                                     "-o", os.path.join(work, f"seg-{b}.json")],
                          f"segments {label} -j{t}")
                walls[label].append(r["wall"])
        for label in bins:
            say(f"  -j{t} {label}: median {statistics.median(walls[label]):.3f} "
                f"min {min(walls[label]):.3f} {sorted(walls[label])}")
    scale.save()
    say("\ndone")


if __name__ == "__main__":
    scale.run_saving(main)
