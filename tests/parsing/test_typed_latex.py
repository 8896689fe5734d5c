"""An answer drawn as typed (grader.parsing.typed), for "Read as": the student's own line, typeset,
not sympy's evaluated form."""

from __future__ import annotations

import pytest
import sympy

from grader.parsing import parse
from grader.parsing.typed import typed_latex
from grader.sheets import cache
from grader.sheets.bundled import resolve


@pytest.fixture(scope="module")
def ctx():  # type: ignore[no-untyped-def]
    return cache.load(str(resolve("activation-derivatives"))).parse_context()


def drawn(text: str, ctx) -> str:  # type: ignore[no-untyped-def]
    parsed = parse(text, ctx)
    return typed_latex(text, ctx, lambda: "sympy: " + sympy.latex(parsed.expr))


@pytest.mark.parametrize(("text", "latex"), [
    ("1/(1+e^-x) * e^-x/(1+e^-x)", r"\frac{1}{1 + e^{- x}} \frac{e^{- x}}{1 + e^{- x}}"),  # sympy: line 1 again
    ("σ(x)(1-σ(x))", r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)"),  # sympy swaps the factors
    ("2x+3x", "2 x + 3 x"),  # sympy: 5 x
    ("0.25", "0.25"),  # sympy: \frac{1}{4}
    ("e^-x/(1+e^-x)^2", r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}"),
    ("-e^(-x)/(1+e^(-x))^2", r"- \frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}"),
    ("x/2/3", r"\frac{\frac{x}{2}}{3}"),
    ("sech^2(x)", r"\operatorname{sech}^{2}\left(x\right)"),
    ("sqrt(x+1) + |x|", r"\sqrt{x + 1} + \left|x\right|"),
    ("2*3x", r"2 \cdot 3 x"),
])
def test_an_answer_is_drawn_as_it_was_typed(text: str, latex: str, ctx) -> None:  # type: ignore[no-untyped-def]
    assert drawn(text, ctx) == latex


def test_what_it_does_not_draw_falls_back_to_sympys_form(ctx) -> None:  # type: ignore[no-untyped-def]
    assert drawn("{0 if x<0; 1 if x>0}", ctx).startswith(r"sympy: \begin{cases}")
