"""The parser: every notation students use, each with the exact sympy object it must give."""

from __future__ import annotations

import time

import pytest
import sympy
from sympy import Abs, E, Eq, Heaviside, Integer, Max, Min, Piecewise, Rational, exp, log, pi, sech, sqrt

from grader.core.errors import ParseError, caret_lines, describe_parse_error
from grader.parsing import (
    KNOWN_FUNCTIONS,
    ParseContext,
    Parsed,
    SheetFunction,
    parse,
    parse_chain,
    sheet_function,
    symbol,
)
from grader.parsing.build import MAX_ROOT_DENOMINATOR
from grader.parsing.names import BUILTINS, closest

x = symbol("x")
sigma = sheet_function("sigma")
relu = sheet_function("ReLU")
CTX = ParseContext(functions=(SheetFunction("sigma", ("sigmoid", "σ")), SheetFunction("ReLU", ("relu",))))
step = Piecewise((1, x > 0), (0, True))
NUMBER = ParseContext(variables=())  # a part whose answer is a number (relu.b.left)
FREE = ParseContext(variables=None)  # any short name is a variable
SIGMA_PRIME = sigma(x) * (1 - sigma(x))
OPEN_STEP = Piecewise((0, x < 0), (1, x > 0))  # undefined at 0

ACCEPTED: list[tuple[str, sympy.Basic]] = [
    # --- powers, signs, precedence ------------------------------------------------------------
    ("x^2", x**2),
    ("x**2", x**2),
    ("-x^2", -(x**2)),
    ("(-x)^2", x**2),
    ("e^-x", exp(-x)),
    ("e^-x^2", exp(-(x**2))),
    ("2^-1", Rational(1, 2)),
    ("2^3^2", Integer(512)),
    ("x^-2", x**-2),
    ("x^(1/2)", sqrt(x)),
    ("x^1/2", x / 2),
    ("x^(-3/2)", x ** Rational(-3, 2)),
    ("2*-x", -2 * x),
    ("x--x", 2 * x),
    ("+x", x),
    ("x/2/3", x / 6),
    ("1/2*x", x / 2),
    ("(1/2)x", x / 2),
    ("2^10", Integer(1024)),
    ("10^-3", Rational(1, 1000)),
    ("x^x^2", x ** (x**2)),
    # --- implicit multiplication ----------------------------------------------------------------
    ("2x", 2 * x),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x(x+1)", x * (x + 1)),
    ("σ(x)(1−σ(x))", sigma(x) * (1 - sigma(x))),
    ("4e^(2x)", 4 * exp(2 * x)),
    ("x e^x", x * exp(x)),
    ("2 sigma(x)", 2 * sigma(x)),
    ("3x^2", 3 * x**2),
    ("-2x", -2 * x),
    ("2|x|", 2 * Abs(x)),
    ("2 x", 2 * x),
    ("e^x(1+x)", exp(x) * (1 + x)),
    ("x^2 e^x", x**2 * exp(x)),
    # --- numbers ----------------------------------------------------------------------------------
    ("0.25", Rational(1, 4)),
    ("1e-15", Rational(1, 10**15)),
    ("2.5e3", Integer(2500)),
    ("1E5", Integer(100000)),
    (".5", Rational(1, 2)),
    ("0.1+0.2", Rational(3, 10)),
    ("½", Rational(1, 2)),
    ("2e-x", 2 * E - x),
    ("2e^x", 2 * exp(x)),
    ("1e5x", 100000 * x),
    ("2e-1", Rational(1, 5)),
    # --- constants --------------------------------------------------------------------------------
    ("e", E),
    ("E", E),
    ("pi", pi),
    ("π", pi),
    ("e^x", exp(x)),
    ("E^(-x)", exp(-x)),
    ("np.pi", pi),
    ("math.e", E),
    ("exp(1)", E),
    ("2pi x", 2 * pi * x),
    # --- built-in functions -------------------------------------------------------------------------
    ("exp(-x)", exp(-x)),
    ("log(x)", log(x)),
    ("ln(x)", log(x)),
    ("log(x, 2)", log(x, 2)),
    ("log10(x)", log(x, 10)),
    ("sqrt(x)", sqrt(x)),
    ("sqrt(4)", Integer(2)),
    ("abs(x)", Abs(x)),
    ("Abs(x)", Abs(x)),
    ("|x|", Abs(x)),
    ("|x - 1| + |x|", Abs(x - 1) + Abs(x)),
    ("||x|-1|", Abs(Abs(x) - 1)),
    ("sign(x)", sympy.sign(x)),
    ("sinh(x)", sympy.sinh(x)),
    ("cosh(x)", sympy.cosh(x)),
    ("tanh(x)", sympy.tanh(x)),
    ("sech(x)", sympy.sech(x)),
    ("csch(x)", sympy.csch(x)),
    ("coth(x)", sympy.coth(x)),
    ("sin(x)", sympy.sin(x)),
    ("cos(x)", sympy.cos(x)),
    ("tan(x)", sympy.tan(x)),
    ("sec(x)", sympy.sec(x)),
    ("csc(x)", sympy.csc(x)),
    ("cot(x)", sympy.cot(x)),
    ("asin(x)", sympy.asin(x)),
    ("arcsin(x)", sympy.asin(x)),
    ("arccos(x)", sympy.acos(x)),
    ("atan(x)", sympy.atan(x)),
    ("arctan(x)", sympy.atan(x)),
    ("asinh(x)", sympy.asinh(x)),
    ("arsinh(x)", sympy.asinh(x)),
    ("arcsinh(x)", sympy.asinh(x)),
    ("acosh(x)", sympy.acosh(x)),
    ("atanh(x)", sympy.atanh(x)),
    ("Heaviside(x)", Heaviside(x)),
    ("Heaviside(x, 0)", Heaviside(x, 0)),
    ("max(0, x)", Max(0, x)),
    ("min(x, 1)", Min(x, 1)),
    ("max(0, x, 1 - x)", Max(0, x, 1 - x)),
    ("Max(0, x)", Max(0, x)),
    ("np.exp(-x)", exp(-x)),
    ("numpy.tanh(x)", sympy.tanh(x)),
    ("math.log(x)", log(x)),
    ("torch.tanh(x)", sympy.tanh(x)),
    ("np.maximum(0, x)", Max(0, x)),
    ("np.where(x > 0, 1, 0)", step),
    ("np.exp(-x) / (1 + np.exp(-x))**2", exp(-x) / (1 + exp(-x)) ** 2),
    ("pow(x, 3)", x**3),
    # --- sheet functions ------------------------------------------------------------------------------
    ("sigma(x)", sigma(x)),
    ("sigmoid(x)", sigma(x)),
    ("σ(x)", sigma(x)),
    (r"\sigma(x)", sigma(x)),
    ("σ(-x)", sigma(-x)),
    ("sigma(2x)", sigma(2 * x)),
    ("sigma(sigma(x))", sigma(sigma(x))),
    ("torch.sigmoid(x)", sigma(x)),
    ("ReLU(x)", relu(x)),
    ("relu(x)", relu(x)),
    (r"\text{ReLU}(x)", relu(x)),
    (r"\operatorname{ReLU}(x)", relu(x)),
    ("sigma(x) - sigma(x)^2", sigma(x) - sigma(x) ** 2),
    # --- powers of functions, paren-less arguments ---------------------------------------------------
    ("sech^2 x", sympy.sech(x) ** 2),
    ("sech^2(x)", sympy.sech(x) ** 2),
    ("tanh²(x)", sympy.tanh(x) ** 2),
    ("tanh^2 x", sympy.tanh(x) ** 2),
    ("tanh^2x", sympy.tanh(x) ** 2),
    ("σ^2(x)", sigma(x) ** 2),
    ("1 - tanh^2 x", 1 - sympy.tanh(x) ** 2),
    ("sin^2 x + cos^2 x", Integer(1) * sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
    ("sech x", sympy.sech(x)),
    ("tanh 2x", sympy.tanh(2 * x)),
    ("sin x cos x", sympy.sin(x) * sympy.cos(x)),
    ("sin x/2", sympy.sin(x) / 2),
    ("ln x", log(x)),
    ("ln|x|", log(Abs(x))),
    ("ln cosh x", log(sympy.cosh(x))),
    ("0.25 sech^2(x/2)", Rational(1, 4) * sympy.sech(x / 2) ** 2),
    # --- unicode ----------------------------------------------------------------------------------
    ("x − 1", x - 1),
    ("x – 1", x - 1),
    ("2·x", 2 * x),
    ("2⋅x", 2 * x),
    ("2×x", 2 * x),
    ("x ÷ 2", x / 2),
    ("x²", x**2),
    ("x³ + x⁴", x**3 + x**4),
    ("x⁻¹", 1 / x),
    ("e⁻ˣ", exp(-x)),
    ("x\u00a0+\u20091\u202f", x + 1),
    ("√x", sqrt(x)),
    ("√(x+1)", sqrt(x + 1)),
    ("∛x", x ** Rational(1, 3)),
    ("1 if x ≥ 0 else 0", Piecewise((1, x >= 0), (0, True))),
    ("1 if x ≠ 0 else 0", Piecewise((1, sympy.Ne(x, 0)), (0, True))),
    ("0 if x ≤ 0 else 1", Piecewise((0, x <= 0), (1, True))),
    # --- Python conditionals and conditions ---------------------------------------------------------
    ("1 if x > 0 else 0", step),
    ("1 if x > 0 else 2 if x < -1 else 0", Piecewise((1, x > 0), (2, x < -1), (0, True))),
    ("0.5 if x == 0 else (1 if x > 0 else 0)",
     Piecewise((Rational(1, 2), sympy.Eq(x, 0)), (1, x > 0), (0, True))),
    ("1 if 0 < x < 1 else 0", Piecewise((1, sympy.And(x > 0, x < 1)), (0, True))),
    ("1 if x > 0 and x < 1 else 0", Piecewise((1, sympy.And(x > 0, x < 1)), (0, True))),
    ("1 if x < 0 or x > 1 else 0", Piecewise((1, sympy.Or(x < 0, x > 1)), (0, True))),
    ("1 if not x > 0 else 0", Piecewise((1, sympy.Not(x > 0)), (0, True))),
    ("1 if x > 0 & x < 1 else 0", Piecewise((1, sympy.And(x > 0, x < 1)), (0, True))),
    ("1 if x != 0 else 0", Piecewise((1, sympy.Ne(x, 0)), (0, True))),
    ("1 if True else 0", Integer(1)),
    ("x if x >= 0 else 0", Piecewise((x, x >= 0), (0, True))),
    ("x * (x > 0)", x * step),
    ("Piecewise((0, x < 0), (1, True))", Piecewise((0, x < 0), (1, True))),
    ("Piecewise((0, x<0), (1, x>0))", Piecewise((0, x < 0), (1, x > 0))),
    ("Piecewise((0, x < 0), (x, x >= 0))", Piecewise((0, x < 0), (x, x >= 0))),
    # --- LaTeX ----------------------------------------------------------------------------------
    (r"\frac{1}{1+e^{-x}}", 1 / (1 + exp(-x))),
    (r"\dfrac{e^{-x}}{(1+e^{-x})^2}", exp(-x) / (1 + exp(-x)) ** 2),
    (r"\tfrac{1}{4}", Rational(1, 4)),
    (r"\frac12", Rational(1, 2)),
    (r"\frac1x", 1 / x),
    (r"\frac{1}{2}x", x / 2),
    ("e^{-x}", exp(-x)),
    (r"2 \cdot x", 2 * x),
    (r"2 \times x", 2 * x),
    (r"\left( x+1 \right)^2", (x + 1) ** 2),
    (r"\left[ x+1 \right]^2", (x + 1) ** 2),
    (r"\{x+1\}^2", (x + 1) ** 2),
    (r"\left\lvert x \right\rvert", Abs(x)),
    (r"\sigma(x)\left[1-\sigma(x)\right]", sigma(x) * (1 - sigma(x))),
    ("2[x+1]", 2 * (x + 1)),
    (r"\sigma(x)\left(1-\sigma(x)\right)", sigma(x) * (1 - sigma(x))),
    (r"\tanh^2(x)", sympy.tanh(x) ** 2),
    (r"\tanh^{2}(x)", sympy.tanh(x) ** 2),
    (r"\operatorname{sech}^2(x)", sympy.sech(x) ** 2),
    (r"\mathrm{sech}(x)", sympy.sech(x)),
    (r"\mathrm{sech}^2 x", sympy.sech(x) ** 2),
    (r"\exp(x)", exp(x)),
    (r"\exp\left(-x\right)", exp(-x)),
    (r"\ln x", log(x)),
    (r"\log(x)", log(x)),
    (r"\log_2 x", log(x, 2)),
    (r"\sinh x + \cosh x", sympy.sinh(x) + sympy.cosh(x)),
    (r"\tanh 2x", sympy.tanh(2 * x)),
    (r"\sin\pi x", sympy.sin(pi * x)),
    (r"\sin x \cos x", sympy.sin(x) * sympy.cos(x)),
    (r"\sqrt{x+1}", sqrt(x + 1)),
    (r"\sqrt[3]{x}", x ** Rational(1, 3)),
    (r"\pi x", pi * x),
    (r"\mathrm{e}^{x}", exp(x)),
    (r"x\,\cdot\;2\!\quad", 2 * x),
    (r"\max(0, x)", Max(0, x)),
    (r"\min(x, 1)", Min(x, 1)),
    (r"\frac{1}{4}\operatorname{sech}^2(x/2)", sympy.sech(x / 2) ** 2 / 4),
    (r"\begin{cases} 0 & x < 0 \\ 1 & x > 0 \end{cases}", Piecewise((0, x < 0), (1, x > 0))),
    (r"\begin{cases} 0, & x < 0, \\ x, & x \geq 0. \end{cases}", Piecewise((0, x < 0), (x, x >= 0))),
    (r"\begin{cases} 0 & \text{if } x<0 \\ 1 & \text{otherwise} \end{cases}",
     Piecewise((0, x < 0), (1, True))),
    (r"\left\{ \begin{cases} 1 & x \ge 0 \\ 0 & x \lt 0 \end{cases} \right.",
     Piecewise((1, x >= 0), (0, x < 0))),
    (r"\begin{cases} 1 & x \gt 0 \\ 0 & x \le 0 \end{cases}", Piecewise((1, x > 0), (0, x <= 0))),
    (r"\begin{cases} 1 & x \leq 1 \\ 0 & \text{otherwise} \end{cases}", Piecewise((1, x <= 1), (0, True))),
    ("$x^2$", x**2),
    ("$$\\frac{x}{2}$$", x / 2),
]

REJECTED: list[tuple[str, str, int | None, str | None]] = [
    # (text, kind, offset or None, hint fragment or None)
    ("", "empty", 0, None),
    ("   ", "empty", 0, None),
    ("xe^x", "unknown_name", 0, "did you mean `x*e`?"),
    ("xe", "unknown_name", 0, "did you mean `x*e`?"),
    ("sinx", "unknown_name", 0, "did you mean `sin(x)`?"),
    ("y", "unknown_name", 0, "this part uses `x`"),
    ("2x+y", "unknown_name", 3, "this part uses `x`"),
    ("x2", "unknown_name", 0, "`x^2`"),
    ("x_1", "unknown_name", 0, None),
    ("tahn(x)", "unknown_function", 0, "did you mean `tanh(x)`?"),
    ("f(x)", "unknown_function", 0, None),
    ("np.foo(x)", "unknown_function", 0, None),
    ("x = 1", "unexpected_token", 2, "a single expression is expected"),
    ("1/2x", "unexpected_token", 0, "ambiguous"),
    ("e^2x", "unexpected_token", 0, "`e^(2x)`"),
    ("e^-2x", "unexpected_token", 0, "`e^(-2x)`"),
    ("sin 2(x+1)", "unexpected_token", 0, "ambiguous"),
    ("2 3", "unexpected_token", 2, "`2*3`"),
    ("*x", "unexpected_token", 0, None),
    ("x, y", "unexpected_token", 1, "commas only separate"),  # `x,` alone: a closing comma (borderline 4.)
    ("1 if x = 0", "unexpected_end", 10, "needs `else`"),  # `=` compares in a condition (borderline 3.)
    ("tanh^-1(x)", "not_allowed", 0, "`atanh(x)`"),
    ("sech^{-1}(x)", "not_allowed", 0, "reciprocal"),
    ("sech", "missing_argument", 0, "`sech` needs an argument, e.g. `sech(x)`"),
    ("tanh -x", "missing_argument", 0, "`tanh(-x)`"),
    ("Heaviside()", "missing_argument", 0, None),
    ("max(x)", "wrong_arity", 0, "2 or more"),
    ("sigma(x, 1)", "wrong_arity", 0, None),
    ("log(x, 2, 3)", "wrong_arity", 0, None),
    ("sin(x", "missing_close", 3, "missing `)` to close the `(` at column 4"),
    ("(x]", "missing_close", 0, None),
    ("e^(-x)/(1+e^(-x)^2", "missing_close", 7, None),
    ("|x", "missing_close", 0, None),
    ("x)", "unmatched_close", 1, None),
    (")))))", "unmatched_close", 0, None),
    ("x +", "unexpected_end", 3, "after `+`"),
    ("1 if x > 0", "unexpected_end", 10, "`else`"),
    ("diff(sigma(x), x)", "not_allowed", 0, "`diff` is not allowed: type the derivative itself"),
    ("integrate(x, x)", "not_allowed", 0, None),
    ("Derivative(x, x)", "not_allowed", 0, None),
    ("limit(x, x, 0)", "not_allowed", 0, None),
    ("factorial(10^10)", "not_allowed", 0, None),
    ("5!", "not_allowed", 1, None),
    ("__import__('os').getcwd()", "not_allowed", 0, None),
    ("lambda: 0", "not_allowed", 0, None),
    ("x.diff(x)", "not_allowed", 1, "attribute access"),
    ("'x'", "not_allowed", 0, "strings"),
    ("σ'(x)", "not_allowed", 1, "derivative"),
    ("[1, 2]", "not_allowed", 2, "lists"),
    ("x[0]", "not_allowed", 1, "indexing"),
    ("sigma(x)[0]", "not_allowed", 8, "indexing"),
    (r"\alpha", "unknown_name", 0, "this part uses `x`"),
    ("(0, x < 0)", "not_allowed", 2, "Piecewise"),
    ("d/dx x^2", "not_allowed", 0, "derivative"),
    (r"\frac{d}{dx} x^2", "not_allowed", 0, "derivative"),
    ("sqrt(-1)", "not_allowed", 0, "not a real number"),
    ("1 if x else 0", "bad_condition", 5, None),
    ("x > 0", "bad_condition", 0, None),
    ("Piecewise((0, x))", "bad_condition", 14, None),
    ("1 if (x > 0)*x > 1 else 0", "bad_condition", 5, None),
    ("x @ 2", "unexpected_character", 2, None),
    ("x\u202e+1", "unexpected_character", 1, "invisible"),
    ("е^x", "unexpected_character", 0, "U+0435"),
    ("😀 + x", "unexpected_character", 0, None),
    (r"\foo(x)", "bad_latex", 0, None),
    (r"\tahn(x)", "bad_latex", 0, r"`\tanh`"),
    (r"\frac{1}", "bad_latex", 0, None),
    (r"\begin{array}x\end{array}", "bad_latex", 0, "cases"),
    (r"\begin{cases} 0 & x<0", "missing_close", 0, r"\end{cases}"),
    ("\\\\", "bad_latex", 0, None),
    ("x^(10^10)", "exponent_too_large", 1, None),
    ("9^9^9", "number_too_large", 0, None),
    ("1" * 41, "number_too_large", 0, None),
    ("e^(10^30)", "number_too_large", 0, None),
    ("x" * 2001, "too_long", 2000, None),
    ("(" * 70 + "x" + ")" * 70, "too_deep", None, None),
    ("x+" * 700 + "x", "too_many_tokens", 600, None),
    # a power after a paren-less argument: on the argument or on the function? both readings said
    ("tanh x^2", "not_allowed", 0, "write `tanh(x^2)` or `tanh(x)^2`"),
    ("sin 2x^2", "not_allowed", 0, "write `sin(2x^2)` or `sin(2x)^2`"),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted(text: str, expected: sympy.Basic) -> None:
    parsed = parse(text, CTX)
    assert parsed.expr == expected, (parsed.expr, expected)


@pytest.mark.parametrize(("text", "kind", "offset", "hint"), REJECTED, ids=[t[:40] for t, *_ in REJECTED])
def test_rejected(text: str, kind: str, offset: int | None, hint: str | None) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, CTX)
    err = info.value
    assert err.kind == kind, (err.kind, err.hint)
    assert err.text == text
    if offset is not None:
        assert err.offset == offset
    if hint is not None:
        assert hint in err.hint
    assert describe_parse_error(err)
    assert "^" in caret_lines(err)


def test_tables_are_large() -> None:
    assert len(ACCEPTED) >= 120
    assert len(REJECTED) >= 40


# --- borderline notation ----------------------------------------------------------------------------
# Forms at the edge of what is accepted: log bases, root denominators, `=` in conditions, closing
# punctuation, sizing commands and `[`, unbraced `\frac` arguments, the middle dot. Each accepted form
# with the exact sympy result, each refused form with its kind, place and hint.

BORDERLINE_ACCEPTED: list[tuple[str, sympy.Basic]] = [
    # 1. a logarithm's base is positive and not 1; undefined values stay visible
    ("log(x, 2)", log(x) / log(2)),
    ("log(x, 1/2)", -log(x) / log(2)),
    ("log(2, e)", log(2)),
    (r"\log_{10} x", log(x) / log(10)),
    ("1/0", sympy.zoo),
    ("log(0)", sympy.zoo),
    ("(1/0 if x > 0 else 1)", Piecewise((sympy.zoo, x > 0), (1, True))),
    # 2. fractional exponents with denominators up to MAX_ROOT_DENOMINATOR
    ("x^(1/1000)", x ** Rational(1, 1000)),
    ("x^0.001", x ** Rational(1, 1000)),
    ("x^(999/1000)", x ** Rational(999, 1000)),
    ("2^(1/1000)", sympy.Integer(2) ** Rational(1, 1000)),
    ("x^1.5", x ** Rational(3, 2)),
    ("e^(1/10^12)", exp(Rational(1, 10**12))),  # an exponential, not a root
    ("e^(-x/10^12)", exp(-x / 10**12)),
    # 3. a single `=` compares inside a condition
    (r"\begin{cases} 0 & x<0 \\ \frac12 & x=0 \\ 1 & x>0 \end{cases}",
     Piecewise((0, x < 0), (Rational(1, 2), Eq(x, 0)), (1, x > 0))),
    (r"\begin{cases} \frac12 & \text{if } x = 0 \\ 1 & \text{otherwise} \end{cases}",
     Piecewise((Rational(1, 2), Eq(x, 0)), (1, True))),
    ("1 if x = 0 else 0", Piecewise((1, Eq(x, 0)), (0, True))),
    ("1 if x > 0 else 0.5 if x = 0 else 0", Piecewise((1, x > 0), (Rational(1, 2), Eq(x, 0)), (0, True))),
    ("1 if (x = 0) else 0", Piecewise((1, Eq(x, 0)), (0, True))),
    ("1 if x == 0 else 0", Piecewise((1, Eq(x, 0)), (0, True))),
    # 4. a closing full stop or comma is punctuation
    (r"\begin{cases} 0 & x<0 \\ 1 & x>0 \end{cases}.", OPEN_STEP),
    (r"\begin{cases} 0 & x<0 \\ 1 & \text{otherwise} \end{cases}.", Piecewise((0, x < 0), (1, True))),
    (r"\begin{cases} 0 & x<0, \\ 1 & \text{otherwise}. \end{cases}", Piecewise((0, x < 0), (1, True))),
    (r"\begin{cases} 0 & x<0 \\ 1 & x>0. \end{cases}", OPEN_STEP),
    ("σ(x)(1-σ(x)).", SIGMA_PRIME),
    (r"\sigma(x)\left(1-\sigma(x)\right) \,.", SIGMA_PRIME),
    ("σ(x)(1-σ(x)) .  ", SIGMA_PRIME),
    ("σ(x)(1-σ(x)),", SIGMA_PRIME),
    ("x,", x),
    ("1 if x > 0 else 0.", Piecewise((1, x > 0), (0, True))),
    ("2.", sympy.Integer(2)),  # digits and a point: a number, as before
    ("x^2.", x**2),
    # 5. sizing commands are brackets; `[` after a call's `)` groups
    (r"\sigma(x)\Big[1-\sigma(x)\Big]", SIGMA_PRIME),
    (r"\sigma(x)[1-\sigma(x)]", SIGMA_PRIME),
    ("σ(x)[1−σ(x)]", SIGMA_PRIME),
    (r"\sigma(x)\bigl(1-\sigma(x)\bigr)", SIGMA_PRIME),
    (r"\sigma(x)\Bigl[1-\sigma(x)\Bigr]", SIGMA_PRIME),
    (r"\biggl(x+1\biggr)\Biggl(x-1\Biggr)", (x + 1) * (x - 1)),
    (r"\Bigl[x\Bigr]^2", x**2),
    (r"\big|x\big|", Abs(x)),
    (r"\bigl\lvert x \bigr\rvert", Abs(x)),
    (r"\Big x", x),  # no delimiter after it: changes nothing
    ("exp(x)[1+x]", exp(x) * (1 + x)),
    ("sigma(x)[2x]", 2 * x * sigma(x)),
    # 6. `\frac` with unbraced arguments takes one token each
    (r"\frac x2", x / 2),
    (r"\frac14 \text{sech}^2 \frac x2", sech(x / 2) ** 2 / 4),
    (r"\frac x2x", x**2 / 2),
    (r"\frac x{2}", x / 2),
    (r"\frac{x}2", x / 2),
    (r"\frac\pi2", sympy.pi / 2),
    (r"\frac e2", E / 2),
    (r"\frac 1{1+e^{-x}}", 1 / (1 + exp(-x))),
    (r"\frac12", Rational(1, 2)),
    # 7. a middle dot not between two digits is a product
    ("2·x", 2 * x),
    ("x·2", 2 * x),
    ("2 · 5", sympy.Integer(10)),
    ("2⋅(5)", sympy.Integer(10)),
    ("2.5·3", Rational(15, 2)),  # a decimal point already there: `·` is a product
    ("3·2.5", Rational(15, 2)),
]

BORDERLINE_REJECTED: list[tuple[str, ParseContext, str, int, str]] = [
    # (text, context, kind, offset, hint fragment)
    # 1.
    ("log(2, 0)", NUMBER, "not_allowed", 7, "base of a logarithm must be a positive number other than 1"),
    ("log(x, 0)", CTX, "not_allowed", 7, "not `0`"),
    ("log(x,1)", CTX, "not_allowed", 6, "other than 1"),
    ("log(x, -2)", CTX, "not_allowed", 7, "positive"),
    ("log(x, 1-1)", CTX, "not_allowed", 7, "not `1-1`"),
    ("log(x, pi-4)", CTX, "not_allowed", 7, "positive"),
    (r"\log_1 x", CTX, "not_allowed", 5, "other than 1"),
    (r"\log_10 x", CTX, "not_allowed", 5, r"`\log_{10} x`"),
    ("ln(x)/ln(0)", CTX, "not_allowed", 6, "`ln(0)` has no value"),
    ("1/log(0)", NUMBER, "not_allowed", 2, "has no value"),
    ("1/(1/0)", NUMBER, "not_allowed", 2, "`(1/0)` has no value"),
    ("(1/0)^0", NUMBER, "not_allowed", 0, "has no value"),
    ("atan(1/0)", NUMBER, "not_allowed", 5, "`1/0` has no value"),
    ("sin(abs(1/0))", NUMBER, "not_allowed", 8, "division by zero"),
    ("(1/0 if 1 < 0 else 1)", NUMBER, "not_allowed", 1, "`1/0` has no value"),
    # 2.
    ("2^(1/10^12)", NUMBER, "exponent_too_large", 1, f"denominator of at most {MAX_ROOT_DENOMINATOR}"),
    ("e^(-x)/(1+e^(-x))^(2+10^-100)", CTX, "exponent_too_large", 17, "simple fraction"),
    ("x^1.9999999999999999999999999999", CTX, "exponent_too_large", 1, "denominator"),
    ("x^(1/1001)", CTX, "exponent_too_large", 1, "denominator"),
    ("2^0.0001", NUMBER, "exponent_too_large", 1, "denominator"),
    ("x^(1/999)*x^(1/997)", CTX, "exponent_too_large", 0, "denominator"),
    ("(x^(1/999))^(1/997)", CTX, "exponent_too_large", 0, "denominator"),
    (r"\sqrt[1001]{x}", CTX, "exponent_too_large", 0, "denominator"),
    ("pow(x, 1/1001)", CTX, "exponent_too_large", 0, "denominator"),
    # 3. `=` outside a condition is still no expression
    ("x = 0", CTX, "unexpected_token", 2, "not an equation"),
    ("1 if x = 0", CTX, "unexpected_end", 10, "needs `else`"),
    # 4. a point that ends nothing is still an error
    ("x. y", CTX, "unexpected_character", 1, "decimal point"),
    ("x...", CTX, "unexpected_character", 1, "decimal point"),
    ("x.,", CTX, "unexpected_character", 1, "decimal point"),
    ("x,,", CTX, "unexpected_token", 1, "commas only separate"),
    ("x. = 1", CTX, "unexpected_token", 3, "not an equation"),
    # 5. indexing stays refused
    ("x[1-x]", CTX, "not_allowed", 1, "indexing"),
    ("sigma(x)[0]", CTX, "not_allowed", 8, "indexing"),
    ("sigma(x)[-1]", CTX, "not_allowed", 8, "indexing"),
    ("(x+1)[1-x]", CTX, "not_allowed", 5, "indexing"),
    # 6.
    (r"\frac123", CTX, "unexpected_token", 7, "`*` before a number"),
    # 7.
    ("0·5", NUMBER, "not_allowed", 1, "write `0.5` or `0*5`"),
    ("0⋅5", NUMBER, "not_allowed", 1, "write `0.5` or `0*5`"),
    ("10·25 x", CTX, "not_allowed", 2, "`10·25` is ambiguous (a decimal point or a product): write `10.25` or `10*25`"),
]


@pytest.mark.parametrize(("text", "expected"), BORDERLINE_ACCEPTED, ids=[t for t, _ in BORDERLINE_ACCEPTED])
def test_borderline_accepted(text: str, expected: sympy.Basic) -> None:
    parsed = parse(text, CTX)
    assert parsed.expr == expected, (parsed.expr, expected)


def test_unbraced_frac_with_free_variables() -> None:
    a, b = symbol("a"), symbol("b")
    assert parse(r"\frac{a}b", FREE).expr == a / b
    assert parse(r"\frac ab", FREE).expr == a / b
    assert parse(r"\frac a{b}", FREE).expr == a / b


@pytest.mark.parametrize(("text", "ctx", "kind", "offset", "hint"), BORDERLINE_REJECTED,
                         ids=[t for t, *_ in BORDERLINE_REJECTED])
def test_borderline_rejected(text: str, ctx: ParseContext, kind: str, offset: int, hint: str) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError) as info:
        parse(text, ctx)
    assert time.monotonic() - started < 1.0
    err = info.value
    assert (err.kind, err.offset) == (kind, offset), (err.kind, err.offset, err.hint)
    assert hint in err.hint, err.hint
    assert describe_parse_error(err)
    assert "^" in caret_lines(err)


# --- Parsed data ------------------------------------------------------------------------------------


def test_parsed_fields() -> None:
    parsed = parse("  0.25 x ", CTX)
    assert parsed == Parsed(expr=x / 4, text="  0.25 x ", start=0, end=9, has_decimal=True)
    assert parse("x/4").has_decimal is False
    assert parse("1e-3").has_decimal is True
    assert parse("5.").has_decimal is False  # a full stop after a number is not a decimal


def test_decimal_point_flag_is_unchanged_by_punctuation() -> None:
    assert parse("x.").has_decimal is False
    assert parse("0.5x.").has_decimal is True


def test_symbol_and_sheet_function_are_stable() -> None:
    assert symbol("x") == sympy.Symbol("x", real=True)
    assert symbol("x").is_real
    assert sheet_function("sigma") == sympy.Function("sigma", real=True)
    assert parse("sigma(x)", CTX).expr == sympy.Function("sigma", real=True)(x)


def test_known_functions() -> None:
    assert {"exp", "log", "ln", "tanh", "sech", "Heaviside", "max", "Piecewise"} <= KNOWN_FUNCTIONS
    assert "diff" not in KNOWN_FUNCTIONS


def test_sheet_function_wins_over_builtin_and_latex_alias() -> None:
    ctx = ParseContext(functions=(SheetFunction("f", ("σ",)),))
    assert parse(r"\sigma(x)", ctx).expr == sheet_function("f")(x)
    two = ParseContext(functions=(SheetFunction("g", (), 2),))
    assert parse("g(x, 2x)", two).expr == sheet_function("g")(x, 2 * x)


def test_any_variables_when_none() -> None:
    ctx = ParseContext(variables=None)
    a, b, c = symbol("a"), symbol("b"), symbol("c")
    assert parse("a*b + c", ctx).expr == a * b + c
    assert parse("a(b+c)", ctx).expr == a * (b + c)
    assert parse("alpha + x1 + x_0", ctx).expr == symbol("alpha") + symbol("x1") + symbol("x_0")
    assert parse(r"\theta + θ", ctx).expr == 2 * symbol("theta")
    assert parse("e + pi", ctx).expr == E + pi
    with pytest.raises(ParseError) as info:
        parse("ab", ctx)
    assert info.value.kind == "unknown_name"
    assert "`a*b`" in info.value.hint


def test_no_variables() -> None:
    ctx = ParseContext(variables=())
    assert parse("1/2 + e", ctx).expr == Rational(1, 2) + E
    with pytest.raises(ParseError) as info:
        parse("x", ctx)
    assert info.value.hint == "this part uses no variables: the answer is a number"


def test_other_variable_names() -> None:
    ctx = ParseContext(variables=("t", "θ"))
    assert parse(r"t \theta + theta", ctx).expr == symbol("t") * symbol("θ") + symbol("θ")
    with pytest.raises(ParseError) as info:
        parse("t + x", ctx)
    assert info.value.hint == "this part uses `t` and `θ`"


def test_division_by_zero_is_left_to_sympy() -> None:
    assert parse("1/0").expr == sympy.zoo


# --- parse_chain ----------------------------------------------------------------------------------------


def test_chain_pieces_and_offsets() -> None:
    text = "= e^-x/(1+e^-x)^2 = sigma(x)(1 - sigma(x))"
    pieces = parse_chain(text, CTX)
    assert [p.expr for p in pieces] == [exp(-x) / (1 + exp(-x)) ** 2, sigma(x) * (1 - sigma(x))]
    assert [p.text for p in pieces] == ["e^-x/(1+e^-x)^2", "sigma(x)(1 - sigma(x))"]
    for p in pieces:
        assert text[p.start:p.end] == p.text


def test_chain_keeps_comparisons_and_bracketed_equals() -> None:
    pieces = parse_chain("x == 1 if x <= 0 else 0 = 0 if x > 0 else 1", CTX)
    assert len(pieces) == 2
    with pytest.raises(ParseError) as info:
        parse_chain("max(x = 1) = 2", CTX)
    assert info.value.offset == 6


def test_chain_latex_align_ampersand() -> None:
    pieces = parse_chain(r"\frac{1}{2} &= 0.5", CTX)
    assert [p.expr for p in pieces] == [Rational(1, 2), Rational(1, 2)]
    assert pieces[1].has_decimal and not pieces[0].has_decimal


@pytest.mark.parametrize(
    ("text", "kind", "offset"),
    [
        ("x = ", "unexpected_end", 4),
        ("x = = x", "unexpected_token", 4),
        ("y = = x", "unknown_name", 0),
        ("=", "empty", 0),
        ("x = y", "unknown_name", 4),
        ("x = (x", "missing_close", 4),
        ("x = 2x + ", "unexpected_end", 9),
        ("x = x^(10^10)", "exponent_too_large", 5),
    ],
)
def test_chain_errors_point_into_the_original_text(text: str, kind: str, offset: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_chain(text, CTX)
    assert (info.value.kind, info.value.offset, info.value.text) == (kind, offset, text)


def test_chain_length_limit() -> None:
    assert len(parse_chain("x = " * 400 + "x", CTX)) == 401
    with pytest.raises(ParseError) as info:
        parse_chain("x" * 10_001, CTX)
    assert info.value.kind == "too_long"


def test_chain_pieces_may_end_with_punctuation() -> None:
    text = "e^-x/(1+e^-x)^2. = 1/(1+e^-x) * e^-x/(1+e^-x), &= σ(x)(1-σ(x))."
    pieces = parse_chain(text, CTX)
    assert [p.expr for p in pieces] == [exp(-x) / (1 + exp(-x)) ** 2,
                                        exp(-x) / (1 + exp(-x)) ** 2, SIGMA_PRIME]
    # `2.` is the number 2 (digits and a point); the comma and the last full stop are punctuation
    assert [p.text for p in pieces] == ["e^-x/(1+e^-x)^2.", "1/(1+e^-x) * e^-x/(1+e^-x)", "σ(x)(1-σ(x))"]
    assert not any(p.has_decimal for p in pieces)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("&= σ(x)(1-σ(x))", [SIGMA_PRIME]),
        ("& = σ(x)(1-σ(x))", [SIGMA_PRIME]),
        ("&= x &= x^2.", [x, x**2]),
        ("= σ(x)(1-σ(x)).", [SIGMA_PRIME]),
        ("= 1 if x = 0 else 0", [Piecewise((1, Eq(x, 0)), (0, True))]),
        ("= 1 if x > 0 else 0 = 1 if x >= 0 else 0",
         [Piecewise((1, x > 0), (0, True)), Piecewise((1, x >= 0), (0, True))]),
        (r"&= \begin{cases} 0 & x<0 \\ \frac12 & x=0 \\ 1 & x>0 \end{cases}.",
         [Piecewise((0, x < 0), (Rational(1, 2), Eq(x, 0)), (1, x > 0))]),
    ],
)
def test_chain_leading_ampersand_equals(text: str, expected: list[sympy.Basic]) -> None:
    assert [p.expr for p in parse_chain(text, CTX)] == expected


@pytest.mark.parametrize(
    ("text", "kind", "offset"),
    [
        ("&=", "empty", 0),
        ("= &= x", "unexpected_token", 3),
        ("& x", "unexpected_token", 0),
    ],
)
def test_chain_ampersand_errors(text: str, kind: str, offset: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_chain(text, CTX)
    assert (info.value.kind, info.value.offset) == (kind, offset)


# --- messages ---------------------------------------------------------------------------------------------


def test_describe_unknown_name() -> None:
    with pytest.raises(ParseError) as info:
        parse("x + y", CTX)
    assert describe_parse_error(info.value) == "unknown name `y` at column 5; this part uses `x`"
    assert str(info.value) == describe_parse_error(info.value)


def test_describe_missing_close() -> None:
    with pytest.raises(ParseError) as info:
        parse("sin(x", CTX)
    assert describe_parse_error(info.value) == "missing `)`: the `(` at column 4 is never closed"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "the answer is empty"),
        ("diff(x)", "`diff` is not allowed: type the derivative itself (column 1)"),
        ("tahn(x)", "unknown function `tahn` at column 1; did you mean `tanh(x)`?"),
        ("sech", "`sech` needs an argument, e.g. `sech(x)` (column 1)"),
        ("x^(10^10)", "the exponent in `^(10^10)` at column 2 is too large"),
        ("x +", "the answer stops too early (column 4); something is missing after `+`"),
        ("x)", "`)` at column 2 has no matching opening bracket"),
        ("x > 0", "the answer at column 1 is a condition, not an expression"),
        ("(x]", "missing `)`: the `(` at column 1 is never closed (found `]` at column 3)"),
        ("max(x)", "`max` takes 2 or more arguments, not 1 (column 1)"),
        ("x @", "unexpected character `@` at column 3"),
        ("x" * 2001, "the answer is too long: 2001 characters, at most 2000"),
    ],
)
def test_describe_sentences(text: str, sentence: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, CTX)
    assert describe_parse_error(info.value).startswith(sentence)


def test_caret_lines() -> None:
    with pytest.raises(ParseError) as info:
        parse("sin(x", CTX)
    assert caret_lines(info.value) == "sin(x\n   ^"
    with pytest.raises(ParseError) as info:
        parse_chain("x = 1\n= y + 1", CTX)
    assert caret_lines(info.value) == "= y + 1\n  ^"
    with pytest.raises(ParseError) as info:
        parse("x +", CTX)
    assert caret_lines(info.value) == "x +\n   ^"
    long = "x + " * 200 + "y"
    with pytest.raises(ParseError) as info:
        parse(long, CTX)
    line, carets = caret_lines(info.value).split("\n")
    assert len(line) <= 102 and line[carets.index("^")] == "y"


def test_invisible_characters_are_shown_by_code() -> None:
    with pytest.raises(ParseError) as info:
        parse("x\x00", CTX)
    assert "U+0000" in describe_parse_error(info.value)
    assert "\x00" not in caret_lines(info.value)


@pytest.mark.parametrize(("word", "meant"), [
    ("one", None), ("three", None), ("two", None),  # words, not typos: `Ne`, `where` would mislead (issue 21)
    ("exo", "exp"), ("sni", "sin"), ("sqr", "sqrt"), ("tahn", "tanh"), ("sigmod", "sigmoid"),
    ("softplsu", "softplus"),
])
def test_did_you_mean_suggests_only_close_names(word: str, meant: str | None) -> None:
    assert closest(word, [*sorted(BUILTINS), "sigma", "sigmoid", "softplus"]) == meant


@pytest.mark.parametrize("text", ["one", "three", "lg", "Nee(x, 1)"])
def test_no_suggestion_of_sympys_relations_or_far_words(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse(text, ParseContext())
    assert "`Ne" not in err.value.hint and "`Le" not in err.value.hint and "where" not in err.value.hint
