"""pandas peer: read_csv + vectorised scoring + groupby, computing the unit totals of the bench pool.

Usage: /usr/bin/python3 pandas_job.py POOL.csv OUT.csv
Writes "unit,total" lines, sorted by unit. See README.md in this folder for the job.
"""
import sys

import numpy as np
import pandas as pd

# The job, as in bench/pool.yaml: 30 items q01..q30 with weights 1 + (j mod 3); codes 1, 2, 3 earn
# 100, 80, 0 points; 4 (don't know) and blanks are not answered; a ballot answering fewer than
# 0.5 x 30 = 15 items is void; nine groups with these shares; the survey is worth 80 points.
K = 30
ITEMS = [f"q{j:02d}" for j in range(1, K + 1)]
ITEM_WEIGHTS = np.array([1 + (j % 3) for j in range(1, K + 1)], dtype=np.float64)
MIN_ANSWERED = 0.5 * K
SHARES = {"g1": 0.15, "g2": 0.15, "g3": 0.12, "g4": 0.12, "g5": 0.1, "g6": 0.1, "g7": 0.08, "g8": 0.1, "g9": 0.08}
POINTS = 80.0
# Points and "answered" by code: index 0 stands for a blank cell, 1..4 for the codes.
POINTS_BY_CODE = np.array([0.0, 100.0, 80.0, 0.0, 0.0])
ANSWERED_BY_CODE = np.array([0.0, 1.0, 1.0, 1.0, 0.0])


def main(csv_path: str, out_path: str) -> None:
    df = pd.read_csv(
        csv_path,
        usecols=["group", "unit", "weight", *ITEMS],
        dtype={"group": "category", "unit": "category", "weight": np.float64, **{q: np.float32 for q in ITEMS}},
        engine="c",
    )
    # Column by column, so that no rows x items matrix of points is ever built.
    rows = len(df)
    num = np.zeros(rows)
    den = np.zeros(rows)
    n = np.zeros(rows)
    for item, w in zip(ITEMS, ITEM_WEIGHTS):
        codes = np.nan_to_num(df[item].to_numpy(), nan=0.0).astype(np.intp)  # blanks (NaN) -> 0
        answered = ANSWERED_BY_CODE[codes]
        num += w * POINTS_BY_CODE[codes]
        den += w * answered
        n += answered

    valid = (n > 0) & (n >= MIN_ANSWERED)
    v = df["weight"].to_numpy()[valid]
    ballots = pd.DataFrame(
        {"unit": df["unit"].to_numpy()[valid], "group": df["group"].to_numpy()[valid], "v": v, "vs": v * (num[valid] / den[valid])}
    )
    sums = ballots.groupby(["unit", "group"], observed=True)[["vs", "v"]].sum()
    means = (sums["vs"] / sums["v"]).rename("m").reset_index()  # M_ug
    means["share"] = means["group"].astype(str).map(SHARES)
    means["sm"] = means["share"] * means["m"]
    per_unit = means.groupby("unit", observed=True)[["sm", "share"]].sum()  # shares renormalised over groups present
    totals = POINTS * (per_unit["sm"] / per_unit["share"]) / 100.0
    totals.index = totals.index.astype(str)
    with open(out_path, "w") as out:
        for unit in sorted(totals.index):
            out.write(f"{unit},{totals[unit]!r}\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pandas_job.py POOL.csv OUT.csv")
    main(sys.argv[1], sys.argv[2])
