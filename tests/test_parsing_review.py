"""Regressions from an adversarial review of the parser: each finding, its accepted forms (with the
exact sympy result) and its refused forms (with kind, place and hint)."""

from __future__ import annotations

import time

import pytest
import sympy
from sympy import Abs, E, Eq, Piecewise, Rational, exp, log, sech

from grader.core.errors import ParseError, caret_lines, describe_parse_error
from grader.grading.grade import grade
from grader.parsing import ParseContext, SheetFunction, parse, parse_chain, sheet_function, symbol
from grader.parsing.build import MAX_ROOT_DENOMINATOR
from grader.sheets.model import Sheet

x = symbol("x")
sigma = sheet_function("sigma")
CTX = ParseContext(functions=(SheetFunction("sigma", ("sigmoid", "σ")), SheetFunction("ReLU", ("relu",))))
NUMBER = ParseContext(variables=())  # a part whose answer is a number (relu.b.left)
FREE = ParseContext(variables=None)  # any short name is a variable
SIGMA_PRIME = sigma(x) * (1 - sigma(x))
STEP = Piecewise((0, x < 0), (1, x > 0))

ACCEPTED: list[tuple[str, sympy.Basic]] = [
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
    (r"\begin{cases} 0 & x<0 \\ 1 & x>0 \end{cases}.", STEP),
    (r"\begin{cases} 0 & x<0 \\ 1 & \text{otherwise} \end{cases}.", Piecewise((0, x < 0), (1, True))),
    (r"\begin{cases} 0 & x<0, \\ 1 & \text{otherwise}. \end{cases}", Piecewise((0, x < 0), (1, True))),
    (r"\begin{cases} 0 & x<0 \\ 1 & x>0. \end{cases}", STEP),
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

REJECTED: list[tuple[str, ParseContext, str, int, str]] = [
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


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted(text: str, expected: sympy.Basic) -> None:
    parsed = parse(text, CTX)
    assert parsed.expr == expected, (parsed.expr, expected)


def test_accepted_free_variables() -> None:
    a, b = symbol("a"), symbol("b")
    assert parse(r"\frac{a}b", FREE).expr == a / b
    assert parse(r"\frac ab", FREE).expr == a / b
    assert parse(r"\frac a{b}", FREE).expr == a / b


@pytest.mark.parametrize(("text", "ctx", "kind", "offset", "hint"), REJECTED,
                         ids=[t for t, *_ in REJECTED])
def test_rejected(text: str, ctx: ParseContext, kind: str, offset: int, hint: str) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError) as info:
        parse(text, ctx)
    assert time.monotonic() - started < 1.0
    err = info.value
    assert (err.kind, err.offset) == (kind, offset), (err.kind, err.offset, err.hint)
    assert hint in err.hint, err.hint
    assert describe_parse_error(err)
    assert "^" in caret_lines(err)


def test_decimal_point_flag_is_unchanged_by_punctuation() -> None:
    assert parse("x.").has_decimal is False
    assert parse("0.5x.").has_decimal is True


# --- parse_chain: punctuation and `&=` per piece ------------------------------------------------------


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


# --- the findings as graded answers ---------------------------------------------------------------------

VERDICTS: list[tuple[str, str, str]] = [
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


@pytest.mark.parametrize(("part", "answer", "status"), VERDICTS)
def test_verdict(sheet: Sheet, part: str, answer: str, status: str) -> None:
    result = grade(sheet, part, answer)
    assert result.status == status, (result.decided_by, result.detail, result.feedback)
    assert result.seconds < 3.5
