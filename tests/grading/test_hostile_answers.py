"""Hostile answers come back as a verdict (invalid or incorrect) within seconds: never a hang or a traceback."""

from __future__ import annotations

import time

import pytest

from grader.grading.grade import grade
from grader.sheets.model import Sheet

HOSTILE: list[tuple[str, str]] = [
    ("sigmoid.a", "9^9^9^9"),
    ("sigmoid.a", "factorial(10^10)"),
    ("sigmoid.a", "(" * 1000 + "x" + ")" * 1000),
    ("sigmoid.a", "x+" * 50_000 + "x"),  # 100 kB
    ("sigmoid.a", "a" * 100_000),
    ("sigmoid.a", "__import__('os').getcwd()"),
    ("sigmoid.a", "__import__('os').system('echo pwned')"),
    ("sigmoid.a", "exec('import os')"),
    ("sigmoid.a", "eval('1+1')"),
    ("sigmoid.a", "lambda: 0"),
    ("sigmoid.a", "().__class__.__bases__[0].__subclasses__()"),
    ("sigmoid.a", "open('/etc/passwd').read()"),
    ("sigmoid.a", "Symbol('x')"),
    ("sigmoid.a", "integrate(sigma(x), x)"),
    ("sigmoid.a", "x^(10^10)"),
    ("sigmoid.a", "2^(2^20)"),
    ("sigmoid.a", "10^10^10"),
    ("sigmoid.a", "1" * 5000),
    ("sigmoid.a", "(1+e^x)^100000"),
    ("sigmoid.a", "e^(e^(e^(e^(e^x))))"),
    ("sigmoid.a", "exp(exp(exp(x)))/(1+exp(exp(exp(-x))))"),
    ("sigmoid.a", "sigma(" * 500 + "x" + ")" * 500),
    ("sigmoid.a", r"\frac{" * 300 + "1" + "}{2}" * 300),
    ("sigmoid.a", "\x00\x01\x02"),
    ("sigmoid.a", "x\u202e+1"),
    ("sigmoid.a", "😀 + x"),
    ("sigmoid.a", "((((((((((x"),
    ("sigmoid.a", ")))))"),
    ("sigmoid.a", "x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x"),
    ("sigmoid.a", "sinh(sinh(sinh(sinh(sinh(sinh(sinh(sinh(x))))))))"),
    ("sigmoid.a", "(x+1)^200 - (x+1)^200"),
    ("sigmoid.a", "(10^39+7)^(1/3)"),
    ("sigmoid.a", "sqrt(" + "9" * 39 + ")"),
    ("tanh.a", "tanh(x)" + "*tanh(x)" * 300),
    ("relu.a", "Piecewise(" + ",".join(f"({i}, x < {i})" for i in range(200)) + ")"),
    ("relu.a", "1 if x > 0 else " * 300 + "0"),
    ("relu.b.at_zero", "9^9^9"),
    ("relu.b.at_zero", "e^(10^30)"),
    ("relu.b.differentiable", "no" * 50_000),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n" * 2000),
]


@pytest.mark.parametrize(("part", "answer"), HOSTILE, ids=[f"{i}" for i in range(len(HOSTILE))])
def test_hostile_answer_gets_a_verdict_quickly(sheet: Sheet, part: str, answer: str) -> None:
    began = time.perf_counter()
    result = grade(sheet, part, answer)
    elapsed = time.perf_counter() - began
    assert result.status in ("invalid", "incorrect")
    assert result.score == 0.0
    assert result.feedback
    assert elapsed < 5.0, f"took {elapsed:.2f} s"  # hang guard; the budget is 3 s


def test_hostile_table_is_large() -> None:
    assert len(HOSTILE) >= 25


def test_nothing_ran(sheet: Sheet, tmp_path: object) -> None:
    """The classic sympify exploit is just an unknown name to us."""
    result = grade(sheet, "sigmoid.a", "__import__('os').system('touch /tmp/grader-pwned')")
    assert result.status == "invalid"
    assert result.parse_error is not None
    import os

    assert not os.path.exists("/tmp/grader-pwned")


# --- code is refused by the parser, never run -----------------------------------------------------------

CODE = [
    "__import__('os').system('echo pwned')",
    "eval('1')",
    "lambda x: x",
    "x.__class__",
    "np.exp.__globals__",
    "os.system('ls')",
    "open('/etc/passwd')",
    "sympify('x')",
    "[x for x in range(10)]",
    r"\input{/etc/passwd}",
    r"\write18{ls}",
    "x\nimport os",
]


@pytest.mark.parametrize("answer", CODE)
def test_code_is_refused_by_the_parser(sheet: Sheet, answer: str) -> None:
    result = grade(sheet, "sigmoid.a", answer)
    assert result.status == "invalid"
    assert result.decided_by == "parse"


# --- size limits: just inside is graded, just outside is refused, both in time -----------------------------

BOUNDS: list[tuple[str, str]] = [
    ("x^200", "incorrect"),
    ("x^201", "invalid"),
    ("1" * 40, "incorrect"),
    ("1" * 41, "invalid"),
    ("(" * 59 + "x" + ")" * 59, "incorrect"),
    ("(" * 61 + "x" + ")" * 61, "invalid"),
    ("9^9^9^9", "invalid"),
    ("e^(10^30)", "invalid"),
    ("x" * 2001, "invalid"),
]


@pytest.mark.parametrize(("answer", "status"), BOUNDS)
def test_bounds(sheet: Sheet, answer: str, status: str) -> None:
    result = grade(sheet, "sigmoid.a", answer)
    assert result.status == status
    assert result.seconds < 3.5
