"""Sheets with several variables: `derivative: w` is a partial derivative, checked symbolically and
numerically with the other variables held fixed; `derivative: true` must say which variable."""

from __future__ import annotations

from pathlib import Path

import pytest

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


OWN = """\
id: own
title: Own variables
variables: [x, w]
definitions:
  - {name: sigma, aliases: [σ], params: [s], body: 1/(1 + e^(-s))}
questions:
  - id: st
    title: In t
    statement: Let $g(t) = \\log(1 + e^t)$.
    variables: [t]
    function: log(1 + e^t)
    parts:
      - {id: a, kind: expression, ask: 'Find $g''(t)$.', answer: sigma(t), derivative: true}
"""

OWN_SOLUTIONS = """\
sheet: own
solutions:
  st.a:
    title: T
    steps:
      - say: 'Let'
        define: {u: '1 + e^t'}
        math: '\\frac{du}{dt} = e^t'
    result: '\\frac{d}{dt} \\log(1 + e^t) = \\sigma(t)'
"""


def test_a_worked_solution_uses_its_question_s_own_variables(tmp_path: Path) -> None:
    # it was read with the sheet's [x, w]: "unknown name `t`" on every line
    (tmp_path / "exercises").mkdir()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises" / "own.yaml").write_text(OWN, encoding="utf-8")
    (tmp_path / "solutions" / "own.yaml").write_text(OWN_SOLUTIONS, encoding="utf-8")
    assert [p.text() for p in verify_paths([str(tmp_path / "exercises"), str(tmp_path / "solutions")])] == []
    (tmp_path / "solutions" / "own.yaml").write_text(OWN_SOLUTIONS.replace("= e^t'", "= 2e^t'"), encoding="utf-8")
    problems = verify_paths([str(tmp_path / "solutions")])
    assert [(p.line, "does not hold" in p.message) for p in problems] == [(8, True)], [p.text() for p in problems]


HARDTANH = r"""
id: ht
title: hard tanh
variables: [x]
definitions:
  - {name: hardtanh, params: [x], body: "Piecewise((-1, x < -1), (x, x <= 1), (1, x > 1))"}
questions:
  - id: ht
    statement: $f(x) = \mathrm{hardtanh}(x)$
    function: hardtanh(x)
    parts:
      - {id: a, ask: "Find $f'(x)$.", kind: expression, answer: "ANSWER", derivative: true}
"""


@pytest.mark.parametrize(("answer", "wrong"), [
    ("Piecewise((0, x < -1), (1, x < 1), (0, x > 1))", False),  # 1 at x = -1: a kink, where nothing is owed
    ("Piecewise((0, x <= -1), (1, x < 1), (0, x >= 1))", False),  # 0 at x = 1, where sympy's derivative says 1
    ("Piecewise((0, x < -1), (1, x < 1), (1, x > 1))", True),  # wrong on a whole side: still caught
])
def test_a_reference_is_not_held_to_a_value_at_a_kink(tmp_path: Path, answer: str, wrong: bool) -> None:
    sheet = tmp_path / "ht.yaml"
    sheet.write_text(HARDTANH.replace("ANSWER", answer), encoding="utf-8")
    found = [p.message for p in verify_paths([str(sheet)])]
    assert bool(found) == wrong, found
