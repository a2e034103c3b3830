#!/usr/bin/env python3
"""Validates every shipped definition against schemas/questionnaire.schema.json, and checks that
the schema rejects a few deliberately broken definitions.

Usage: validate_examples.py SOURCE_DIR [--qscore PATH]

With --qscore (the built command-line tool), every verdict is checked against the loader too:
`qscore validate` must accept what the schema accepts and reject the broken definitions, so that
the schema and the loader cannot drift apart unnoticed. The few cases where the schema is
stricter on purpose are marked as such.

Needs Debian's python3-yaml and python3-jsonschema (run it with /usr/bin/python3).
"""
import argparse
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema
import yaml


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def fields_without_description(schema):
    """Paths of the schema's fields that editors would show without help text. Only the field
    definitions count, not the constraints in anyOf/if/then/else branches."""
    missing = []

    def described(field):
        if "description" in field:
            return True
        ref = field.get("$ref", "")
        return ref.startswith("#/$defs/") and "description" in schema["$defs"][ref.split("/")[-1]]

    def walk(node, path):
        for name, field in node.get("properties", {}).items():
            if not described(field):
                missing.append(f"{path}/{name}")
            walk(field, f"{path}/{name}")

    walk(schema, "")
    for name, definition in schema.get("$defs", {}).items():
        walk(definition, f"$defs/{name}")
    return missing


def loader_verdict(qscore, doc, name):
    """Exit status of `qscore validate` on `doc`, and what it printed."""
    with tempfile.TemporaryDirectory() as scratch:
        path = pathlib.Path(scratch) / (name.replace(" ", "_") + ".yaml")
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        done = subprocess.run([qscore, "validate", str(path)], capture_output=True, text=True)
        return done.returncode, (done.stdout + done.stderr).strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source", nargs="?", default=".")
    parser.add_argument("--qscore", help="the qscore tool, to check the loader agrees")
    args = parser.parse_args()
    source = pathlib.Path(args.source).resolve()
    with open(source / "schemas" / "questionnaire.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failures = 0
    for path in fields_without_description(schema):
        failures += 1
        print(f"FAIL schema field without a description: {path}")

    # 1. Every definition we ship or use as a valid fixture must validate.
    definitions = sorted((source / "examples").rglob("*.yaml"))
    valid_fixtures = source / "tests" / "golden" / "definitions" / "valid"
    if valid_fixtures.is_dir():
        definitions += sorted(valid_fixtures.rglob("*.yaml"))
    definitions += sorted((source / "tests" / "catalogue").rglob("*.yaml"))  # the bad-input catalogue
    if not definitions:
        print("no definitions found under", source / "examples")
        return 1
    for path in definitions:
        errors = sorted(validator.iter_errors(load_yaml(path)), key=lambda e: list(e.absolute_path))
        rel = path.relative_to(source)
        if errors:
            failures += 1
            for e in errors:
                where = "/" + "/".join(str(p) for p in e.absolute_path)
                print(f"FAIL {rel}: {where}: {e.message}")
        else:
            print(f"ok   {rel}")
        if args.qscore:
            status, said = loader_verdict(args.qscore, load_yaml(path), path.stem)
            if status != 0:
                failures += 1
                print(f"FAIL qscore validate rejects {rel}, which the schema accepts:\n{said}")

    # 2. Deliberately wrong definitions must be rejected. Each starts from the appraisal example
    #    and breaks one thing.
    base = load_yaml(source / "examples" / "appraisal" / "appraisal.yaml")

    def broken(change):
        doc = copy.deepcopy(base)
        change(doc)
        return doc

    def drop(mapping, key):
        del mapping[key]

    # name -> (broken document, where the schema must complain)
    cases = {
        "unknown top-level key": (broken(lambda d: d.update(colour="blue")), ""),
        "unknown key in an item": (broken(lambda d: d["items"][0].update(wieght=3)), "/items/0"),
        "unknown key in an option": (
            broken(lambda d: d["scales"][0]["options"][0].update(score=1)), "/scales/0/options/0"),
        "missing top-level id": (broken(lambda d: drop(d, "id")), ""),
        "item without id": (broken(lambda d: drop(d["items"][1], "id")), "/items/1"),
        "share as a string": (broken(lambda d: d["groups"][0].update(share="0.15")), "/groups/0/share"),
        "wrong format": (broken(lambda d: d.update(format="qscore/2")), "/format"),
        "option with neither points nor non_answer": (
            broken(lambda d: drop(d["scales"][0]["options"][0], "points")), "/scales/0/options/0"),
        "decimals out of range": (broken(lambda d: d["ranking"].update(decimals=12)), "/ranking/decimals"),
        "min_answered above 1": (
            broken(lambda d: d["ballot"].update(min_answered=1.5)), "/ballot/min_answered"),
        "code as a float": (
            broken(lambda d: d["scales"][0]["options"][0].update(code=1.5)), "/scales/0/options/0/code"),
        "numeric scale with a scored extra option": (broken(lambda d: d["scales"].append(
            {"id": "agree5", "numeric": {"min": 1, "max": 5},
             "options": [{"code": "9", "points": 10}]})), "/scales/1/options/0"),
        "categorical scale without options": (
            broken(lambda d: d["scales"].append({"id": "empty"})), "/scales/1"),
        "non-answer with points": (
            broken(lambda d: d["scales"][0]["options"][3].update(points=0)), "/scales/0/options/3"),
        "code with a trailing blank": (
            broken(lambda d: d["scales"][0]["options"][0].update(code="1 ")), "/scales/0/options/0/code"),
        "unknown reliability rule": (
            broken(lambda d: d.update(statistics={"reliability": "casewise"})), "/statistics/reliability"),
        "unknown key in statistics": (
            broken(lambda d: d.update(statistics={"bootstrap": 100})), "/statistics"),
        "negative rank replicates": (
            broken(lambda d: d.update(statistics={"rank_replicates": -1})), "/statistics/rank_replicates"),
        "population without a size": (
            broken(lambda d: d.update(statistics={"population": [{"stratum": "deputy"}]})),
            "/statistics/population/0"),
        "population size zero": (
            broken(lambda d: d.update(statistics={"population": [{"stratum": "deputy", "size": 0}]})),
            "/statistics/population/0/size"),
        "min_cell below 1": (
            broken(lambda d: d.update(privacy={"min_cell": 0})), "/privacy/min_cell"),
        "min_cell not an integer": (
            broken(lambda d: d.update(privacy={"min_cell": 2.5})), "/privacy/min_cell"),
        "unknown key in privacy": (
            broken(lambda d: d.update(privacy={"k": 5})), "/privacy"),
        "check with an unknown action": (
            broken(lambda d: d["checks"][0].update(action="maybe")), "/checks/0/action"),
        "formula without a formula": (broken(lambda d: drop(d["formulas"][0], "formula")), "/formulas/0"),
        "formula name that is not a name": (
            broken(lambda d: d["formulas"][0].update(name="low integrity")), "/formulas/0/name"),
        "empty valid_if": (broken(lambda d: d["ballot"].update(valid_if="")), "/ballot/valid_if"),
        # Stricter than the loader on purpose (the loader takes any text as a language).
        "label map with a non-language key": (
            broken(lambda d: d["groups"][0].update(label={"zh cn": "x"})), "/groups/0/label"),
    }
    # The loader takes an empty valid_if as no condition; the schema asks for a formula.
    schema_only = {"label map with a non-language key", "empty valid_if"}
    for name, (doc, where) in cases.items():
        paths = ["/" + "/".join(str(p) for p in e.absolute_path) for e in validator.iter_errors(doc)]
        paths = [p if p != "/" else "" for p in paths]
        if not paths:
            failures += 1
            print(f"FAIL accepted a broken definition: {name}")
        elif where not in paths:
            failures += 1
            print(f"FAIL {name}: expected a complaint at '{where}', got {paths}")
        else:
            print(f"ok   rejected at '{where}': {name}")
        if args.qscore and name not in schema_only:
            status, said = loader_verdict(args.qscore, doc, name)
            if status == 0:
                failures += 1
                print(f"FAIL qscore validate accepts '{name}', which the schema rejects")

    # 3. And a few legitimate variations must pass: integer codes (YAML reads `1` as a number),
    #    a numeric scale with a non-answer, plain-string labels, open units, no weight column.
    def variations(d):
        for option in d["scales"][0]["options"]:
            option["code"] = int(option["code"])
        d["scales"].append({"id": "agree5", "label": "Agreement",
                            "numeric": {"min": 1, "max": 5, "points": [0, 100], "positive_from": 4},
                            "options": [{"code": 9, "label": "Don't know", "non_answer": True}]})
        d["items"].append({"id": "q11", "text": "Staff listen", "scale": "agree5", "weight": 0,
                           "reverse": True, "column": "Q11_raw"})
        del d["units"]
        del d["columns"]["weight"]
        d["statistics"] = {"reliability": "pairwise", "reliability_by_group": True, "rank_replicates": 200,
                           "rank_seed": 7, "population": [{"stratum": d["groups"][0]["id"], "size": 500}]}
        d["privacy"] = {"min_cell": 1}

    doc = broken(variations)
    errors = list(validator.iter_errors(doc))
    if errors:
        failures += 1
        for e in errors:
            print(f"FAIL variation rejected: {list(e.absolute_path)}: {e.message}")
    else:
        print("ok   accepted: integer codes, numeric scale, open units, no weight column, statistics, privacy")
    if args.qscore:
        status, said = loader_verdict(args.qscore, doc, "variations")
        if status != 0:
            failures += 1
            print(f"FAIL qscore validate rejects the variations the schema accepts:\n{said}")

    print(f"{len(definitions)} definitions, {len(cases)} broken cases; {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
