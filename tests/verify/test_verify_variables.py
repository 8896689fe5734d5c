"""Sheets with several variables: `derivative: w` is a partial derivative, checked symbolically and
numerically with the other variables held fixed; `derivative: true` must say which variable."""

from __future__ import annotations

from pathlib import Path

from grader.verify.run import verify_paths

SHEET = """\
id: two
title: Two variables
variables: [x, y]
questions:
  - id: q
    title: Q
    statement: Let $f(x, y) = x^2 y$.
    function: x^2*y
    parts:
      - id: a
        ask: Find the partial derivative with respect to x.
        kind: expression
        answer: {answer}
        derivative: {wrt}
"""


def run(tmp_path: Path, answer: str = "2*x*y", wrt: str = "x") -> list[str]:
    path = tmp_path / "two.yaml"
    path.write_text(SHEET.format(answer=answer, wrt=wrt), encoding="utf-8")
    return [f"{p.line}: {p.message}" for p in verify_paths([str(path)])]


def test_partial_derivative_verifies(tmp_path: Path) -> None:
    # This crashed with `ValueError: no value given for y` before partial derivatives existed.
    assert run(tmp_path) == []
    assert run(tmp_path, "x^2", "y") == []


def test_wrong_partial_is_one_problem_at_the_answer(tmp_path: Path) -> None:
    problems = run(tmp_path, "2*x*y + y")
    assert len(problems) == 1
    assert problems[0].startswith("13: ") and "not the derivative" in problems[0] and "respect to x" in problems[0]


def test_partial_with_respect_to_the_wrong_variable_fails(tmp_path: Path) -> None:
    assert len(run(tmp_path, "2*x*y", "y")) == 1


def test_derivative_true_with_several_variables_says_which(tmp_path: Path) -> None:
    problems = run(tmp_path, "2*x*y", "true")
    assert len(problems) == 1 and problems[0].startswith("14: ") and "`derivative: x`" in problems[0]


def test_derivative_names_no_variable(tmp_path: Path) -> None:
    problems = run(tmp_path, "2*x*y", "z")
    assert len(problems) == 1 and "not `z`" in problems[0]
