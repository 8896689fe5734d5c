"""Answers an adversarial review got graded correct (or crashed on): never full marks again."""

from __future__ import annotations

import pytest

from grader.grading.equiv import equiv
from grader.grading.grade import grade
from grader.sheets.model import Sheet

NEVER_CORRECT = [
    ("sigmoid.a", "sigma(x)*(1-sigma(x))*(1+exp(-(100x-33)^2))"),  # a bump between sample points
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + sigma(x-10^4)"),  # a difference far beyond the samples
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + exp(x-5000)"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + Heaviside(x-10^30)"),
    ("relu.a", "Heaviside(x) + tanh(x-10^4)/2 + 1/2"),
    ("relu.a", "Heaviside(x, 1+10^-100)"),  # outside [0, 1] at the kink by 10^-100
    ("relu.a", "Piecewise((0,x<0),(1,x>0),(1+exp(-1000),True))"),
    ("relu.b.right", "tanh(500)"),
    ("relu.b.right", "tanh(10^4)"),
    ("relu.b.right", "1-sech(1000)"),
    ("sigmoid.b", "σ(x)(1-σ(x)) = σ(x)(1-σ(x)) = σ(x)(1-σ(x))"),  # padding is not a derivation
]


@pytest.mark.parametrize(("part", "answer"), NEVER_CORRECT)
def test_never_full_marks(sheet: Sheet, part: str, answer: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status != "correct", (result.decided_by, result.detail)
    assert result.score < 1.0


@pytest.mark.parametrize("answer", ["1+exp(-3000)", "sigma(10^4)"])
def test_tiny_differences_of_constants_are_incorrect_not_a_crash(sheet: Sheet, answer: str) -> None:
    result = grade(sheet, "relu.b.right", answer)
    assert result.status == "incorrect"
    assert result.decided_by != "internal-error"


@pytest.mark.parametrize("answer", ["(sqrt(2)+1)*(sqrt(2)-1)", "cos(pi/12)^2+sin(pi/12)^2"])
def test_exact_constants_at_the_interval_end_are_correct(sheet: Sheet, answer: str) -> None:
    assert grade(sheet, "relu.b.at_zero", answer).status == "correct"


def test_numeric_agreement_with_tame_constants_is_still_accepted() -> None:
    result = equiv("log(1 + exp(x))", "x + log(1 + exp(-x))")
    assert result.verdict == "equivalent"
