"""`grader grade --compare-with OLD_DIR` writes changes.md (issue 14): after a sheet is fixed, whose
scores changed, by part, old -> new, and why; and `--assignment NAME` names the LMS grade column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from grader.cli import app


def _write(folder: Path, student: str, answers: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{student}.json").write_text(json.dumps({"student": student, "answers": answers}), encoding="utf-8")


def _grade(*args: str) -> Result:
    return CliRunner().invoke(app, ["grade", *args, "--jobs", "2"])


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_changes_name_each_changed_part_with_old_and_new_verdicts(tmp_path: Path) -> None:
    _write(tmp_path / "in", "ana", {"relu.a": "Heaviside(x)", "tanh.a": "1 - tanh(x)"})
    _write(tmp_path / "in", "bob", {"relu.a": "Heaviside(x)"})
    _write(tmp_path / "in", "gone", {"relu.a": "x"})
    assert _grade(str(tmp_path / "in"), "-o", str(tmp_path / "old")).exit_code == 0
    _write(tmp_path / "in", "ana", {"relu.a": "Heaviside(x)", "tanh.a": "1 - tanh(x)^2"})  # a regrade's effect
    (tmp_path / "in" / "gone.json").unlink()
    _write(tmp_path / "in", "new", {"relu.a": "0"})
    result = _grade(str(tmp_path / "in"), "-o", str(tmp_path / "now"), "--compare-with", str(tmp_path / "old"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "now" / "changes.md").read_text(encoding="utf-8")
    assert "- Scores changed: 1 (1 up, 0 down)" in text
    assert "| `ana` |" in text and "`bob`" not in text  # bob's grade did not change
    assert "- `tanh.a`: incorrect 0 → correct 2 (answer before `1 - tanh(x)`, now `1 - tanh(x)^2`)" in text
    assert "  - before: Not correct." in text and "  - now: " in text
    assert "## Only in this run\n\n- `new`" in text and "## Only in the earlier run\n\n- `gone`" in text
    again = _grade(str(tmp_path / "in"), "-o", str(tmp_path / "again"), "--compare-with", str(tmp_path / "old"))
    assert again.exit_code == 0 and (tmp_path / "again" / "changes.md").read_text(encoding="utf-8") == text


def test_compare_with_a_folder_without_results_fails_before_grading(tmp_path: Path) -> None:
    _write(tmp_path / "in", "ana", {"relu.a": "Heaviside(x)"})
    result = _grade(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--compare-with", str(tmp_path / "none"))
    assert result.exit_code == 2 and "no results.json" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_assignment_names_the_canvas_and_moodle_column(tmp_path: Path) -> None:
    _write(tmp_path / "in", "ana", {"relu.a": "Heaviside(x)"})
    result = _grade(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "canvas,moodle",
                    "--assignment", "Homework 3 (12345)")
    assert result.exit_code == 0, result.output
    canvas = list(csv.reader(io.StringIO((tmp_path / "out" / "canvas.csv").read_text(encoding="utf-8"))))
    moodle = list(csv.reader(io.StringIO((tmp_path / "out" / "moodle.csv").read_text(encoding="utf-8"))))
    assert canvas[0][-1] == "Homework 3 (12345)" and canvas[2] == ["ana", "", "ana", "", "", "2"]
    assert moodle == [["ID number", "Homework 3 (12345)"], ["ana", "2"]]
    blank = _grade(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "canvas", "--assignment", " ")
    assert blank.exit_code == 2 and "--assignment needs" in blank.output
