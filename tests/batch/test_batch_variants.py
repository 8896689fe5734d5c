"""Randomised sheets for a class (issue 14, defect 6): wrong answers are grouped per variant, and
every export says which variant a student answered.

Seeds pick the leaky_relu variant (piecewise-activations): 4 -> alpha=0.01, 1 -> alpha=0.1, 0 -> alpha=0.2.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.batch.grade import grade_paths
from grader.batch.gradescope import autograder_result
from grader.batch.model import Batch
from grader.batch.reports.formats import render
from grader.batch.reports.summary import summary_markdown

SHEET = "piecewise-activations"
SLOPE_01 = "0.1 if x < 0 else 1"  # right for alpha=0.1, wrong for the others
SLOPE_01_AGAIN = "Piecewise((0.1, x < 0), (1, x > 0))"  # the same function, written otherwise


def _write(folder: Path, student: str, seed: int, answer: str) -> None:
    data = {"student": student, "sheet": SHEET, "seed": seed, "answers": {"leaky_relu.a": answer}}
    (folder / f"{student}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("variants")
    _write(folder, "ana", 4, SLOPE_01)  # alpha=0.01: wrong
    _write(folder, "ben", 1, SLOPE_01)  # alpha=0.1: right
    _write(folder, "cat", 0, SLOPE_01_AGAIN)  # alpha=0.2: wrong, the same function as ana's
    _write(folder, "dan", 0, "Heaviside(x)")  # alpha=0.2: the ReLU mistake
    _write(folder, "eve", 4, "Heaviside(x)")  # alpha=0.01: the same text, another variant
    return grade_paths([str(folder)], jobs=2)


def test_the_right_answer_of_one_variant_is_graded_right(batch: Batch) -> None:
    statuses = {r.student: next(a for a in r.answers if a.address == "leaky_relu.a").status for r in batch.rows}
    assert statuses == {"ana": "incorrect", "ben": "correct", "cat": "incorrect", "dan": "incorrect",
                        "eve": "incorrect"}


def test_wrong_answers_are_grouped_per_variant(batch: Batch) -> None:
    (part,) = [s for s in batch.summaries if s.address == "leaky_relu.a"]
    groups = {(g.variant, tuple(t for t, _ in g.forms)) for g in part.wrong}
    # Before: ana's and cat's answers (one function) were one group, with one variant's feedback.
    assert groups == {("alpha=0.01", (SLOPE_01,)), ("alpha=0.2", (SLOPE_01_AGAIN,)),
                      ("alpha=0.01", ("Heaviside(x)",)), ("alpha=0.2", ("Heaviside(x)",))}
    for g in part.wrong:
        assert g.variant.split("=")[1] in g.why + g.mistake  # each group's words are its own variant's


def test_summary_lists_a_wrong_answer_only_under_its_variant(batch: Batch) -> None:
    text = summary_markdown(batch)
    section = text.split("### `leaky_relu.a`")[1].split("\n### ")[0]
    assert "4 students wrong" in section
    by_variant = {block.split(":")[0].strip(): block for block in section.split("#### Variant ")[1:]}
    assert set(by_variant) == {"`alpha=0.01`", "`alpha=0.2`"}  # nobody got alpha=0.1 wrong
    assert "0.1 if x < 0 else 1" in by_variant["`alpha=0.01`"]
    assert "0.1 if x < 0 else 1" not in by_variant["`alpha=0.2`"]


def test_every_export_names_the_variant(batch: Batch) -> None:
    files = render(batch, ["canvas", "moodle", "gradescope", "junit"])
    canvas = list(csv.reader(io.StringIO(files["canvas.csv"])))
    assert canvas[0][:6] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Notes"]
    assert canvas[1][5] == "(read only)"  # Canvas skips a read-only column when no Notes column exists
    assert canvas[2][0] == "ana" and "leaky_relu: alpha=0.01" in canvas[2][5]
    moodle = list(csv.reader(io.StringIO(files["moodle.csv"])))
    assert moodle[0][-1] == "Variant" and moodle[1][0] == "ana" and "alpha=0.01" in moodle[1][-1]
    ben = json.loads(files["gradescope/ben/results.json"])
    assert "Your variant: leaky_relu: alpha=0.1" in ben["output"]
    suites = ET.fromstring(files["junit.xml"])
    variants = {s.get("name"): s.find("properties/property[@name='variant']") for s in suites}
    assert {name: p.get("value", "").split(";")[0] for name, p in variants.items() if p is not None} == {
        "ana": "leaky_relu: alpha=0.01", "ben": "leaky_relu: alpha=0.1", "cat": "leaky_relu: alpha=0.2",
        "dan": "leaky_relu: alpha=0.2", "eve": "leaky_relu: alpha=0.01"}


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_a_sheet_without_variants_adds_no_columns(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"student": "a", "answers": {"relu.a": "Heaviside(x)"}}))
    plain = grade_paths([str(tmp_path)], jobs=1)
    files = render(plain, ["canvas", "moodle", "junit"])
    assert "Notes" not in files["canvas.csv"] and "Variant" not in files["moodle.csv"]
    assert 'name="variant"' not in files["junit.xml"]


def test_the_autograder_result_names_the_variant(batch: Batch) -> None:
    (ben,) = [r for r in batch.rows if r.student == "ben"]
    output = str(autograder_result([ben], ben.max_total, 1)["output"])
    assert output.splitlines()[1].startswith("Your variant: leaky_relu: alpha=0.1")
