"""Random text: parse returns a Parsed or raises ParseError, nothing else, and in bounded time."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.core.errors import ParseError, caret_lines, describe_parse_error
from grader.parsing import ParseContext, Parsed, SheetFunction, parse, parse_chain

CTX = ParseContext(functions=(SheetFunction("sigma", ("sigmoid", "σ")), SheetFunction("ReLU", ("relu",))))
ANY_NAMES = ParseContext(variables=None)
HANG_GUARD = 5.0  # a hang, not a slow run: the parser boxes itself at PARSE_SECONDS (1 s); a loaded machine adds more

FRAGMENTS = [
    "x", "y", "e", "E", "2", "0.5", "1e-3", "10", "9", "+", "-", "*", "/", "^", "**", "(", ")", "[", "]",
    "{", "}", ",", "|", " ", "  ", "=", "==", "<", ">", "<=", ">=", "!=", "!", ".", "'", "_", "&", "$",
    "sin", "tanh", "sech", "exp", "log", "ln", "sqrt", "abs", "max", "min", "sigma", "sigmoid", "ReLU",
    "Heaviside", "Piecewise", "np.", "math.", "if", "else", "and", "or", "not", "True", "False",
    "σ", "π", "−", "–", "·", "×", "÷", "²", "³", "⁻", "ˣ", "√", "≤", "≥", "≠", "½", "\u00a0", "\u2009",
    "\\frac", "\\dfrac", "\\sqrt", "\\left(", "\\right)", "\\left[", "\\right]", "\\{", "\\}", "\\cdot",
    "\\times", "\\sigma", "\\tanh", "\\operatorname{sech}", "\\mathrm{e}", "\\text{ReLU}", "\\text{if }",
    "\\begin{cases}", "\\end{cases}", "\\\\", "\\,", "\\;", "\\le", "\\ge", "\\pi", "\\exp", "\\ln",
    "\\log_", "\\max", "\\foo", "\\", "\x00", "\u200f", "\u202e", "😀", "е", "diff", "__import__",
    "lambda", "10^10", "9^9^9", "(2^100)", "e^(10^30)",
]

_atoms = st.sampled_from(["x", "2", "0.5", "e", "pi", "σ(x)", "1/3", "10^30", "(2^100)", "-1", "0"])
_funcs = st.sampled_from(["sin", "tanh", "sech", "exp", "log", "sqrt", "abs", "sigma", "atanh", "sign"])


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " "]), inner).map("".join)
    call = st.tuples(_funcs, inner).map(lambda t: f"{t[0]}({t[1]})")
    cond = st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} > 0 else {t[2]})")
    frac = st.tuples(inner, inner).map(lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}")
    return binary | call | cond | frac | inner.map(lambda s: f"|{s}|") | inner.map(lambda s: f"({s})^(1/2)")


EXPRESSIONS = st.recursive(_atoms, _extend, max_leaves=30)
FRAGMENT_TEXT = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)
RANDOM_TEXT = st.text(max_size=80)


def _check(text: str, ctx: ParseContext, *, chain: bool = False) -> None:
    began = time.perf_counter()
    try:
        result = parse_chain(text, ctx) if chain else parse(text, ctx)
    except ParseError as err:
        assert err.text == text
        assert 0 <= err.offset <= len(text)
        assert err.end is None or err.offset <= err.end <= len(text) + 1
        assert describe_parse_error(err)
        assert caret_lines(err).count("\n") == 1
    else:
        pieces = result if isinstance(result, list) else [result]
        for p in pieces:
            assert isinstance(p, Parsed)
            assert 0 <= p.start <= p.end <= len(text)
    assert time.perf_counter() - began < HANG_GUARD


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(FRAGMENT_TEXT)
def test_fragments(text: str) -> None:
    _check(text, CTX)
    _check(text, ANY_NAMES)


@_SETTINGS
@given(RANDOM_TEXT)
def test_random_text(text: str) -> None:
    _check(text, CTX)


@_SETTINGS
@given(st.lists(FRAGMENT_TEXT | RANDOM_TEXT, max_size=4).map(" = ".join))
def test_random_chains(text: str) -> None:
    _check(text, CTX, chain=True)


@_SETTINGS
@given(EXPRESSIONS)
def test_generated_expressions(text: str) -> None:
    _check(text, CTX)
