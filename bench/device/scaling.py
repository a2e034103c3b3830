#!/usr/bin/env python3
"""Thread scaling of `qscore score` on the device's 16 cores (issue 3), in one prepared run.

Carried from the 2-core machine: .dev/bin (qscore, qscore-gen, bench_kernel, plain_c and
memchr_scan, the last two static), .dev/lib (libstdc++, yaml-cpp, libgcc_s, benchmark) and
.dev/glibc (Debian 12's loader and libc, used only if the device's own glibc cannot run them).
Writes the log and a JSON of every run to $OUT.
"""
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.getcwd()
DEV = os.path.join(ROOT, ".dev")
OUT = os.environ.get("OUT", "/tmp/scale-out")
os.makedirs(OUT, exist_ok=True)
SCALE = float(os.environ.get("SCALE", "1"))  # below 1 for a quick rehearsal here
NAME = os.environ.get("SCALE_LOG", "scaling")
LOG = open(os.path.join(OUT, NAME + ".log"), "w")
RESULTS = {"runs": []}


def say(*parts):
    line = " ".join(str(p) for p in parts)
    print(line, flush=True)
    LOG.write(line + "\n")
    LOG.flush()


def save():
    with open(os.path.join(OUT, NAME + ".json"), "w") as f:
        json.dump(RESULTS, f, indent=1)


ENV = dict(os.environ, LD_LIBRARY_PATH=os.path.join(DEV, "lib"))
PREFIX = []


def choose_loader():
    global PREFIX
    probe = [os.path.join(DEV, "bin", "qscore"), "--version"]
    r = subprocess.run(probe, env=ENV, capture_output=True, text=True)
    if r.returncode == 0 and not os.environ.get("FORCE_LOADER"):
        say("loader: the device's own, LD_LIBRARY_PATH=.dev/lib;", r.stdout.strip())
        return
    say("own loader failed:", r.returncode, r.stderr.strip()[:300])
    PREFIX = [os.path.join(DEV, "glibc", "ld-linux-x86-64.so.2"), "--library-path",
              os.path.join(DEV, "lib") + ":" + os.path.join(DEV, "glibc")]
    r = subprocess.run(PREFIX + probe, capture_output=True, text=True)
    say("carried loader:", r.returncode, r.stdout.strip(), r.stderr.strip()[:300])


def tool(name):
    return PREFIX + [os.path.join(DEV, "bin", name)]


def thread_cpu(pid):
    """CPU ns of each live thread of pid (schedstat, else stat's clock ticks)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[tid] = int(f.read().split()[0])
            continue
        except (OSError, ValueError, IndexError):
            pass
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[tid] = (int(fields[11]) + int(fields[12])) * 10**7  # ticks of 10 ms
        except (OSError, ValueError, IndexError):
            pass
    return out


def timed(cmd, label, sample_threads=False, timeout=120):
    """Wall, user+sys CPU and peak RSS of one child; optionally each thread's CPU."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    per_thread = {}
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if sample_threads:
            per_thread.update(thread_cpu(p.pid))
            time.sleep(0.001)
        else:
            time.sleep(0.0005)
        if time.perf_counter() - t0 > timeout:
            p.kill()
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    rc = os.waitstatus_to_exitcode(status)
    rec = {"label": label, "cmd": " ".join(cmd[-12:]), "rc": rc, "wall": round(wall, 4),
           "cpu": round(ru.ru_utime + ru.ru_stime, 3), "user": round(ru.ru_utime, 3),
           "sys": round(ru.ru_stime, 3), "rss_mb": round(ru.ru_maxrss / 1024, 1)}
    if sample_threads:
        rec["thread_cpu_ms"] = sorted((round(v / 1e6, 1) for v in per_thread.values()),
                                      reverse=True)
        rec["main_thread_cpu_ms"] = round(per_thread.get(str(p.pid), 0) / 1e6, 1)
    if rc != 0:
        rec["stderr"] = err[-600:]
    RESULTS["runs"].append(rec)
    return rec


def median_of(cmd, label, runs):
    recs = [timed(cmd, label) for _ in range(runs)]
    bad = [r for r in recs if r["rc"] != 0]
    if bad:
        say(f"  {label}: FAILED rc={bad[0]['rc']} {bad[0].get('stderr', '')}")
        return None
    walls = [r["wall"] for r in recs]
    m = {"label": label, "wall": statistics.median(walls), "walls": walls,
         "cpu": statistics.median(r["cpu"] for r in recs),
         "rss_mb": max(r["rss_mb"] for r in recs)}
    RESULTS.setdefault("medians", []).append(m)
    save()
    return m


def environment():
    say("date:", time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    say("uname:", " ".join(platform.uname()))
    say("nproc:", os.cpu_count(), "affinity:", len(os.sched_getaffinity(0)))
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
        say("avx2:", " avx2" in flags, "avx512f:", " avx512f" in flags)
    except OSError:
        pass
    say("cpu:", model)
    try:
        with open("/proc/meminfo") as f:
            say("mem:", f.readline().strip())
    except OSError:
        pass
    RESULTS["env"] = {"uname": " ".join(platform.uname()), "nproc": os.cpu_count(), "cpu": model}


def pick_dir(need_gb):
    for d in ("/dev/shm", "/tmp", ROOT):
        try:
            free = shutil.disk_usage(d).free / 2**30
        except OSError:
            continue
        if free > need_gb + 2:
            say(f"data dir: {d} ({free:.0f} GiB free)")
            return d
    return "/tmp"


def generate(definition, rows, path, extra=()):
    t = timed(tool("qscore-gen") + [definition, "--rows", str(rows), "--seed", "1",
                                    "--output", path, *extra], "gen")
    say(f"generated {path}: {rows} rows, {os.path.getsize(path) / 1e6:.0f} MB in {t['wall']:.1f} s"
        + ("" if t["rc"] == 0 else f" FAILED {t.get('stderr')}"))
    with open(path, "rb") as f:  # into the page cache
        while f.read(1 << 24):
            pass


def scaling(definition, data, counts, runs, tag):
    say(f"\n== scaling {tag}: {os.path.basename(data)}, {runs} runs, median ==")
    say(f"{'threads':>7} {'wall s':>8} {'CPU s':>7} {'speedup':>8} {'eff':>5} {'RSS MB':>7}  walls")
    one = None
    reports = {}
    for t in counts:
        report = os.path.join(WORK, f"{tag}-j{t}.json")
        cmd = tool("qscore") + ["score", definition, data, "-q", "-j", str(t), "--format", "json",
                                "-o", report]
        m = median_of(cmd, f"{tag} -j{t}", runs)
        if m is None:
            continue
        one = one or m["wall"]
        speed = one / m["wall"]
        say(f"{t:>7} {m['wall']:8.3f} {m['cpu']:7.2f} {speed:8.2f} {speed / max(t, 1):5.2f} "
            f"{m['rss_mb']:7.0f}  {m['walls']}")
        m["speedup"] = speed
        reports[t] = report
    first = reports.get(counts[0])
    same = all(filecmp.cmp(first, r, shallow=False) for r in reports.values()) if first else False
    say(f"JSON byte-identical across {sorted(reports)} threads: {same}")
    RESULTS.setdefault("identical", {})[tag] = same
    save()
    return reports


def prepare_pool(tag):
    """The common start of a device run: machine, loader, a data folder, the 10M pool in it.
    Returns (work folder, bench/pool.yaml, the pool's path, cores)."""
    environment()
    choose_loader()
    work = os.path.join(pick_dir(5), tag)
    os.makedirs(work, exist_ok=True)
    pool = os.path.join(ROOT, "bench", "pool.yaml")
    data = os.path.join(work, "pool10m.csv")
    generate(pool, int(10_000_000 * SCALE), data)
    return work, pool, data, os.cpu_count() or 16


def run_saving(main_function):
    """Runs main_function and writes the JSON of every run whatever happens."""
    try:
        main_function()
    finally:
        save()


def main():
    global WORK
    environment()
    choose_loader()
    rows = int(10_000_000 * SCALE)
    big_rows = int(40_000_000 * SCALE)
    data_dir = pick_dir(5)
    WORK = os.path.join(data_dir, "qscore-scale")
    os.makedirs(WORK, exist_ok=True)
    pool = os.path.join(ROOT, "bench", "pool.yaml")
    open_def = os.path.join(DEV, "pool-open.yaml")
    cores = os.cpu_count() or 16

    p10 = os.path.join(WORK, "pool10m.csv")
    generate(pool, rows, p10)

    say("\n== floors on one core, 10M ==")
    m = median_of(tool("memchr_scan") + [p10, os.path.join(WORK, "lines.txt")], "memchr", 5)
    say("memchr_scan (64 KiB reads):", m)
    m = median_of(tool("plain_c") + [p10, os.path.join(WORK, "plain.csv")], "plain_c", 1)
    say("plain_c:", m)

    counts = sorted({1, 2, 4, 6, 8, 10, 12, 14, 16, cores})
    counts = [c for c in counts if c <= cores]
    reports = scaling(pool, p10, counts, 5, "10m")
    m = median_of(tool("qscore") + ["score", pool, p10, "-q", "--format", "json", "-o",
                                    os.path.join(WORK, "default.json")], "10m -j default", 3)
    say("default -j (all cores):", m)

    say("\n== same JSON for other chunk and batch sizes, 16 threads ==")
    for extra in (["--chunk-bytes", "65536"], ["--chunk-bytes", "1048576"],
                  ["--batch-rows", "1000"], ["-j", "3"], ["-j", "32"]):
        out = os.path.join(WORK, "variant.json")
        args = ["-j", str(cores)] + extra if extra[0] != "-j" else extra
        r = timed(tool("qscore") + ["score", pool, p10, "-q", "--format", "json", "-o", out]
                  + args, "variant " + " ".join(args))
        same = r["rc"] == 0 and filecmp.cmp(out, reports[1], shallow=False)
        say(f"  {' '.join(args)}: rc {r['rc']}, {r['wall']:.3f} s, identical to -j1: {same}")
        RESULTS.setdefault("variants", []).append({"args": args, "identical": same,
                                                   "wall": r["wall"]})
    save()

    say("\n== each thread's CPU (sampled from /proc, one extra run each) ==")
    for t in (1, 4, cores):
        r = timed(tool("qscore") + ["score", pool, p10, "-q", "-j", str(t), "--format", "json",
                                    "-o", os.path.join(WORK, "sampled.json")],
                  f"sampled -j{t}", sample_threads=True)
        say(f"  -j{t}: wall {r['wall']:.3f} s, cpu {r['cpu']:.2f} s, main thread "
            f"{r.get('main_thread_cpu_ms')} ms, threads (ms): {r.get('thread_cpu_ms')}")
    save()

    p40 = os.path.join(WORK, "pool40m.csv")
    generate(pool, big_rows, p40)
    scaling(pool, p40, [c for c in (1, 2, 4, 8, 12, cores) if c <= cores], 3, "40m")
    r = timed(tool("qscore") + ["score", pool, p40, "-q", "-j", str(cores), "--format", "json",
                                "-o", os.path.join(WORK, "sampled.json")],
              f"sampled 40m -j{cores}", sample_threads=True)
    say(f"  40m -j{cores} sampled: wall {r['wall']:.3f} s, cpu {r['cpu']:.2f} s, main thread "
        f"{r.get('main_thread_cpu_ms')} ms, threads (ms): {r.get('thread_cpu_ms')}")
    os.remove(p40)

    pu = os.path.join(WORK, "pool200k-5000u.csv")
    generate(open_def, int(200_000 * max(SCALE, 0.05)), pu, ["--units", "5000"])
    scaling(open_def, pu, [1, 4, cores], 2, "5000u")

    say("\n== kernel against a plain read (Google Benchmark) ==")
    r = subprocess.run(tool("bench_kernel") + [
        "--benchmark_filter=BM_score/|BM_plain_read|BM_score_and_tally/",
        "--benchmark_min_time=0.3"], env=ENV, capture_output=True, text=True, timeout=120)
    say(r.stdout[-3000:], r.stderr[-1500:])
    save()
    say("\ndone")


if __name__ == "__main__":
    run_saving(main)
