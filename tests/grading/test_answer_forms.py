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


# --- subtle forms: equal only by a non-obvious identity, wrong only a little, far out or at one point,
# or ambiguous or foreign text (refused, never guessed) --------------------------------------------

# (part, answer, expected status)
SUBTLE_FORMS: list[tuple[str, str, str]] = [
    # --- equal forms that need non-obvious identities are accepted -----------------------------
    ("sigmoid.a", "sigma(x)*sigma(-x)", "correct"),
    ("sigmoid.a", "1/(4cosh(x/2)^2)", "correct"),
    ("sigmoid.a", "sech(x/2)^2/4", "correct"),
    ("sigmoid.a", "(1-tanh(x/2)^2)/4", "correct"),
    ("sigmoid.a", "1/(2+2cosh(x))", "correct"),
    ("sigmoid.a", "e^x/(1+e^x)^2", "correct"),
    ("sigmoid.a", "exp(-x - 2*log(1+exp(-x)))", "correct"),
    ("sigmoid.a", "((tanh(x/2)+1)/2)*(1-(tanh(x/2)+1)/2)", "correct"),
    ("sigmoid.a", "np.exp(-x)/(1+np.exp(-x))**2", "correct"),
    ("sigmoid.a", "torch.sigmoid(x)*(1-torch.sigmoid(x))", "correct"),
    ("sigmoid.a", r"\frac{1}{1+e^{-x}}\cdot\frac{e^{-x}}{1+e^{-x}}", "correct"),
    ("sigmoid.a", r"\sigma\left(x\right)\left(1-\sigma\left(x\right)\right)", "correct"),
    ("sigmoid.a", r"\sqrt[3]{e^{-3x}}/(1+e^{-x})^2", "correct"),
    ("sigmoid.a", "e\u207b\u02e3/(1+e\u207b\u02e3)\u00b2", "correct"),  # e⁻ˣ/(1+e⁻ˣ)²
    ("sigmoid.a", "e^\u2212x/(1+e^\u2212x)^2", "correct"),  # U+2212 minus
    ("sigmoid.a", "e^-x/(1+e^-\u200bx)^2", "correct"),  # zero-width space
    ("tanh.a", "4\u03c3(2x)(1-\u03c3(2x))", "correct"),
    ("tanh.a", "1-(2sigma(2x)-1)^2", "correct"),
    ("tanh.a", "sech^2 x", "correct"),
    ("tanh.a", "2/(1+cosh(2x))", "correct"),
    ("tanh.a", "(1-tanh x)(1+tanh x)", "correct"),
    ("tanh.a", r"\frac{4}{\left(e^{x}+e^{-x}\right)^{2}}", "correct"),
    ("relu.a", "Heaviside(x)", "correct"),
    ("relu.a", "Heaviside(x, 0)", "correct"),
    ("relu.a", "Heaviside(x, 1)", "correct"),
    ("relu.a", "np.where(x > 0, 1, 0)", "correct"),
    ("relu.a", "(1+sign(x))/2", "correct"),
    ("relu.a", "max(0,x)/x", "correct"),
    ("relu.a", "1 if x > 0 else 0 if x < 0 else 1/2", "correct"),
    ("relu.a", r"\begin{cases} 0 & x<0 \\ 1 & x>0 \end{cases}", "correct"),
    ("relu.a", r"\begin{cases} 0, & x < 0, \\ 1, & x \geq 0. \end{cases}", "correct"),
    # --- wrong answers that differ only a little, far out, or at one point are refuted ---------
    ("sigmoid.a", "-e^(-x)/(1+e^-x)^2", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + 10^-50", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x))*(1+10^-600)", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + exp(-1000)", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x))*(1+exp(-1000))", "incorrect"),
    ("sigmoid.a", "e^(-x*(1+10^-500))/(1+e^(-x))^2", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + sigma(x-900)", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + Heaviside(x-1000)", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) if x != 1/3 else 7", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) if x != pi else 7", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + exp(-1000000*(x-1/3)^2)", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x))*abs(x)/x", "incorrect"),
    ("sigmoid.a", "sigma(x)*(1-sigma(x)) + sin(2*pi*x*5354228880)", "incorrect"),
    ("tanh.a", "1 - tanh x^2", "invalid"),  # tanh(x^2) or tanh(x)^2: both readings are shown
    ("relu.a", "Heaviside(x, 2)", "incorrect"),
    ("relu.a", "Heaviside(x, -1e-300)", "incorrect"),
    ("relu.a", "Heaviside(x+10^-100)", "incorrect"),
    ("relu.a", "Heaviside(x - exp(-1000))", "incorrect"),
    ("relu.a", "Heaviside(x^2)", "incorrect"),
    ("relu.a", "1 if x > 0 and x != 7 else 0", "incorrect"),
    ("relu.a", "1 if x > 0 and x < 10^30 else 0", "incorrect"),
    ("relu.a", "Piecewise((0, x < 0), (1, x > 0), (1 + 10^-60, True))", "incorrect"),
    ("relu.a", "Piecewise((0, x < 0), (1, x > 1))", "incorrect"),
    ("relu.a", "1 if x > 10^-40 else 0 if x < -10^-40 else 1/2", "incorrect"),
    ("relu.a", "sign(x)", "incorrect"),
    ("relu.b.left", "1e-40", "incorrect"),
    ("relu.b.left", "exp(-10^6)", "incorrect"),
    ("relu.b.right", "1.000000000000000000001", "incorrect"),
    ("relu.b.right", "0.9999999999999999999999999999", "incorrect"),
    ("relu.b.right", "sigma(1000)", "incorrect"),
    ("relu.b.at_zero", "1+1e-300", "incorrect"),
    ("relu.b.at_zero", "-1e-300", "incorrect"),
    ("relu.b.at_zero", "pi/3", "incorrect"),
    ("relu.b.at_zero", "1+exp(-10^5)", "incorrect"),
    ("relu.b.at_zero", "1-exp(-10^4)", "correct"),
    ("relu.b.at_zero", "pi/4", "correct"),
    ("relu.b.at_zero", ".5", "correct"),
    ("relu.b.at_zero", "2e-1", "correct"),
    # --- ambiguous or foreign text is refused, never guessed -------------------------------------
    ("sigmoid.a", "1/2x", "invalid"),
    ("sigmoid.a", "e^-2x", "invalid"),
    ("sigmoid.a", "x2", "invalid"),
    ("sigmoid.a", "2 x 3", "invalid"),
    ("sigmoid.a", "e^-x/(1+e^-x)(1+e^-x)", "invalid"),
    ("sigmoid.a", "\u0435^-x/(1+\u0435^-x)^2", "invalid"),  # Cyrillic е
    ("sigmoid.a", "e^-x/(1+e^-x)^2\u202e", "invalid"),  # bidi override
    ("tanh.a", "cosh^-2(x)", "invalid"),  # inverse or reciprocal?
    ("relu.b.differentiable", "nope", "correct"),
    ("relu.b.differentiable", "Not differentiable.", "correct"),
    ("relu.b.differentiable", "yes", "incorrect"),
]


@pytest.mark.parametrize(("part", "answer", "status"), SUBTLE_FORMS)
def test_subtle_form(sheet: Sheet, part: str, answer: str, status: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == status, (result.decided_by, result.detail, result.feedback)
    assert result.seconds < 3.5


# (part, answer, what the answer must be understood as)
READINGS: list[tuple[str, str, str]] = [
    ("sigmoid.a", "2^3^2", "512"),
    ("sigmoid.a", "-2^2", "-4"),
    ("sigmoid.a", "x**-1", "1/x"),
    ("sigmoid.a", "x\u00b2\u00b3", "x**23"),
    ("sigmoid.a", r"\frac\frac12 2", "1/4"),
    ("sigmoid.a", "\u03c3 x (1 - \u03c3 x)", "(1 - sigma(x))*sigma(x)"),
    ("tanh.a", "sech(x^2)", "sech(x**2)"),
    ("tanh.a", "1\u2212tanh\u00b2x", "1 - tanh(x)**2"),
    ("relu.a", "(x>0)*1", "Piecewise((1, x > 0), (0, True))"),
    ("relu.b.at_zero", "5.", "5"),
    ("relu.b.at_zero", "1e-15", "1e-15"),
    ("relu.b.at_zero", "2.5E-8", "2.5e-8"),
    ("relu.b.at_zero", "0.000001", "1/1000000"),
]


@pytest.mark.parametrize(("part", "answer", "reading"), READINGS)
def test_reading(sheet: Sheet, part: str, answer: str, reading: str) -> None:
    assert grade(sheet, part, answer).interpreted == reading


# --- borderline notation (see tests/parsing/test_parsing.py) graded as answers ----------------------

BORDERLINE_NOTATION: list[tuple[str, str, str]] = [
    ("relu.b.left", "log(2, 0)", "invalid"),
    ("relu.b.left", "1/(1/0)", "invalid"),
    ("sigmoid.a", "log(x, 0)", "invalid"),
    ("relu.b.at_zero", "2^(1/10^12)", "invalid"),
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^(2+10^-100)", "invalid"),
    ("sigmoid.a", "x^1.9999999999999999999999999999", "invalid"),
    ("relu.a", r"\begin{cases} 0 & x<0 \\ \frac12 & x=0 \\ 1 & x>0 \end{cases}", "correct"),
    ("relu.a", r"\begin{cases} 0 & x<0 \\ 2 & x=0 \\ 1 & x>0 \end{cases}", "incorrect"),
    ("relu.a", r"\begin{cases} 0 & x<0 \\ 1 & x>0 \end{cases}.", "correct"),
    ("relu.a", r"\begin{cases} 0 & x<0 \\ 1 & \text{otherwise} \end{cases}.", "correct"),
    ("sigmoid.a", "σ(x)(1-σ(x)).", "correct"),
    ("sigmoid.a", r"\sigma(x)\left(1-\sigma(x)\right)\,.", "correct"),
    ("sigmoid.a", r"\sigma(x)\Big[1-\sigma(x)\Big]", "correct"),
    ("sigmoid.a", r"\sigma(x)[1-\sigma(x)]", "correct"),
    ("sigmoid.a", r"\frac14 \text{sech}^2 \frac x2", "correct"),
    ("relu.b.at_zero", "0·5", "invalid"),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n&= 1/(1+e^-x) * e^-x/(1+e^-x)\n&= σ(x)(1-σ(x))", "correct"),
]


@pytest.mark.parametrize(("part", "answer", "status"), BORDERLINE_NOTATION)
def test_borderline_notation_graded(sheet: Sheet, part: str, answer: str, status: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == status, (result.decided_by, result.detail, result.feedback)
    assert result.seconds < 3.5


# --- wrong answers close to the right one never get full marks ---------------------------------------

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
