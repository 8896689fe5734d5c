"""Author notation of worked solutions (grader.parsing.author_notation): what it means, how claims with it are
evaluated (grader.verify.claim_math, grader.verify.claim_equal), and that students still cannot use it."""

from __future__ import annotations

import pytest
import sympy

from grader.core.errors import ParseError
from grader.parsing import (
    AnyBetween,
    OneOf,
    ParseContext,
    SheetFunction,
    parse,
    parse_chain,
    parse_condition,
    parse_statement,
    sheet_function,
    symbol,
)
from grader.sheets.files import load
from grader.verify.claim_equal import claim_equal
from grader.verify.claim_math import Env, Subgradients, Unchecked, derivative_at, one_sided_limit, resolve

x, h = symbol("x"), symbol("h")
FUNCTIONS = (SheetFunction("sigma", ("σ",)), SheetFunction("ReLU"))
HELPERS = (SheetFunction("u", (), 1, bare=True), SheetFunction("N", (), 1, bare=True),
           SheetFunction("D", (), 1, bare=True))
STUDENT = ParseContext(variables=("x",), functions=FUNCTIONS + HELPERS)
AUTHOR = ParseContext(variables=("x",), functions=FUNCTIONS + HELPERS, author=True)
SHEET = load("activation-derivatives")
u, N, D, sigma, relu = (sheet_function(n) for n in ("u", "N", "D", "sigma", "ReLU"))


def claims(text: str) -> list[list[sympy.Basic]]:
    return [[p.expr for p in claim] for claim in parse_statement(text, AUTHOR)]


UNEVALUATED = [
    "\\frac{d}{dx}\\sigma(x)", "\\frac{du}{dx}", "du/dx", "d/dx(x^2)", "\\sigma'(x)", "\\text{ReLU}'(0)", "N'D",
    "\\lim_{h \\to 0^-} \\frac{h}{h}", "\\text{any value between 0 and 1}", "0 \\text{ or sometimes } 1",
]
AUTHOR_ONLY = [*UNEVALUATED, "u^{-1}", "\\boxed{x}"]  # `x = 0` in a cases row is fine for students too


@pytest.mark.parametrize("text", AUTHOR_ONLY)
def test_students_still_cannot_use_author_notation(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text, STUDENT)
    with pytest.raises(ParseError):
        parse_chain(f"x = {text}", STUDENT)
    with pytest.raises(ParseError):
        parse_statement(f"x = {text}", STUDENT)


@pytest.mark.parametrize("text", UNEVALUATED)
def test_sheet_expressions_refuse_unevaluated_notation(text: str) -> None:
    """Sheets parse with author=True too, but an answer must be an expression to evaluate."""
    with pytest.raises(ParseError) as err:
        parse(text, AUTHOR)
    assert "belong in worked solutions" in err.value.hint


def test_derivatives() -> None:
    assert claims("\\frac{d}{dx}\\sigma(x) = \\frac{d}{dx}(u^{-1}) = -u^{-2} \\cdot \\frac{du}{dx}") == [[
        sympy.Derivative(sigma(x), x), sympy.Derivative(1 / u(x), x), -sympy.Derivative(u(x), x) / u(x) ** 2]]
    assert claims("\\sigma'(x) = \\tanh'(x)") == [[sympy.Derivative(sigma(x), x),
                                                    sympy.Derivative(sympy.tanh(x), x)]]
    [[quotient, rule]] = claims("\\frac{d}{dx} \\left(\\frac{N}{D} \\right) = \\frac{N'D - ND'}{D^2}")
    assert quotient == sympy.Derivative(N(x) / D(x), x)
    assert rule == (sympy.Derivative(N(x), x) * D(x) - N(x) * sympy.Derivative(D(x), x)) / D(x) ** 2
    assert claims("du/dx = d/dx (e^{-x})") == [[sympy.Derivative(u(x), x), sympy.Derivative(sympy.exp(-x), x)]]
    [[at_zero, _]] = claims("\\text{ReLU}'(0) = 0")
    assert isinstance(at_zero, sympy.Subs) and at_zero.point == (0,)


def test_statements_split_into_claims() -> None:
    assert claims("u(x) = 1 + e^{-x} \\quad \\Rightarrow \\quad \\sigma(x) = u(x)^{-1}") == [
        [u(x), 1 + sympy.exp(-x)], [sigma(x), 1 / u(x)]]
    assert claims("N(x) = e^x - e^{-x}, \\quad D(x) = e^x + e^{-x}.") == [
        [N(x), sympy.exp(x) - sympy.exp(-x)], [D(x), sympy.exp(x) + sympy.exp(-x)]]
    assert claims("\\boxed{\\sigma'(x) = \\sigma(x)}") == [[sympy.Derivative(sigma(x), x), sigma(x)]]


def test_limits_words_and_cases() -> None:
    [[limit, zero]] = claims("\\lim_{h \\rightarrow 0^-} \\frac{\\text{ReLU}(0+h) - \\text{ReLU}(0)}{h} = 0")
    assert limit == sympy.Limit((relu(h) - relu(0)) / h, h, 0, dir="-") and zero == 0
    assert claims("\\lim_{h \\to 0^{+}} h = \\lim_{h \\to 0} h")[0][1].args[3] == sympy.Symbol("+-")
    assert claims("y = 0 \\text{ or sometimes } 1".replace("y", "x"))[0][1] == OneOf(0, 1)
    [[_, cases]] = claims("x = \\begin{cases} 0, & x < 0, \\\\ \\text{(any value between 0 and 1)}, & x = 0 "
                          "\\text{ (subgradient)}, \\\\ 1, & x > 0. \\end{cases}")
    assert cases == sympy.Piecewise((0, x < 0), (AnyBetween(0, 1), sympy.Eq(x, 0)), (1, x > 0))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("\\frac{d}{dx} x e^x", "ambiguous"),
        ("\\lim_{h \\to 0} h x", "ambiguous"),
        ("N^2(x)", "write the power after the argument"),
        ("x = \\text{roughly one} 1", "these words cannot be checked"),
        ("x = \\text{roughly} 1", "is not LaTeX the grader reads"),
        ("\\frac{d}{dy} x", "differentiate with respect to the sheet's variable"),
        ("\\lim_{h} h", "write a limit as"),
        ("x = 9^{9^{9^9}}", ""),
        ("\\boxed{x = 1", "missing"),
    ],
)
def test_author_mistakes_are_located_parse_errors(text: str, words: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_statement(text, AUTHOR)
    assert words in err.value.hint + str(err.value)


def test_only_runs_of_helper_names_are_split() -> None:
    assert claims("ND = xN") == [[N(x) * D(x), x * N(x)]]
    with pytest.raises(ParseError, match="unknown name `xx`"):
        parse_statement("xx = x", AUTHOR)
    with pytest.raises(ParseError, match="unknown name `xx`"):
        parse("xx", ParseContext(variables=("x",), author=True))


def test_conditions() -> None:
    assert parse_condition("x \\neq 0", AUTHOR) == sympy.Ne(x, 0)
    assert parse_condition("x < 0", AUTHOR) == (x < 0)


# --- evaluation ----------------------------------------------------------------------------------------


def test_one_sided_limits_do_not_trust_sympy_with_piecewise() -> None:
    quotient = (SHEET.expand(relu(h)) - SHEET.expand(relu(0))) / h
    assert sympy.limit(quotient, h, 0, "-") == 1  # sympy's answer is wrong: the left limit is 0
    assert one_sided_limit(quotient, h, sympy.Integer(0), "-") == 0
    assert one_sided_limit(quotient, h, sympy.Integer(0), "+") == 1
    with pytest.raises(Unchecked, match="does not exist"):
        one_sided_limit(quotient, h, sympy.Integer(0), "+-")
    with pytest.raises(Unchecked, match="not a finite value"):
        one_sided_limit(1 / h, h, sympy.Integer(0), "+")


def test_derivatives_at_kinks_are_subgradients() -> None:
    f = SHEET.expand(relu(x))
    assert derivative_at(f, x, 1, sympy.Integer(0)) == Subgradients(0, 1)
    assert derivative_at(f, x, 1, sympy.Integer(2)) == 1
    env = Env(SHEET, x)
    slope = resolve(sympy.Derivative(relu(x), x), env)
    assert slope.subs(x, 0) is sympy.nan  # not differentiable at 0: no value silently taken from one side
    assert slope.subs(x, -1) == 0 and slope.subs(x, 1) == 1


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("\\text{ReLU}'(0) = 0 \\text{ or sometimes } 1", True),
        ("\\text{ReLU}'(0) = \\text{any value between 0 and 1}", True),
        ("\\text{ReLU}'(0) = \\frac{1}{2}", True),
        ("\\text{ReLU}'(0) = 0 \\text{ or sometimes } 2", False),
        ("\\text{ReLU}'(0) = \\text{any value between -1 and 1}", False),
        ("\\sigma'(0) = \\frac{1}{4}", True),
        ("\\sigma'(0) = \\text{any value between 0 and 1}", False),
        ("\\frac{d}{dx} \\sigma(x) = \\sigma(x)(1 - \\sigma(x))", True),
        ("\\sigma'(x) = \\sigma(x)(1 + \\sigma(x))", False),
        ("\\lim_{h \\to 0^+} \\frac{\\text{ReLU}(h)}{h} = \\lim_{h \\to 0^+} \\frac{h}{h}", True),
        ("\\lim_{h \\to 0^+} \\frac{\\text{ReLU}(h)}{h} = \\lim_{h \\to 0^+} \\frac{h + h^2}{h}", False),
    ],
)
def test_claims(claim: str, ok: bool) -> None:
    [[a, b]] = parse_statement(claim, AUTHOR)
    assert claim_equal(a.expr, b.expr, Env(SHEET, x)).ok is ok


def test_helpers_are_substituted_and_a_condition_restricts_a_claim() -> None:
    env = Env(SHEET, x).with_helper("u", 1 + sympy.exp(-x))
    [[a, b, c]] = parse_statement("\\frac{du}{dx} = 0 + \\frac{d}{dx}(e^{-x}) = -e^{-x}", AUTHOR)
    assert claim_equal(a.expr, b.expr, env).ok and claim_equal(b.expr, c.expr, env).ok
    [[relu_x, zero]] = parse_statement("\\text{ReLU}(x) = 0", AUTHOR)
    assert not claim_equal(relu_x.expr, zero.expr, env).ok
    assert claim_equal(relu_x.expr, zero.expr, env, x < 0).ok
    with pytest.raises(Unchecked, match="whose definition could not be read"):
        resolve(N(x), Env(SHEET, x).with_helper("N", None))
