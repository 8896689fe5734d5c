"""Defects that silently gave students wrong grades (issue 14), each reproduced here.

1 one file's `sheet:` changed the sheet of the whole batch; 2 duplicate ids went to the LMS files
twice; 3 LaTeX eaten by YAML double quotes was graded as `anh` and printed raw; 4 one bad key made a
whole file unreadable and dropped the student from the LMS files; 5 grades.csv hid invalid answers.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.batch.grade import grade_paths
from grader.batch.model import Batch, Row
from grader.cli import app

pytestmark = pytest.mark.system  # grades with batch's worker pool: forks its worker processes

RIGHT = {"sigmoid.a": "e^(-x)/(1+e^(-x))^2", "tanh.a": "sech(x)^2", "relu.a": "Heaviside(x)"}


def _json(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _grade(*args: str) -> Result:
    return CliRunner().invoke(app, ["grade", *args, "--jobs", "2"])


def _row(batch: Batch, student: str) -> Row:
    (row,) = [r for r in batch.rows if r.student == student]
    return row


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- 1: the sheet is chosen for the batch, never by one file -------------------------------------


def test_one_file_naming_another_sheet_does_not_change_the_others(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        _json(tmp_path, f"{name}.json", {"student": name, "answers": RIGHT})
    _json(tmp_path, "z.json", {"student": "z", "sheet": "smooth-activations", "answers": {"softplus.a": "σ(x)"}})
    batch = grade_paths([str(tmp_path)], jobs=2)
    assert batch.sheet_id == "activation-derivatives"
    assert all(_row(batch, s).readable and _row(batch, s).total == 6 for s in "abc")
    z = _row(batch, "z")
    assert "answers sheet `smooth-activations`" in z.unreadable and "--sheet smooth-activations" in z.unreadable


def test_the_sheet_every_file_names_is_used(tmp_path: Path) -> None:
    for name in ("a", "b"):
        _json(tmp_path, f"{name}.json", {"student": name, "sheet": "smooth-activations",
                                         "answers": {"softsign.a": "1/(1+abs(x))^2"}})
    batch = grade_paths([str(tmp_path)], jobs=2)
    assert batch.sheet_id == "smooth-activations" and not batch.unreadable


# --- 2: duplicate ids ------------------------------------------------------------------------------


def _two_files_for_one_student(folder: Path) -> None:
    old = _json(folder, "first.json", {"student": "same", "answers": RIGHT})
    new = _json(folder, "second.json", {"student": "same", "answers": {"sigmoid.a": "x"}})
    _json(folder, "other.json", {"student": "other", "answers": RIGHT})
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_100, 1_700_000_100))


def test_duplicate_ids_refuse_the_lms_files_by_default(tmp_path: Path) -> None:
    _two_files_for_one_student(tmp_path / "in")
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "canvas,moodle")
    assert result.exit_code == 1
    assert "`same`" in result.stderr and "first.json" in result.stderr and "--duplicates" in result.stderr
    assert not (tmp_path / "out" / "canvas.csv").exists() and not (tmp_path / "out" / "moodle.csv").exists()
    assert [r[0] for r in _csv(tmp_path / "out" / "grades.csv")[1:]] == ["other", "same", "same"]


def test_duplicates_latest_and_best_export_one_row_each(tmp_path: Path) -> None:
    _two_files_for_one_student(tmp_path / "in")
    for policy, points in (("latest", "0"), ("best", "6")):
        out = tmp_path / policy
        result = _grade(str(tmp_path / "in"), "--out", str(out), "--format", "moodle", "--duplicates", policy)
        assert result.exit_code == 0, result.stderr
        assert _csv(out / "moodle.csv")[1:] == [["other", "6"], ["same", points]]
        assert len(_csv(out / "grades.csv")) == 4  # grades.csv: every file
        assert "not exported" in (out / "grades.csv").read_text()


# --- 3: LaTeX eaten by YAML or JSON escapes ---------------------------------------------------------


def test_an_eaten_latex_command_is_reported_not_graded(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.yaml").write_text('student: tom\nanswers:\n  tanh.a: "1 - \\tanh(x)^2"\n'
                                            '  sigmoid.a: "\\frac{e^{-x}}{(1+e^{-x})^2}"\n  relu.a: Heaviside(x)\n')
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert "eaten by a YAML double-quoted string; use single quotes or a block scalar" in result.stderr
    assert "t.yaml" in result.stderr and "tom" in result.stderr and "tanh.a" in result.stderr
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    answer = data["submissions"][0]["answers"]["tanh.a"]
    assert (answer["status"], answer["answer"]) == ("invalid", "1 - \\tanh(x)^2")  # shown as typed
    assert "anh" not in (answer["feedback"] or "")
    for name in ("summary.md", "grades.csv", "results.json"):
        text = (tmp_path / "out" / name).read_text()
        assert not any(c in text for c in "\t\f\b\a\v"), name


# --- 4: partial files ------------------------------------------------------------------------------


def test_a_bad_key_costs_only_itself(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.yaml").write_text(
        "student: pia\nname: Pia P.\nanswers:\n  Sigmoid.A: e^(-x)/(1+e^(-x))^2\n  sigmoid.c: x\n"
        "  relu.b:\n    left: 0\n    right: 1\n")
    batch = grade_paths([str(tmp_path / "in")], jobs=2)
    row = _row(batch, "pia")
    assert row.readable and row.total == 4  # sigmoid.a 2, relu.b.left 1, relu.b.right 1
    assert "unknown key `name`" in row.status and "unknown part address `sigmoid.c`" in row.status
    assert "`Sigmoid.A` was graded as `sigmoid.a`" in row.status


def test_an_unreadable_student_is_in_every_export_with_0(tmp_path: Path) -> None:
    _json(tmp_path / "in", "a.json", {"student": "a", "answers": RIGHT})
    (tmp_path / "in" / "b.json").write_text('{"student": "b", "answers": {"tanh.a": "x",}}')
    (tmp_path / "in" / "c.yaml").write_text("answers: [x\n")
    result = _grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "canvas,moodle,gradescope")
    assert result.exit_code == 1
    assert _csv(tmp_path / "out" / "moodle.csv")[1:] == [["a", "6"], ["b", "0"], ["c", "0"]]
    assert [r[2] for r in _csv(tmp_path / "out" / "canvas.csv")[2:]] == ["a", "b", "c"]
    assert json.loads((tmp_path / "out" / "gradescope" / "b" / "results.json").read_text())["score"] == 0


# --- 5: grades.csv status ------------------------------------------------------------------------


def test_status_names_invalid_error_and_missing_parts(tmp_path: Path) -> None:
    _json(tmp_path, "a.json", {"student": "a", "answers": {"sigmoid.a": "sigma'(x)", "tanh.a": "x"}})
    batch = grade_paths([str(tmp_path)], jobs=2)
    status = _row(batch, "a").status
    assert "invalid: sigmoid.a" in status and "missing: sigmoid.b" in status and "tanh.a" not in status
