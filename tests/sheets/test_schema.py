"""The JSON Schema of sheets: generated from the loader's keys, shipped beside the bundled sheets."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app
from grader.sheets.reader import PART_KEYS, QUESTION_KEYS, SHEET_KEYS
from grader.sheets.schema import sheet_schema

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
