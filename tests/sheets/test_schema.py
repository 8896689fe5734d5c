"""The JSON Schema of sheets: generated from the loader's keys, shipped beside the bundled sheets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from grader.cli import app
from grader.sheets.files import load_text
from grader.sheets.reader import DEF_KEYS, FORM_KEYS, MISTAKE_KEYS, PART_KEYS, QUESTION_KEYS, SHEET_KEYS
from grader.sheets.schema import sheet_schema, solutions_schema
from grader.sheets.solutions import FILE_KEYS, SOLUTION_KEYS, STEP_KEYS

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
SHEET = "exercises/activation-derivatives.yaml"


def test_schema_matches_the_loader_and_the_shipped_copy() -> None:
    schema = sheet_schema()
    assert set(schema["properties"]) == set(SHEET_KEYS)
    assert set(schema["properties"]["questions"]["items"]["properties"]) == set(QUESTION_KEYS)
    assert set(schema["$defs"]["part"]["properties"]) == set(PART_KEYS)
    shipped = json.loads((ROOT / "exercises" / "sheet.schema.json").read_text(encoding="utf-8"))
    assert shipped == schema, "regenerate with: grader schema > exercises/sheet.schema.json"
    out = runner.invoke(app, ["schema"])
    assert json.loads(out.stdout) == schema
    first = (ROOT / SHEET).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./sheet.schema.json"


def keys(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every key a schema documents, with its entry, named by where it is."""
    for name, entry in schema.get("properties", {}).items():
        yield f"{where}.{name}", entry
        yield from keys(entry, f"{where}.{name}")
    for inner in ("items", "additionalProperties"):
        if isinstance(schema.get(inner), dict):
            yield from keys(schema[inner], f"{where}[]")
    for name, entry in schema.get("$defs", {}).items():
        yield from keys(entry, f"#{name}")


def test_solutions_schema_matches_the_loader_and_the_shipped_copy() -> None:
    schema = solutions_schema()
    assert set(schema["properties"]) == set(FILE_KEYS)
    solution = schema["properties"]["solutions"]["additionalProperties"]
    assert set(solution["properties"]) == set(SOLUTION_KEYS)
    assert set(solution["properties"]["steps"]["items"]["properties"]) == set(STEP_KEYS)
    shipped = json.loads((ROOT / "solutions" / "solutions.schema.json").read_text(encoding="utf-8"))
    assert shipped == schema, "regenerate with: grader schema --solutions > solutions/solutions.schema.json"
    out = runner.invoke(app, ["schema", "--solutions"])
    assert json.loads(out.stdout) == schema


def test_every_key_has_a_description_and_an_example() -> None:
    found = dict(keys(sheet_schema())) | {"solutions" + k: v for k, v in keys(solutions_schema())}
    part = sheet_schema()["$defs"]["part"]["properties"]
    assert {*DEF_KEYS, *MISTAKE_KEYS, *FORM_KEYS} <= {k.rsplit(".", 1)[-1] for k in found}
    asked = {"kind", "points", "min_lines", "interval", "choices", "mistakes", "forms", "final_form", "at_kinks"}
    assert asked <= set(part)
    assert "solutions.solutions[].steps[].define" in found
    bare = [k for k, v in found.items() if not v.get("description") or not v.get("examples")]
    assert not bare, bare


def test_the_top_level_examples_make_a_sheet_that_loads() -> None:
    props = sheet_schema()["properties"]
    sheet = {key: props[key]["examples"][0] for key in ("id", "title", "definitions", "questions")}
    loaded = load_text(json.dumps(sheet))  # JSON is YAML
    assert loaded.parts["square.a"].kind == "expression" and loaded.definitions[0].name == "sigma"
