#!/usr/bin/python3
"""Peer check of the composite scorecard: recompute it in Python from the definition, the input
files and the survey part of qscore's JSON report (units[].total, units[].rank), and compare with
the report's "scorecard" object. Independent of the C++ code: only the rules of README
"Composite scorecard" are used.

usage: check_scorecard.py DEFINITION REPORT.json NAME=FILE...
"""
import csv
import json
import sys

import yaml


def rounded_key(value, decimals):
    places = 9 if decimals is None else decimals
    return round(value * 10 ** places)


def main():
    definition = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    report = json.load(open(sys.argv[2], encoding="utf-8"))
    files = dict(arg.split("=", 1) for arg in sys.argv[3:])
    card = definition["scorecard"]
    decimals = definition.get("ranking", {}).get("decimals")
    label_to_id = {}
    for u in definition.get("units", []):
        label_to_id[u["id"]] = u["id"]
        labels = u.get("label", {})
        for text in (labels.values() if isinstance(labels, dict) else [labels]):
            label_to_id[text] = u["id"]

    def rows(name):
        with open(files[name], encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    expected = {}
    for unit in report["units"]:
        uid = unit["id"]
        values = {}
        extra = {}
        for c in card["components"]:
            cid = c["id"]
            if c["input"] == "survey":
                values[cid] = unit["total"]
            elif c["input"] == "values":
                found = [float(r["value"]) for r in rows(cid) if label_to_id.get(r["unit"].strip(), r["unit"].strip()) == uid]
                value = found[0] if found else c.get("missing_value")
                if value is not None and "cap" in c:
                    value = min(value, c["cap"])
                values[cid] = value
            else:
                deducted = 0.0
                count = escalated = 0
                for r in rows(cid):
                    if label_to_id.get(r["unit"].strip(), r["unit"].strip()) != uid:
                        continue
                    n = int(r.get("count") or 1)
                    e = int(r.get("escalated") or 0)
                    # the most specific rule: source and category, source, category, neither
                    best = None
                    for rule in c["deductions"]:
                        if rule.get("source") not in (None, r["source"]) or rule.get("category") not in (None, r["category"]):
                            continue
                        score = (2 if "source" in rule else 0) + (1 if "category" in rule else 0)
                        if best is None or score > best[0]:
                            best = (score, rule)
                    rule = best[1]
                    deducted += n * rule["per"] + e * rule.get("per_escalated", 0)
                    count += n
                    escalated += e
                values[cid] = max(c.get("floor", 0), c["points"] - deducted)
                extra[cid + ".count"] = count
                extra[cid + ".escalated"] = escalated
        total = None if any(v is None for v in values.values()) else sum(values.values())
        vetoed = "veto" in files and any(label_to_id.get(r["unit"], r["unit"]) == uid for r in rows("veto"))
        band = ""
        if total is not None and card.get("bands"):
            band = card["bands"][-1]["id"] if vetoed else next(
                b["id"] for b in card["bands"] if rounded_key(total, decimals) >= rounded_key(b["from"], decimals))
        excluded = vetoed and card.get("veto", {}).get("action", "last") == "exclude"
        eligible = total is not None and unit["rank"] is not None and not excluded
        keys = []
        for k in card.get("tie_break", []):
            name = k.lstrip("-")
            v = values.get(name, extra.get(name))
            keys.append(None if v is None else (-1 if k.startswith("-") else 1) * rounded_key(v, decimals))
        expected[uid] = dict(total=total, values=values, vetoed=vetoed, band=band, eligible=eligible,
                             sort=(1 if vetoed else 0, -rounded_key(total, decimals) if total is not None else 0,
                                   tuple((0, -k) if k is not None else (1, 0) for k in keys)))
    ranked = sorted((u for u in expected if expected[u]["eligible"]), key=lambda u: expected[u]["sort"])
    for i, uid in enumerate(ranked):
        previous = ranked[i - 1] if i else None
        same = previous is not None and expected[previous]["sort"] == expected[uid]["sort"]
        expected[uid]["rank"] = expected[previous]["rank"] if same else i + 1

    problems = []
    got_units = report["scorecard"]["units"]
    head = got_units[:len(ranked)]
    if sorted(u["id"] for u in head) != sorted(ranked) or [u["rank"] for u in head] != sorted(u["rank"] for u in head):
        problems.append("rank order: got %s, expected the ranked units %s first, by rank" % (
            [u["id"] for u in got_units], ranked))
    for got in got_units:
        want = expected[got["id"]]
        if (got["total"] is None) != (want["total"] is None) or (
                want["total"] is not None and abs(got["total"] - want["total"]) > 1e-9):
            problems.append("%s: total %s, expected %s" % (got["id"], got["total"], want["total"]))
        if got["rank"] != want.get("rank"):
            problems.append("%s: rank %s, expected %s" % (got["id"], got["rank"], want.get("rank")))
        if got["band"] != want["band"] or got["vetoed"] != want["vetoed"]:
            problems.append("%s: band %s vetoed %s, expected %s %s" % (got["id"], got["band"], got["vetoed"],
                                                                      want["band"], want["vetoed"]))
        for c in got["components"]:
            w = want["values"][c["id"]]
            if (c["value"] is None) != (w is None) or (w is not None and abs(c["value"] - w) > 1e-9):
                problems.append("%s: component %s = %s, expected %s" % (got["id"], c["id"], c["value"], w))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("scorecard checked: %d units, %d ranked" % (len(got_units), len(ranked)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
