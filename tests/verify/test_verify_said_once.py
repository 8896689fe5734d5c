"""Each problem once (cold trial of issue 21): a sheet that does not load, and a wrong sheet answer whose
worked solution is right, are said at the sheet only, not again through the solutions file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app

SHEET = """id: sq
title: Squares
questions:
  - id: sq
    statement: 'Let $f(x) = (1 + x^2)^2$.'
    function: (1 + x^2)^2
    parts:
      - {id: a, ask: 'Find $f''(x)$.', kind: expression, answer: ANSWER, derivative: true}
"""
WORKED = """sheet: sq
solutions:
  sq.a:
    title: 'The chain rule'
    steps:
      - say: 'By the chain rule,'
        math: '\\frac{d}{dx}(1 + x^2)^2 = 4 x (1 + x^2)'
    result: '\\frac{d}{dx}(1 + x^2)^2 = 4 x (1 + x^2)'
"""


def verify(tmp_path: Path, answer: str, kind: str = "expression") -> list[str]:
    (tmp_path / "exercises").mkdir(exist_ok=True)
    (tmp_path / "solutions").mkdir(exist_ok=True)
    (tmp_path / "exercises" / "week.yaml").write_text(
        SHEET.replace("ANSWER", answer).replace("kind: expression", f"kind: {kind}"), encoding="utf-8")
    (tmp_path / "solutions" / "week-worked.yaml").write_text(WORKED, encoding="utf-8")
    ran = CliRunner().invoke(app, ["verify", str(tmp_path / "exercises"), str(tmp_path / "solutions")])
    return [line for line in ran.stdout.splitlines() if line.strip()]


def test_a_wrong_sheet_answer_with_a_right_solution_is_said_once_at_the_sheet(tmp_path: Path) -> None:
    assert verify(tmp_path, "'4x(1 + x^2)'") == []
    problems = verify(tmp_path, "'2x(1 + x^2)'")
    assert len(problems) == 1, problems
    assert "week.yaml" in problems[0] and "is not the derivative" in problems[0]


def test_a_sheet_that_does_not_load_is_not_said_again_through_its_solutions(tmp_path: Path) -> None:
    problems = verify(tmp_path, "'4x(1 + x^2)'", kind="expresion")
    assert len(problems) == 1, problems
    assert "week.yaml" in problems[0] and "did you mean `expression`" in problems[0]
