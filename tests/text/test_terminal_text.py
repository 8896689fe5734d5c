"""Text for a terminal (grader.text.terminal): LaTeX, Markdown and expressions as plain Unicode."""

from __future__ import annotations

import pytest

from grader.text.terminal import expression_text, markdown_text, math_text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\sigma(x) = \frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)"),
        (r"\frac{d}{dx}\sigma(x)", "d/dx σ(x)"),
        (r"\frac{e^{-x}}{(1 + e^{-x})^2}", "e⁻ˣ/(1 + e⁻ˣ)²"),
        (r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}", "e⁻ˣ/(1 + e⁻ˣ)²"),  # sympy's LaTeX spaces its minus
        (r"\frac{a}{\frac{b}{c}}", "a/(b/c)"),
        (r"\dfrac{a+b}{c}", "(a+b)/c"),
        (r"\text{ReLU}(x) = \begin{cases} 0, & x < 0, \\ x, & x \geq 0. \end{cases}",
         "ReLU(x) = { 0 if x < 0; x if x ≥ 0 }"),
        (r"\lim_{h \to 0^-} \frac{h}{h}", "lim(h → 0⁻) h/h"),
        (r"\left(\frac{N}{D} \right)'", "(N/D)'"),
        (r"\frac{\partial a}{\partial w}", "∂a/∂w"),
        (r"\frac{\partial}{\partial b}", "∂/∂b"),
    ],
)
def test_math_text(latex: str, text: str) -> None:
    assert math_text(latex) == text


def test_markdown_and_expression_text() -> None:
    assert markdown_text("Find $\\frac{d}{dx}\\tanh(x)$ **now**.") == "Find d/dx tanh(x) now."
    assert expression_text("(1 - sigma(x))*sigma(x)**2") == "(1 - σ(x))·σ(x)^2"
