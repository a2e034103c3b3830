"""Checks the peers' unit totals against qscore's.

Usage: /usr/bin/python3 check_totals.py QSCORE_REPORT.json TOLERANCE PEER=OUT.csv [PEER=OUT.csv ...]
Each OUT.csv holds "unit,total" lines (an OUT.json is another qscore report). Every unit of qscore's report (units[].id, units[].total)
must be there with |total - qscore's| <= TOLERANCE, and no other unit. Prints one line per peer
and exits 1 when any peer differs.
"""
import json
import math
import sys


def read_qscore(path):
    with open(path) as f:
        report = json.load(f)
    return {u["id"]: u["total"] for u in report["units"] if u.get("total") is not None}


def read_peer(path):
    if path.endswith(".json"):  # another qscore run's report
        return read_qscore(path)
    totals = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            unit, total = line.split(",")
            totals[unit.strip().strip('"')] = float(total)
    return totals


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        report = json.load(f)
    tolerance = float(argv[2])
    expected = {u["id"]: u["total"] for u in report["units"] if u.get("total") is not None}
    ok = True
    accounting = report.get("accounting", {})
    if accounting.get("rejected") or not expected:
        # The pool is clean: every row is scored or void. Anything else is qscore's fault.
        print(f"  {'qscore':<12} SUSPECT: {accounting.get('rejected')} of {accounting.get('rows_read')} rows rejected "
              f"({accounting.get('rejected_by_reason')}), {len(expected)} units with a total")
        ok = False
    for spec in argv[3:]:
        name, path = spec.split("=", 1)
        try:
            got = read_peer(path)
        except (OSError, ValueError) as e:
            print(f"  {name:<12} MISMATCH: cannot read {path}: {e}")
            ok = False
            continue
        problems = []
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        if missing:
            problems.append(f"missing units {missing}")
        if extra:
            problems.append(f"extra units {extra}")
        worst, worst_unit = 0.0, None
        for unit in sorted(set(expected) & set(got)):
            diff = abs(got[unit] - expected[unit])
            if math.isnan(diff) or diff > worst:
                worst, worst_unit = (math.inf if math.isnan(diff) else diff), unit
        if worst > tolerance:
            problems.append(f"{worst_unit}: {got[worst_unit]!r} vs qscore {expected[worst_unit]!r} (|diff| {worst:.3g})")
        if problems:
            ok = False
            print(f"  {name:<12} MISMATCH: " + "; ".join(problems))
        else:
            print(f"  {name:<12} ok: {len(got)} units, max |diff| {worst:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
