"""The parser: every notation students use, each with the exact sympy object it must give."""

from __future__ import annotations

import pytest
import sympy
from sympy import Abs, E, Heaviside, Integer, Max, Min, Piecewise, Rational, exp, log, pi, sqrt

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

x = symbol("x")
sigma = sheet_function("sigma")
relu = sheet_function("ReLU")
CTX = ParseContext(functions=(SheetFunction("sigma", ("sigmoid", "σ")), SheetFunction("ReLU", ("relu",))))
step = Piecewise((1, x > 0), (0, True))

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
    ("tanh x^2", sympy.tanh(x**2)),
    ("sin 2x^2", sympy.sin(2 * x**2)),
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
    ("x, y", "unexpected_token", 1, "commas only separate"),  # `x,` alone: a closing comma (review 4)
    ("1 if x = 0", "unexpected_end", 10, "needs `else`"),  # `=` compares in a condition (review 3)
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


# --- Parsed data ------------------------------------------------------------------------------------


def test_parsed_fields() -> None:
    parsed = parse("  0.25 x ", CTX)
    assert parsed == Parsed(expr=x / 4, text="  0.25 x ", start=0, end=9, has_decimal=True)
    assert parse("x/4").has_decimal is False
    assert parse("1e-3").has_decimal is True
    assert parse("5.").has_decimal is False  # a full stop after a number is not a decimal


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
