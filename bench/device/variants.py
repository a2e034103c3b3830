#!/usr/bin/env python3
"""Third device run: where a 16-thread run's time goes (a traced build), and which shared
resource inflates its CPU: worker-side key counting (nokeys build), malloc's mmap/munmap churn
(GLIBC_TUNABLES), the shared id bitmap (--allow-duplicate-ids)."""
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("SCALE_LOG", "variants")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scaling as scale  # noqa: E402
from scaling import say, tool  # noqa: E402


def run_env(cmd, extra_env):
    env = dict(scale.ENV, **extra_env)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status), err


def main():
    work, pool, p10, cores = scale.prepare_pool("qscore-variants")
    out_json = os.path.join(work, "r.json")

    def cmd(binary, t, *extra):
        return tool(binary) + ["score", pool, p10, "-q", "-j", str(t), "--format", "json",
                               "-o", out_json, *extra]

    say("\n== traced runs ==")
    with open(os.path.join(scale.OUT, "traces.txt"), "w") as traces:
        for binary, t in (("qscore-trace", 1), ("qscore-trace", 8), ("qscore-trace", cores),
                          ("qscore-trace", cores), ("qscore-trace-nokeys", cores),
                          ("qscore-trace-nokeys", cores), ("qscore-trace", 1)):
            wall, cpu, rc, err = run_env(cmd(binary, t), {"QSCORE_TRACE": "1"})
            say(f"  {binary} -j{t}: rc {rc} wall {wall:.3f} cpu {cpu:.2f}")
            traces.write(f"RUN {binary} {t} {wall:.4f} {cpu:.3f}\n{err}")

    variants = {
        "head": ("qscore", {}, []),
        "malloc-no-mmap": ("qscore", {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=33554432:"
                                      "glibc.malloc.trim_threshold=4294967296"}, []),
        "nokeys": ("qscore-trace-nokeys", {}, []),
        "no-id-check": ("qscore", {}, ["--allow-duplicate-ids"]),
        "trace-off": ("qscore-trace", {}, []),
    }
    for t in (cores, 8):
        say(f"\n== variants at -j{t}, alternated, 7 rounds ==")
        walls = {k: [] for k in variants}
        cpus = {k: [] for k in variants}
        for _ in range(7):
            for name, (binary, env, extra) in variants.items():
                wall, cpu, rc, err = run_env(cmd(binary, t, *extra), env)
                if rc != 0:
                    say(f"  {name}: rc {rc} {err[-300:]}")
                walls[name].append(round(wall, 4))
                cpus[name].append(round(cpu, 3))
        for name in variants:
            say(f"  {name:15s} wall median {statistics.median(walls[name]):.3f} min "
                f"{min(walls[name]):.3f}  CPU median {statistics.median(cpus[name]):.2f}  "
                f"{sorted(walls[name])}")
        scale.RESULTS.setdefault("variants", {})[str(t)] = {"walls": walls, "cpus": cpus}
        scale.save()

    say("\n== -j1, 5 runs ==")
    w1 = []
    c1 = []
    for _ in range(5):
        wall, cpu, rc, err = run_env(cmd("qscore", 1), {})
        w1.append(round(wall, 4))
        c1.append(round(cpu, 3))
    say(f"  -j1 wall median {statistics.median(w1):.3f} {sorted(w1)} CPU {sorted(c1)}")
    scale.RESULTS["j1"] = {"walls": w1, "cpus": c1}
    scale.save()
    say("\ndone")


if __name__ == "__main__":
    scale.run_saving(main)
