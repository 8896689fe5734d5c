"""Partial derivatives in author text (`\\partial`, `∂`) and `wx` read as w*x for one-letter variables."""

from __future__ import annotations

import pytest
import sympy

from grader.core.errors import ParseError
from grader.parsing import ParseContext, parse, parse_statement, symbol
from grader.parsing.labels import split_label

w, x, b, L = (symbol(n) for n in "wxbL")
AUTHOR = ParseContext(variables=("w", "x", "b", "L"), author=True)
STUDENT = ParseContext(variables=("w", "x", "b"), letter_products=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\frac{\partial}{\partial w}(w x + b) = x", sympy.Derivative(w * x + b, w)),
        (r"\frac{\partial L}{\partial w} = x", sympy.Derivative(L, w)),
        ("∂/∂b (w*x + b) = x", sympy.Derivative(w * x + b, b)),
        ("∂L/∂w = x", sympy.Derivative(L, w)),
    ],
)
def test_partial_notation(text: str, expected: sympy.Basic) -> None:
    claims = parse_statement(text, AUTHOR)
    assert claims[0][0].expr == expected


def test_partial_needs_a_variable_of_the_sheet() -> None:
    with pytest.raises(ParseError):
        parse_statement(r"\frac{\partial}{\partial y}(w) = 0", AUTHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("wx + b", w * x + b), ("wx(1+b)", w * x * (1 + b)), ("exp(wx)", sympy.exp(w * x)), ("wxb", w * x * b)],
)
def test_letter_products(text: str, expected: sympy.Basic) -> None:
    assert parse(text, STUDENT).expr == expected


def test_letter_products_only_when_asked_and_only_of_variables() -> None:
    with pytest.raises(ParseError):
        parse("wx + b", ParseContext(variables=("w", "x", "b")))
    with pytest.raises(ParseError):
        parse("wy", STUDENT)  # y is not a variable: no silent product


@pytest.mark.parametrize("text", ["∂L/∂w = x", r"\frac{\partial L}{\partial w} = x", "dL/dw = x"])
def test_partial_labels(text: str) -> None:
    label = split_label(text, "w")
    assert label is not None and label.name == "L" and text[label.end:].strip() == "x"
