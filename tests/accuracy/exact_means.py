#!/usr/bin/env python3
"""Exact group means of the bench pool, in rational arithmetic, against qscore's JSON reports.

Each respondent's score is x = sum(w_j * p_j) / sum(w_j) over answered items, rounded once to a
double (as qscore's kernel does: integer sums, one division); a ballot is valid when at least
half the items are answered. A cell's mean is sum(w_i * x_i) / sum(w_i) over valid ballots,
with w_i the sampling weight as parsed (the nearest double to the text), computed exactly with
fractions and rounded once. Prints, per report, how many of the cell means equal the correctly
rounded value and the largest difference in units in the last place; exits 1 unless every one
does.

  exact_means.py POOL.csv REPORT.json [REPORT.json ...]
  exact_means.py --run QSCORE_GEN QSCORE DEFINITION ROWS WORK_DIR
      (generates ROWS rows of DEFINITION, which must be bench/pool.yaml, scores them on one and
      on two threads, and checks both reports; what the test suite runs)
"""
import csv, json, math, os, subprocess, sys
from fractions import Fraction

POINTS = {"1": 100, "2": 80, "3": 0}          # "4" is don't know (no answer), "" blank
ITEM_WEIGHTS = [1 + (j % 3) for j in range(1, 31)]  # q01 -> 2, q02 -> 3, q03 -> 1, ...

def generate_and_score(gen, qscore, definition, rows, work):
    os.makedirs(work, exist_ok=True)
    pool = os.path.join(work, "pool.csv")
    subprocess.run([gen, definition, "--rows", rows, "--seed", "7", "--output", pool], check=True)
    reports = []
    for threads in ("1", "2"):
        report = os.path.join(work, f"report-{threads}.json")
        subprocess.run([qscore, "score", definition, pool, "--format", "json", "--output", report,
                        "--threads", threads, "--quiet"], check=True)
        reports.append(report)
    return pool, reports


def main():
    if sys.argv[1] == "--run":
        pool, reports = generate_and_score(*sys.argv[2:7])
    else:
        pool, reports = sys.argv[1], sys.argv[2:]
    failed = False
    sw, swx, n = {}, {}, {}
    with open(pool, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        qi = [header.index("q%02d" % j) for j in range(1, 31)]
        gi, ui, wi = header.index("group"), header.index("unit"), header.index("weight")
        for row in r:
            num = den = answered = 0
            for j, c in enumerate(qi):
                p = POINTS.get(row[c])
                if p is None:
                    continue
                answered += 1
                num += ITEM_WEIGHTS[j] * p
                den += ITEM_WEIGHTS[j]
            if answered * 2 < 30:
                continue
            x = Fraction(num / den)  # the double qscore computes, exactly
            w = Fraction(float(row[wi])) if row[wi] else Fraction(1)
            key = (row[ui], row[gi])
            sw[key] = sw.get(key, 0) + w
            swx[key] = swx.get(key, 0) + w * x
            n[key] = n.get(key, 0) + 1
    for path in reports:
        report = json.load(open(path))
        same = cells = 0
        worst = 0.0
        for unit in report["units"]:
            for group in unit["groups"]:
                key = (unit["id"], group["id"])
                if key not in n or group.get("mean") is None:
                    continue
                assert group["n"] == n[key], (key, group["n"], n[key])
                exact = float(swx[key] / sw[key])  # Fraction -> float rounds correctly
                cells += 1
                same += group["mean"] == exact
                worst = max(worst, abs(group["mean"] - exact) / math.ulp(exact))
        print(f"{path}: {same} of {cells} cell means correctly rounded; largest error {worst:.0f} ulp")
        failed |= same != cells or cells == 0
    sys.exit(1 if failed else 0)


main()
