"""Answer forms, right and wrong, in every notation, graded against the first sheet."""

from __future__ import annotations

import pytest

from grader.grading.grade import grade
from grader.sheets.model import Sheet

C, WRONG, V = "correct", "incorrect", "invalid"

FORMS: list[tuple[str, str, str]] = [
    # --- sigmoid.a: plain, Python, unicode, LaTeX, via σ ------------------------------------
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^2", C),
    ("sigmoid.a", "e^-x/(1+e^-x)^2", C),
    ("sigmoid.a", "exp(-x)/(1+exp(-x))**2", C),
    ("sigmoid.a", "np.exp(-x) / (1 + np.exp(-x))**2", C),
    ("sigmoid.a", "exp(-x)*(1+exp(-x))^(-2)", C),
    ("sigmoid.a", "E^(-x)/(1+E^(-x))^2", C),
    ("sigmoid.a", "σ(x)(1−σ(x))", C),
    ("sigmoid.a", "sigma(x)*(1-sigma(x))", C),
    ("sigmoid.a", "sigmoid(x) * (1 - sigmoid(x))", C),
    ("sigmoid.a", "σ(x)·(1 − σ(x))", C),
    ("sigmoid.a", "sigma(x) - sigma(x)^2", C),
    ("sigmoid.a", "σ(x)σ(-x)", C),
    ("sigmoid.a", "e^x/(1+e^x)^2", C),
    ("sigmoid.a", "1/(e^x + 2 + e^(-x))", C),
    ("sigmoid.a", "1/(4cosh(x/2)^2)", C),
    ("sigmoid.a", "1/(4*cosh(x/2)**2)", C),
    ("sigmoid.a", "sech(x/2)^2/4", C),
    ("sigmoid.a", "0.25 sech^2(x/2)", C),
    ("sigmoid.a", "(1 - tanh(x/2)^2)/4", C),
    ("sigmoid.a", "1/(1+e^(-x)) - 1/(1+e^(-x))^2", C),
    ("sigmoid.a", r"\frac{e^{-x}}{(1+e^{-x})^2}", C),
    ("sigmoid.a", r"\frac{e^{-x}}{\left(1+e^{-x}\right)^{2}}", C),
    ("sigmoid.a", r"\sigma(x)\left(1-\sigma(x)\right)", C),
    ("sigmoid.a", r"\sigma(x) \cdot (1 - \sigma(x))", C),
    ("sigmoid.a", r"\exp(-x)/(1+\exp(-x))^2", C),
    ("sigmoid.a", "$\\frac{1}{4}\\operatorname{sech}^2(x/2)$", C),
    ("sigmoid.a", "e^(-x)/(1+e^(-x))", WRONG),
    ("sigmoid.a", "-e^(-x)/(1+e^(-x))^2", WRONG),
    ("sigmoid.a", "1/(1+e^(-x))^2", WRONG),
    ("sigmoid.a", "-1/(1+e^(-x))^2", WRONG),
    ("sigmoid.a", "σ(x)(1+σ(x))", WRONG),
    ("sigmoid.a", "sigma(x)", WRONG),
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^2 + 10^-15", WRONG),
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^2 + 1e-15", WRONG),
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^2 * 1.000000000000001", WRONG),
    ("sigmoid.a", "e^(-x)/(1+e^(x))^2", WRONG),
    ("sigmoid.a", "1/(4cosh(x)^2)", WRONG),
    ("sigmoid.a", "e^(-x)/(1+e^(-y))^2", V),
    ("sigmoid.a", "e^(-x)/(1+e^(-x)^2", V),
    ("sigmoid.a", "diff(sigma(x), x)", V),
    ("sigmoid.a", "", V),
    # --- tanh.a ---------------------------------------------------------------------------------
    ("tanh.a", "4/(e^x+e^(-x))^2", C),
    ("tanh.a", "4/(e^x+e^-x)^2", C),
    ("tanh.a", "sech^2 x", C),
    ("tanh.a", "sech^2(x)", C),
    ("tanh.a", "sech(x)^2", C),
    ("tanh.a", "sech(x)**2", C),
    ("tanh.a", "1 - tanh(x)^2", C),
    ("tanh.a", "1 - tanh²(x)", C),
    ("tanh.a", "1-tanh^2 x", C),
    ("tanh.a", "1/cosh(x)^2", C),
    ("tanh.a", "cosh(x)^-2", C),
    ("tanh.a", "4e^(2x)/(e^(2x)+1)^2", C),
    ("tanh.a", "4 e^(-2x)/(1+e^(-2x))^2", C),
    ("tanh.a", "((e^x+e^-x)^2-(e^x-e^-x)^2)/(e^x+e^-x)^2", C),
    ("tanh.a", "1 - ((e^x-e^-x)/(e^x+e^-x))^2", C),
    ("tanh.a", "4σ(2x)(1-σ(2x))", C),
    ("tanh.a", "2/(cosh(2x)+1)", C),
    ("tanh.a", r"\frac{4}{(e^x+e^{-x})^2}", C),
    ("tanh.a", r"\operatorname{sech}^2(x)", C),
    ("tanh.a", r"\operatorname{sech}^{2}(x)", C),
    ("tanh.a", r"1 - \tanh^2(x)", C),
    ("tanh.a", r"1-\tanh^{2}(x)", C),
    ("tanh.a", r"\frac{1}{\cosh^2(x)}", C),
    ("tanh.a", r"\mathrm{sech}^2 x", C),
    ("tanh.a", "1 + tanh(x)^2", WRONG),
    ("tanh.a", "-sech(x)^2", WRONG),
    ("tanh.a", "sech(x)", WRONG),
    ("tanh.a", "2/(e^x+e^(-x))^2", WRONG),
    ("tanh.a", "tanh(x)", WRONG),
    ("tanh.a", "1 - tanh(x)", WRONG),
    ("tanh.a", "4/(e^x-e^(-x))^2", WRONG),
    ("tanh.a", "sech^2 x + 10^-40", WRONG),
    ("tanh.a", "tahn(x)", V),
    ("tanh.a", "sech^2", V),
    ("tanh.a", "1 - tanh(x)^(10^10)", V),
    # --- relu.a ---------------------------------------------------------------------------------
    ("relu.a", "Heaviside(x)", C),
    ("relu.a", "Heaviside(x, 0)", C),
    ("relu.a", "Heaviside(x, 1)", C),
    ("relu.a", "Piecewise((0, x < 0), (1, True))", C),
    ("relu.a", "Piecewise((0, x < 0), (1, x > 0))", C),
    ("relu.a", "Piecewise((1, x > 0), (0, True))", C),
    ("relu.a", "Piecewise((0, x <= 0), (1, True))", C),
    ("relu.a", "1 if x > 0 else 0", C),
    ("relu.a", "1 if x >= 0 else 0", C),
    ("relu.a", "0 if x < 0 else 1", C),
    ("relu.a", "(sign(x) + 1)/2", C),
    ("relu.a", "(1 + x/abs(x))/2", C),
    ("relu.a", "(1 + sign(x))/2", C),
    ("relu.a", r"\begin{cases} 0 & x < 0 \\ 1 & x > 0 \end{cases}", C),
    ("relu.a", r"\begin{cases} 0, & x < 0, \\ 1, & x \geq 0. \end{cases}", C),
    ("relu.a", "0.5 if x == 0 else (1 if x > 0 else 0)", C),
    ("relu.a", "1", WRONG),
    ("relu.a", "0", WRONG),
    ("relu.a", "Heaviside(x, 2)", WRONG),
    ("relu.a", "Heaviside(-x)", WRONG),
    ("relu.a", "sign(x)", WRONG),
    ("relu.a", "max(0, x)", WRONG),
    ("relu.a", "ReLU(x)", WRONG),
    ("relu.a", "Heaviside(x - 10^-10)", WRONG),
    ("relu.a", "Piecewise((0, x < 0.001), (1, True))", WRONG),
    ("relu.a", "2 if x == 0 else (1 if x > 0 else 0)", WRONG),
    ("relu.a", "-1 if x == 0 else Heaviside(x)", WRONG),
    ("relu.a", "1 if x > 0 else", V),
    # --- relu.b.* ----------------------------------------------------------------------------------
    ("relu.b.left", "0", C),
    ("relu.b.left", "0.0", C),
    ("relu.b.left", "1-1", C),
    ("relu.b.left", "1", WRONG),
    ("relu.b.left", "x", V),
    ("relu.b.right", "1", C),
    ("relu.b.right", "1.0", C),
    ("relu.b.right", "2/2", C),
    ("relu.b.right", "0", WRONG),
    ("relu.b.right", "0.999999999999999", WRONG),
    ("relu.b.differentiable", "no", C),
    ("relu.b.differentiable", "No", C),
    ("relu.b.differentiable", "NO", C),
    ("relu.b.differentiable", "false", C),
    ("relu.b.differentiable", "False", C),
    ("relu.b.differentiable", " no. ", C),
    ("relu.b.differentiable", "not differentiable", C),
    ("relu.b.differentiable", "yes", WRONG),
    ("relu.b.differentiable", "True", WRONG),
    ("relu.b.differentiable", "maybe", V),
    ("relu.b.at_zero", "0", C),
    ("relu.b.at_zero", "1", C),
    ("relu.b.at_zero", "0.5", C),
    ("relu.b.at_zero", "1/2", C),
    ("relu.b.at_zero", "1/sqrt(2)", C),
    ("relu.b.at_zero", "2", WRONG),
    ("relu.b.at_zero", "-0.1", WRONG),
    ("relu.b.at_zero", "1.0000001", WRONG),
    ("relu.b.at_zero", "1/0", WRONG),
    ("relu.b.at_zero", "x", V),
]


@pytest.mark.parametrize(("part", "answer", "expected"), FORMS, ids=[f"{p}:{a!r}" for p, a, _ in FORMS])
def test_answer_form(sheet: Sheet, part: str, answer: str, expected: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == expected, (result.feedback, result.decided_by, result.detail)
    assert result.score == (1.0 if expected == C else result.score)
    if expected == V:
        assert result.score == 0.0
    if expected == C:
        assert result.points == result.max_points


def test_table_is_large_and_covers_every_part(sheet: Sheet) -> None:
    assert len(FORMS) >= 100
    simple_parts = {a for a, p in sheet.parts.items() if p.kind != "derivation"}
    assert simple_parts <= {p for p, _, _ in FORMS}
    for part in simple_parts:
        statuses = {s for p, _, s in FORMS if p == part}
        assert {C, WRONG} <= statuses, part
