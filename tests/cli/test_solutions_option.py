"""Worked solutions of an author's own sheet: found by content beside it, or named with --solutions (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()

SHEET = """id: hw3-loss
title: Squared loss
variables: [w, x, b, y]
questions:
  - id: loss
    statement: 'Let $L = (w x + b - y)^2$.'
    function: (w*x + b - y)^2
    parts:
      - {id: a, ask: 'Find $\\\\frac{\\\\partial L}{\\\\partial w}$.', kind: expression, answer: 2*x*(w*x + b - y),
         derivative: w}
"""
WORKED = """sheet: hw3-loss
solutions:
  loss.a:
    title: 'The partial in $w$'
    steps:
      - say: 'By the chain rule, with the inside differentiated in $w$,'
        math: '\\\\frac{\\\\partial}{\\\\partial w}(w x + b - y)^2 = 2 x (w x + b - y)'
    result: '\\\\frac{\\\\partial}{\\\\partial w}(w x + b - y)^2 = 2 x (w x + b - y)'
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course folder whose file names are not the sheet's id."""
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "week-3.yaml").write_text(SHEET, encoding="utf-8")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "week-3-worked.yaml").write_text(WORKED, encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "loss.a", "2x(wx+b-y)", "--no-color", "--solution", *args])
    return result.exit_code, result.stdout, result.stderr


def test_solutions_beside_the_sheet_are_found_by_their_sheet_key(course: Path) -> None:
    code, out, _ = check("--sheet", str(course / "exercises" / "week-3.yaml"))
    assert code == 0 and "The partial in w" in out and "No worked solution" not in out


def test_solutions_elsewhere_are_named_with_the_option(course: Path, tmp_path: Path) -> None:
    away = tmp_path / "elsewhere.yaml"
    (course / "solutions" / "week-3-worked.yaml").rename(away)
    sheet = str(course / "exercises" / "week-3.yaml")
    assert "No worked solution" in check("--sheet", sheet)[1]
    code, out, _ = check("--sheet", sheet, "--solutions", str(away))
    assert code == 0 and "The partial in w" in out
    code, out, _ = check("--sheet", sheet, "--solutions", str(tmp_path))  # a folder holding it
    assert code == 0 and "The partial in w" in out


def test_solutions_of_another_sheet_are_refused(course: Path) -> None:
    code, _, err = check("--sheet", str(course / "exercises" / "week-3.yaml"),
                         "--solutions", str(Path(__file__).parents[2] / "solutions" / "backprop.yaml"))
    assert code == 2 and "worked solutions of `backprop`, not of `hw3-loss`" in err


def test_practice_says_when_a_sheet_has_no_worked_solutions(course: Path) -> None:
    (course / "solutions" / "week-3-worked.yaml").unlink()
    result = runner.invoke(app, ["practice", str(course / "exercises" / "week-3.yaml"), "--no-color"], input=":quit\n")
    assert "No worked solutions were found for `hw3-loss`" in result.stdout
    (course / "solutions" / "w.yaml").write_text(WORKED, encoding="utf-8")
    result = runner.invoke(app, ["practice", str(course / "exercises" / "week-3.yaml"), "--no-color"], input=":so\n")
    assert "No worked solutions were found" not in result.stdout and "The partial in w" in result.stdout


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_grade_feedback_has_the_worked_solutions_found_or_named(course: Path, tmp_path: Path) -> None:
    (course / "answers").mkdir()
    (course / "answers" / "ana.yaml").write_text("student: ana\nsheet: hw3-loss\nanswers:\n  loss.a: '2(wx+b-y)'\n",
                                                  encoding="utf-8")
    sheet = str(course / "exercises" / "week-3.yaml")

    def grade(*extra: str) -> tuple[str, str]:
        out = tmp_path / "out"
        result = runner.invoke(app, ["grade", str(course / "answers"), "--sheet", sheet, "--format", "feedback",
                                     "--out", str(out), "--no-color", *extra])
        assert result.exit_code == 0, result.stderr
        return (out / "feedback" / "ana.md").read_text(encoding="utf-8"), result.stderr

    text, err = grade()
    assert "Worked solution:" in text and "no worked solution" not in err
    away = tmp_path / "kept-elsewhere.yaml"
    (course / "solutions" / "week-3-worked.yaml").rename(away)
    text, err = grade()
    assert "Worked solution:" not in text
    assert "warning: no worked solution for any part of `hw3-loss`" in err and "--solutions PATH" in err
    text, err = grade("--solutions", str(away))
    assert "Worked solution:" in text and "no worked solution" not in err


def test_the_class_server_takes_the_solutions_found_or_named(course: Path, tmp_path: Path) -> None:
    from grader.core.errors import UsageError
    from grader.serve.pages import load_sheets

    sheet = str(course / "exercises" / "week-3.yaml")
    assert load_sheets([sheet])["hw3-loss"].solutions is not None  # beside it, by its sheet: key
    away = tmp_path / "kept"
    away.mkdir()
    (course / "solutions" / "week-3-worked.yaml").rename(away / "w.yaml")
    assert load_sheets([sheet])["hw3-loss"].solutions is None
    named = load_sheets([sheet, "backprop"], str(away))  # a folder: each sheet takes its own, others their own
    assert named["hw3-loss"].solutions is not None and named["backprop"].solutions is not None
    with pytest.raises(UsageError, match="none of the sheets served"):
        load_sheets([sheet], str(Path(__file__).parents[2] / "solutions" / "backprop.yaml"))


def test_a_course_sheet_is_named_by_its_id_from_anywhere_in_the_course(course: Path, monkeypatch: pytest.MonkeyPatch
                                                                        ) -> None:
    (course / "answers" / "week-3").mkdir(parents=True)
    monkeypatch.chdir(course / "answers" / "week-3")
    result = runner.invoke(app, ["check", "loss.a", "2x(wx+b-y)", "--sheet", "hw3-loss", "--no-color", "--solution"])
    assert result.exit_code == 0 and "The partial in w" in result.stdout  # its solutions, found by content
    wrong = runner.invoke(app, ["check", "loss.a", "2x", "--sheet", "week-3"])  # the file name is not the id
    assert wrong.exit_code == 2
    assert "the ids are the sheets' `id:`, not their file names" in wrong.stderr and "hw3-loss" in wrong.stderr
