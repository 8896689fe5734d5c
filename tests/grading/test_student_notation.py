"""What students type, across the bundled sheets: each input with the verdict a maths teacher would give.

Classes (issue 13): piecewise as people write it, answers with their left-hand side, yes/no with a
reason, symbols the grader itself prints, ambiguity said (never guessed), unknown words with a
suggestion, numbers, and derivations (backward chains, LaTeX align, one bad line).
An `invalid` row names a piece of text its message must contain (a reading, a suggestion, a line).

Measured on this table: 103 of 163 inputs (63%) were `invalid` before issue 13; 17 (10%) after, every
one of them meant to be (ambiguous, unknown or broken text, a wrong label).
"""

from __future__ import annotations

import pytest

from grader import sheets
from grader.grading.grade import grade
from grader.sheets.model import Sheet

C, W, V = "correct", "incorrect", "invalid"
A, P, S = "activation-derivatives", "piecewise-activations", "smooth-activations"

# (sheet, part, answer, expected verdict, text the feedback must contain or "")
TABLE: list[tuple[str, str, str, str, str]] = [
    # --- piecewise, the way people write it (and the way this tool prints it) -----------------------
    (A, "relu.a", "{ 0 if x < 0; 1 if x > 0 }", C, ""),
    (A, "relu.a", "{0 if x<0; 1 if x>0}", C, ""),
    (A, "relu.a", "0 for x<0, 1 for x>0", C, ""),
    (A, "relu.a", "0 for x < 0 and 1 for x > 0", C, ""),
    (A, "relu.a", "1 when x > 0, otherwise 0", C, ""),
    (A, "relu.a", "0 when x < 0 and 1 when x > 0", C, ""),
    (A, "relu.a", "1 if x > 0, 0 otherwise", C, ""),
    (A, "relu.a", "0 if x < 0, 1 if x > 0", C, ""),
    (A, "relu.a", "1 for x > 0, 0 for x < 0", C, ""),
    (A, "relu.a", "0 if x < 0 and 1 if x > 0", C, ""),
    (A, "relu.a", "{0 for x<0; 1 for x>0}", C, ""),
    (A, "relu.a", "{ 0 if x < 0; 1 if x >= 0 }", C, ""),
    (A, "relu.a", "Piecewise((0, x < 0), (1, x > 0))", C, ""),
    (A, "relu.a", "Piecewise((0, x < 0), (0, Eq(x, 0)), (1, x > 0))", C, ""),
    (A, "relu.a", "Piecewise((0, x < 0), (1/2, Eq(x, 0)), (1, True))", C, ""),
    (A, "relu.a", "Piecewise((0, x <= 0), (1, True))", C, ""),
    (A, "relu.a", r"\begin{cases} 0 & \text{if } x < 0 \\ 1 & \text{if } x > 0 \end{cases}", C, ""),
    (A, "relu.a", r"\begin{cases} 0, & x < 0 \\ 1, & x > 0 \end{cases}", C, ""),
    (A, "relu.a", r"\begin{cases} 0 & \text{if } x<0, \\ 1 & \text{if } x>0. \end{cases}", C, ""),
    (A, "relu.a", r"\begin{cases} 1 & \text{for } x > 0 \\ 0 & \text{otherwise} \end{cases}", C, ""),
    (A, "relu.a", r"\begin{cases} 0 &\text{if}\ x<0\\ 1 &\text{if}\ x>0\end{cases}", C, ""),
    (A, "relu.a", "0 if x<0 else 1", C, ""),
    (A, "relu.a", "{ 0 if x < 0; 2 if x > 0 }", W, ""),
    (A, "relu.a", "0 for x<0, 2 for x>0", W, ""),
    (A, "relu.a", "1 when x < 0, otherwise 0", W, ""),
    (A, "relu.a", "{ 1 if x < 0; 0 if x > 0 }", W, ""),
    (A, "relu.a", "{ 0 if x < 0; 5 if x = 0; 1 if x > 0 }", W, ""),
    (A, "relu.a", "{ 0 if x < 0; 1 if x > 0", V, "}"),
    (P, "leaky_relu.a", "{ 0.01 if x < 0; 1 if x > 0 }", C, ""),
    (P, "leaky_relu.a", "0.01 for x<0, 1 for x>0", C, ""),
    (P, "leaky_relu.a", "1 when x > 0, otherwise 0.01", C, ""),
    (P, "leaky_relu.a", r"\begin{cases} 0.01 & \text{if } x < 0 \\ 1 & \text{if } x > 0 \end{cases}", C, ""),
    (P, "leaky_relu.a", "0.01 when x < 0 and 1 when x > 0", C, ""),
    (P, "leaky_relu.a", "{ 0.1 if x < 0; 1 if x > 0 }", W, ""),
    (P, "hardtanh.a", "{ 0 if x < -1; 1 if -1 < x < 1; 0 if x > 1 }", C, ""),
    (P, "hardtanh.a", "1 for -1 < x < 1, 0 otherwise", C, ""),
    (P, "hardtanh.a", "1 when |x| < 1, otherwise 0", C, ""),
    (P, "hardtanh.a", "1 if abs(x) < 1 else 0", C, ""),
    (P, "hardtanh.a", "0 for x<-1, 1 for -1<x<1, 0 for x>1", C, ""),
    (P, "hardtanh.a", "1 when |x| > 1, otherwise 0", W, ""),
    (P, "relu6.a", "1 for 0 < x < 6, 0 otherwise", C, ""),
    (P, "relu6.a", "{ 0 if x < 0; 1 if 0 < x < 6; 0 if x > 6 }", C, ""),
    (P, "relu6.a", "1 when 0 < x < 6, otherwise 0", C, ""),
    (P, "elu.a", "{ 0.5e^x if x < 0; 1 if x > 0 }", C, ""),
    (P, "elu.a", "0.5 e^x for x<0, 1 for x>0", C, ""),
    (P, "elu.a", "1 when x > 0, otherwise 0.5*exp(x)", C, ""),
    (P, "elu.a", r"\begin{cases} 0.5e^{x} & \text{if } x<0 \\ 1 & \text{if } x>0 \end{cases}", C, ""),
    (P, "elu.a", "{ e^x if x < 0; 1 if x > 0 }", W, ""),
    (P, "hardsigmoid.a", "1/6 for -3 < x < 3, 0 otherwise", C, ""),
    (P, "hardsigmoid.a", "{ 0 if x < -3; 1/6 if -3 < x < 3; 0 if x > 3 }", C, ""),
    # --- answers with their left-hand side ---------------------------------------------------------
    (A, "sigmoid.a", "σ'(x) = σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.a", "σ′(x) = σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.a", "sigma'(x) = sigma(x)*(1-sigma(x))", C, ""),
    (A, "sigmoid.a", "sigmoid'(x) = sigmoid(x)*(1-sigmoid(x))", C, ""),
    (A, "sigmoid.a", "dσ/dx = σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.a", "d/dx σ(x) = e^-x/(1+e^-x)^2", C, ""),
    (A, "sigmoid.a", r"\frac{d\sigma}{dx} = \sigma(x)(1-\sigma(x))", C, ""),
    (A, "sigmoid.a", r"\frac{d}{dx}\sigma(x) = \sigma(x)(1-\sigma(x))", C, ""),
    (A, "sigmoid.a", "f'(x) = e^-x/(1+e^-x)^2", C, ""),
    (A, "sigmoid.a", "y' = e^-x/(1+e^-x)^2", C, ""),
    (A, "sigmoid.a", "dy/dx = e^-x/(1+e^-x)^2", C, ""),
    (A, "sigmoid.a", "σ'(x) = σ(x)(1+σ(x))", W, ""),
    (A, "sigmoid.a", "tanh'(x) = σ(x)(1-σ(x))", V, "tanh"),
    (A, "sigmoid.a", "σ'(x) =", V, ""),
    (A, "tanh.a", "tanh'(x) = 1 - tanh^2(x)", C, ""),
    (A, "tanh.a", "tanh′(x) = sech^2(x)", C, ""),
    (A, "tanh.a", "d/dx tanh(x) = 1 - tanh(x)^2", C, ""),
    (A, "tanh.a", "d/dx tanh x = sech^2 x", C, ""),
    (A, "tanh.a", r"\frac{d}{dx}\tanh(x) = 1-\tanh^2(x)", C, ""),
    (A, "tanh.a", r"\frac{d}{dx} \tanh x = \operatorname{sech}^2 x", C, ""),
    (A, "tanh.a", "tanh'(x) = 1 + tanh^2(x)", W, ""),
    (A, "tanh.a", "σ'(x) = 1 - tanh(x)^2", V, "σ"),
    (A, "relu.a", "ReLU'(x) = 1 if x > 0 else 0", C, ""),
    (A, "relu.a", "ReLU'(x) = { 0 if x < 0; 1 if x > 0 }", C, ""),
    (A, "relu.a", "relu'(x) = 0 for x<0, 1 for x>0", C, ""),
    (S, "softplus.a", "softplus'(x) = σ(x)", C, ""),
    (S, "softplus.a", "d/dx softplus(x) = e^x/(1+e^x)", C, ""),
    (S, "softplus.a", "softplus'(x) = 1/(1+e^-x)", C, ""),
    (S, "silu.a", "SiLU'(x) = σ(x) + xσ(x)(1-σ(x))", C, ""),
    (S, "silu.a", "silu'(x) = σ(x)(1 + x(1-σ(x)))", C, ""),
    (P, "leaky_relu.a", "LeakyReLU'(x) = 0.01 if x < 0 else 1", C, ""),
    # --- yes/no with a reason ---------------------------------------------------------------------------
    (A, "relu.b.differentiable", "No, the left and right derivatives differ", C, ""),
    (A, "relu.b.differentiable", "Not differentiable at 0", C, ""),
    (A, "relu.b.differentiable", "no.", C, ""),
    (A, "relu.b.differentiable", "No.", C, ""),
    (A, "relu.b.differentiable", "No!", C, ""),
    (A, "relu.b.differentiable", "no, it is not differentiable at x = 0", C, ""),
    (A, "relu.b.differentiable", "No - the one-sided derivatives are 0 and 1", C, ""),
    (A, "relu.b.differentiable", "no because the left derivative is 0 and the right is 1", C, ""),
    (A, "relu.b.differentiable", "It is not differentiable", C, ""),
    (A, "relu.b.differentiable", "nope", C, ""),
    (A, "relu.b.differentiable", "no it isn't", C, ""),
    (A, "relu.b.differentiable", "ReLU is not differentiable at 0", C, ""),
    (A, "relu.b.differentiable", "not differentiable, since 0 ≠ 1", C, ""),
    (A, "relu.b.differentiable", "yes", W, ""),
    (A, "relu.b.differentiable", "Yes, it is differentiable", W, ""),
    (A, "relu.b.differentiable", "yes, because ReLU is continuous", W, ""),
    (A, "relu.b.differentiable", "It is differentiable", W, ""),
    (A, "relu.b.differentiable", "maybe", V, "`no`"),
    (A, "relu.b.differentiable", "yes and no", V, ""),
    (P, "leaky_relu.b.differentiable", "No, the slopes differ (0.01 and 1)", C, ""),
    (P, "leaky_relu.b.differentiable", "Yes.", W, ""),
    # --- symbols the grader itself prints ------------------------------------------------------------
    (A, "sigmoid.a", "ℯ^(-x)/(1 + ℯ^(-x))^2", C, ""),
    (A, "sigmoid.a", "ℯ⁻ˣ/(1 + ℯ⁻ˣ)²", C, ""),
    (A, "sigmoid.a", "(1 - σ(x))⋅σ(x)", C, ""),
    (A, "sigmoid.a", "exp(-x)/(exp(-x) + 1)**2", C, ""),
    (A, "tanh.a", "4/(ℯ^x + ℯ^-x)^2", C, ""),
    (A, "tanh.a", "4*exp(2*x)/(exp(2*x) + 1)**2", C, ""),
    (A, "relu.a", "θ(x)", C, ""),
    (A, "relu.a", "Heaviside(x)", C, ""),
    (A, "relu.a", "Max(0, sign(x))", C, ""),
    (A, "relu.a", "max(0, sign(x))", C, ""),
    (A, "relu.a", "Min(1, Max(0, sign(x)))", C, ""),
    (A, "relu.a", "θ(-x)", W, ""),
    (P, "hardtanh.a", "Heaviside(1 - Abs(x))", C, ""),
    (P, "relu6.a", "θ(x) - θ(x - 6)", C, ""),
    (P, "relu6.a", "Heaviside(x) - Heaviside(x - 6)", C, ""),
    # --- ambiguity said with both readings, never silently one ------------------------------------------
    (A, "tanh.a", "sech x^2", V, "sech(x)^2"),
    (A, "tanh.a", "1/cosh x^2", V, "cosh(x)^2"),
    (A, "tanh.a", "1 - tanh x^2", V, "tanh(x)^2"),
    (A, "sigmoid.a", "e^-x/(1+e^-x)^2", C, ""),
    (A, "tanh.a", "sech(x)^2", C, ""),
    (A, "tanh.a", "sech^2 x", C, ""),
    (A, "tanh.a", "1/cosh(x)^2", C, ""),
    (A, "tanh.a", "1-tanh(x)^2", C, ""),
    (A, "tanh.a", "sech(x^2)", W, ""),
    (A, "sigmoid.a", "e^2x", V, "e^(2x)"),
    # --- unknown words get the nearest known name or form -----------------------------------------
    (A, "relu.a", "H(x)", V, "Heaviside(x)"),
    (A, "relu.a", "either 0 or 1", V, "0 if x < 0"),
    (A, "relu.a", "step(x)", V, "Heaviside(x)"),
    (A, "sigmoid.a", "sigmod(x)(1-sigmod(x))", V, "sigmoid"),
    (A, "tanh.a", "1 - tahn(x)^2", V, "tanh"),
    # --- numbers ----------------------------------------------------------------------------------------
    (A, "relu.b.at_zero", "0", C, ""),
    (A, "relu.b.at_zero", "1/2", C, ""),
    (A, "relu.b.at_zero", "0.5", C, ""),
    (A, "relu.b.at_zero", "2", W, ""),
    (A, "relu.b.left", "0", C, ""),
    (A, "relu.b.left", "0.", C, ""),
    (A, "relu.b.right", "1", C, ""),
    (A, "relu.b.right", "1.", C, ""),
    (A, "relu.b.left", "1", W, ""),
    (A, "relu.b.right", "1e-20", W, ""),
    (S, "gelu.c", "1/2", C, ""),
    (S, "gelu.c", "0.5", C, ""),
    (P, "elu.c.left", "0.5", C, ""),
    # --- derivations -----------------------------------------------------------------------------------
    (A, "sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.b", "σ(x)(1-σ(x))\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= e^-x/(1+e^-x)^2", C, ""),
    (A, "sigmoid.b", "σ'(x) = e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.b", "σ′(x) = e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.b", "e^-x/(1+e^-x)^2 = 1/(1+e^-x) · e^-x/(1+e^-x) = σ(x)(1-σ(x))", C, ""),
    (A, "sigmoid.b",
     "\\begin{align} \\sigma'(x) &= \\frac{e^{-x}}{(1+e^{-x})^2} \\\\\n"
     "&= \\frac{1}{1+e^{-x}}\\cdot\\frac{e^{-x}}{1+e^{-x}} \\\\\n&= \\sigma(x)(1-\\sigma(x)) \\end{align}", C, ""),
    (A, "sigmoid.b",
     "\\sigma'(x) &= \\frac{e^{-x}}{(1+e^{-x})^2} \\\\ &= \\frac{1}{1+e^{-x}}\\cdot\\frac{e^{-x}}{1+e^{-x}} "
     "\\\\ &= \\sigma(x)(1-\\sigma(x))", C, ""),
    (A, "sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x\n= σ(x)(1-σ(x))", V, "line 2"),
    (A, "sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) · e^-x/(1+e^-x)\n= σ(x)(1+σ(x))", W, ""),
    (A, "sigmoid.b", "e^-x/(1+e^-x)^2\n= σ(x)(1-σ(x))", W, "at least 3"),
    (A, "tanh.b", "4/(e^x+e^-x)^2\n= ((e^x+e^-x)^2 - (e^x-e^-x)^2)/(e^x+e^-x)^2\n= 1 - tanh(x)^2", C, ""),
    (A, "tanh.b", "1 - tanh(x)^2\n= ((e^x+e^-x)^2 - (e^x-e^-x)^2)/(e^x+e^-x)^2\n= 4/(e^x+e^-x)^2", C, ""),
    (A, "tanh.b", "4/(e^x+e^-x)^2\n= ((e^x+e^-x)^2 - (e^x-e^-x)^2)/(e^x+e^-x)^2\n= 1 - tanh(x)^^2", V, "line 3"),
    (S, "silu.b", "σ(x) + xσ(x)(1-σ(x))\n= σ(x) + σ(x)·x(1-σ(x))\n= σ(x)(1 + x(1-σ(x)))", C, ""),
    (S, "silu.b", "1/(1+e^-x) + x e^-x/(1+e^-x)^2\n= σ(x) + xσ(x)(1-σ(x))\n= σ(x)(1 + x(1-σ(x)))", C, ""),
    (S, "silu.b", "σ(x)(1 + x(1-σ(x)))\n= σ(x) + xσ(x)(1-σ(x))\n= 1/(1+e^-x) + x e^-x/(1+e^-x)^2", C, ""),
    (S, "softplus.b", "e^x/(1+e^x)\n= 1/(e^-x (1+e^x))\n= 1/(1+e^-x)\n= σ(x)", C, ""),
    (S, "logsigmoid.b", "e^-x/(1+e^-x)\n= 1/(e^x(1+e^-x))\n= 1/(1+e^x)\n= σ(-x)", C, ""),
]


@pytest.fixture(scope="module")
def bundled() -> dict[str, Sheet]:
    return {name: sheets.load(name) for name in (A, P, S)}


@pytest.mark.parametrize(("sheet_id", "part", "answer", "expected", "says"), TABLE,
                         ids=[f"{p}:{a[:40]}" for _, p, a, _, _ in TABLE])
def test_student_input(bundled: dict[str, Sheet], sheet_id: str, part: str, answer: str, expected: str,
                       says: str) -> None:
    result = grade(bundled[sheet_id], part, answer)
    assert result.status == expected, (result.feedback, result.interpreted)
    assert says in result.feedback
    if expected == V:
        says_instead = ("e.g.", "write", "did you mean", "Answer with", "missing `")
        assert any(w in result.feedback for w in says_instead), result.feedback


def test_table_covers_every_class() -> None:
    assert len(TABLE) >= 150
    assert {V, C, W} == {e for *_, e, _ in TABLE}
    assert {s for s, *_ in TABLE} == {A, P, S}
