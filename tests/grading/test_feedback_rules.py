"""Known mistakes, form rules and counterexamples: the feedback a student reads."""

from __future__ import annotations

import pytest

from grader import sheets
from grader.grading.grade import grade
from grader.sheets.model import Sheet

# (part, wrong answer in a form other than the sheet's, words the message must contain)
MISTAKES = [
    ("sigmoid.a", "-exp(-x)*(1+exp(-x))^(-2)", "The sign is wrong"),
    ("sigmoid.a", "-σ(x)(1-σ(x))", "The sign is wrong"),
    ("sigmoid.a", "-1/(1+e^-x)^2", "forgot the inner derivative"),
    ("sigmoid.a", "1/(1+exp(-x))**2", "inner derivative is missing"),
    ("sigmoid.a", "σ(x)^2", "inner derivative is missing"),
    ("sigmoid.a", "e^-x σ(x)", "square in the denominator was dropped"),
    ("sigmoid.a", "σ(x) + σ(x)^2", "not $1 + \\sigma(x)$"),
    ("tanh.a", "1 + tanh^2 x", "The sign is wrong"),
    ("tanh.a", "-1/cosh(x)^2", "The sign is wrong"),
    ("tanh.a", "1/cosh(x)", "The square is missing"),
    ("tanh.a", r"\frac{2}{(e^x+e^{-x})^2}", "Check the numerator"),
    ("relu.a", "1 if x < 0 else 0", "mirrored"),
    ("relu.a", "x/abs(x)", "sign"),
    ("relu.a", "ReLU(x)", "ReLU itself"),
    ("relu.a", "Piecewise((0, x < 0), (x, True))", "ReLU itself"),
    ("relu.b.differentiable", "Yes", "they differ"),
]


@pytest.mark.parametrize(("part", "answer", "words"), MISTAKES)
def test_known_mistakes_get_their_message(sheet: Sheet, part: str, answer: str, words: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == "incorrect"
    assert result.decided_by == "mistake"
    assert words in result.feedback, result.feedback
    assert result.mistake is not None


def test_every_listed_mistake_is_tested(sheet: Sheet) -> None:
    listed = sum(len(p.mistakes) for p in sheet.parts.values() if p.kind != "derivation")
    assert listed <= len(MISTAKES)


def test_unmatched_wrong_answer_gets_a_counterexample(sheet: Sheet) -> None:
    result = grade(sheet, "sigmoid.a", "e^(-2x)/(1+e^(-x))^2")
    assert result.status == "incorrect"
    assert result.counterexample is not None
    assert result.counterexample.expected != result.counterexample.got
    assert f"At {result.counterexample.where()}" in result.feedback
    assert result.decided_by != "mistake"


def test_kink_counterexample_is_at_the_kink(sheet: Sheet) -> None:
    result = grade(sheet, "relu.a", "Heaviside(x, 2)")
    assert result.status == "incorrect"
    assert result.counterexample is not None
    assert dict(result.counterexample.at) == {"x": "0"}


FORM_SHEET = """\
id: forms
title: Forms
definitions:
  - name: sigma
    aliases: [σ]
    params: [x]
    body: 1/(1 + e^(-x))
questions:
  - id: q
    statement: Forms.
    parts:
      - id: only
        kind: expression
        answer: sigma(x)*(1 - sigma(x))
        forms:
          - only: [σ]
            message: Write it with σ alone.
            score: 0.5
      - id: forbid
        kind: expression
        answer: 1/cosh(x)^2
        forms:
          - forbid: [cosh]
            message: Do not use cosh.
      - id: nodec
        kind: number
        answer: 1/4
        forms:
          - decimals: false
            message: Give an exact fraction.
      - id: show
        kind: derivation
        start: sigma(x)
        target: 1/(1 + e^(-x))
        final_form:
          only: [exp]
          message: End with exponentials.
          score: 0.25
        min_lines: 2
"""


@pytest.fixture(scope="module")
def form_sheet() -> Sheet:
    return sheets.load_text(FORM_SHEET, "forms.yaml")


@pytest.mark.parametrize(
    ("part", "answer", "status", "score", "words"),
    [
        ("q.only", "σ(x)(1-σ(x))", "correct", 1.0, "Correct"),
        ("q.only", "e^-x/(1+e^-x)^2", "incorrect", 0.5, "Write it with σ alone"),
        ("q.only", "σ(x) - x*0 - σ(x)^2", "correct", 1.0, "Correct"),
        ("q.forbid", "sech(x)^2", "correct", 1.0, "Correct"),
        ("q.forbid", "cosh(x)^-2", "incorrect", 0.0, "Do not use cosh"),
        ("q.nodec", "1/4", "correct", 1.0, "Correct"),
        ("q.nodec", "0.25", "incorrect", 0.0, "exact fraction"),
        ("q.show", "σ(x) = 1/(1+exp(-x))", "correct", 1.0, "Correct"),
        ("q.show", "σ(x) = 1/(1+exp(-x)) = σ(x)", "incorrect", 0.25, "`sigma`"),
    ],
)
def test_form_rules(form_sheet: Sheet, part: str, answer: str, status: str, score: float, words: str) -> None:
    result = grade(form_sheet, part, answer)
    assert (result.status, result.score) == (status, score), result.feedback
    assert words in result.feedback
