"""Hostile input: every text comes back as a Parsed or a ParseError, quickly, and is never run as code."""

from __future__ import annotations

import sys
import time

import pytest

from grader.core.errors import ParseError, caret_lines, describe_parse_error
from grader.parsing import ParseContext, Parsed, SheetFunction, parse, parse_chain

CTX = ParseContext(functions=(SheetFunction("sigma", ("sigmoid", "σ")), SheetFunction("ReLU", ("relu",))))
HANG_GUARD = 5.0  # seconds: a guard against hangs (the parser box is 1 s), not a benchmark: CI machines are shared

_SQRT_PRIMES = "*".join(f"sqrt({10**12 - 2 * i - 1})" for i in range(60))

# (text, expected kind, or None when a valid Parsed is fine)
HOSTILE: list[tuple[str, str | None]] = [
    ("9^9^9^9", "number_too_large"),
    ("2^(2^20)", "number_too_large"),
    ("10^10^10", "number_too_large"),
    ("factorial(10^10)", "not_allowed"),
    ("(" * 1000 + "x" + ")" * 1000, "too_long"),
    ("(" * 900 + "x" + ")" * 900, "too_deep"),
    ("x+" * 50_000 + "x", "too_long"),
    ("x" * 100_000, "too_long"),
    ("x^(10^10)", "exponent_too_large"),
    ("(1+e^x)^100000", "exponent_too_large"),
    ("x^200*x^200", "exponent_too_large"),
    ("__import__('os').getcwd()", "not_allowed"),
    ("__import__('os').system('echo pwned')", "not_allowed"),
    ("lambda: 0", "not_allowed"),
    ("().__class__", "unexpected_token"),
    ("().__class__.__bases__[0].__subclasses__()", "unexpected_token"),
    ("x.__class__", "not_allowed"),
    ("exec('1')", "not_allowed"),
    ("eval('1+1')", "not_allowed"),
    ("open('/etc/passwd').read()", "not_allowed"),
    ("Symbol('x')", "not_allowed"),
    ("globals()", "not_allowed"),
    ("[x for x in range(10)]", "not_allowed"),
    ("{'a': 1}", "not_allowed"),
    ("1" * 5000, "too_long"),
    ("1" * 1999, "number_too_large"),
    ("1e999999999", "number_too_large"),
    ("0." + "0" * 50 + "1", "number_too_large"),
    ("x^" * 40 + "x", None),
    ("2^" * 40 + "2", "number_too_large"),
    ("^" * 100, "unexpected_token"),
    ("-" * 500 + "x", "too_deep"),
    ("sigma(" * 500 + "x" + ")" * 500, "too_long"),
    ("sigma(" * 100 + "x" + ")" * 100, "too_deep"),
    ("exp(" * 80 + "x" + ")" * 80, "too_deep"),
    ("sin " * 300 + "x", "too_deep"),
    (r"\frac{" * 500 + "1" + "}{2}" * 500, "too_long"),
    (r"\frac{" * 80 + "1" + "}{2}" * 80, "too_deep"),
    (r"\frac{\frac{\frac{1}{2}", "missing_close"),
    (r"\left( x \right", "missing_close"),
    (r"\begin{cases} 0 & x < 0 \\", "missing_close"),
    (r"\end{cases}", "bad_latex"),
    ("\\", "bad_latex"),
    ("\x00\x01\x02", "unexpected_character"),
    ("x\x00+1", "unexpected_character"),
    ("x\u202e+1", "unexpected_character"),
    ("\u200fx+1", "unexpected_character"),
    ("😀 + x", "unexpected_character"),
    ("x + \ufffd", "unexpected_character"),
    ("((((((((((x", "missing_close"),
    (")))))", "unmatched_close"),
    ("(10^39+7)^(1/3)", "number_too_large"),
    ("sqrt(" + "9" * 39 + ")", "number_too_large"),
    (_SQRT_PRIMES, "number_too_large"),
    ("e^(10^30)", "number_too_large"),
    ("sin(e^(2^100))", "number_too_large"),
    ("|cos(1/sech(2^100))|^(1/3)", "number_too_large"),
    ("2^(pi*10^30)", "number_too_large"),
    ("Abs(asin(e)^x)", "not_allowed"),
    ("tanh(x)" + "*tanh(x)" * 300, "too_long"),
    ("Piecewise(" + ",".join(f"({i}, x < {i})" for i in range(200)) + ")", "too_long"),
    ("Piecewise(" + ",".join(f"(x, x < {i} and x > {i - 1})" for i in range(30)) + ")", None),
    ("1 if x > 0 else " * 300 + "0", "too_long"),
    ("1 if x > 0 else " * 70 + "0", "too_deep"),
    ("1 if (x>0)*x + (x<0)*x > 1 else 0", "bad_condition"),
    ("max(" + ",".join(["x"] * 250) + ")", None),
    ("(x+1)^200 - (x+1)^200", None),
    ("e^(e^(e^(e^(e^x))))", None),
    ("x" + "\u200b" * 1000, None),
    ("$" * 100, "unexpected_character"),
    ("x" + "²" * 100, "number_too_large"),
    ("x" + "⁽" * 100, "too_deep"),
    ("|" * 300, "too_deep"),
    ("{" * 300, "too_deep"),
    ("no" * 50_000, "too_long"),
    ("a" * 1999, "unknown_name"),
]


def _check(text: str, expected: str | None, *, chain: bool = False) -> None:
    began = time.perf_counter()
    try:
        result = parse_chain(text, CTX) if chain else parse(text, CTX)
    except ParseError as err:
        elapsed = time.perf_counter() - began
        assert expected is None or err.kind == expected, (err.kind, err.hint)
        assert 0 <= err.offset <= len(text)
        assert describe_parse_error(err) and caret_lines(err)
    else:
        elapsed = time.perf_counter() - began
        assert expected is None, f"parsed, but {expected} was expected"
        assert isinstance(result, list | Parsed)
    assert elapsed < HANG_GUARD, f"{elapsed:.3f} s"


@pytest.mark.parametrize(("text", "expected"), HOSTILE,
                         ids=[f"{i}:{t[:30]!r}" for i, (t, _) in enumerate(HOSTILE)])
def test_hostile_input(text: str, expected: str | None) -> None:
    _check(text, expected)


def test_hostile_table_is_large() -> None:
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("e^-x/(1+e^-x)^2 = " * 500 + "0", "too_many_tokens"),
        ("x = " * 2400 + "x", "too_many_tokens"),
        ("x = " * 2600 + "x", "too_long"),
        ("x = " * 1000 + "x", None),
        ("= " + "(" * 900 + "x", "too_deep"),
        ("x = " + "x+" * 400 + "x", "too_many_tokens"),
        ("x = __import__('os')", "not_allowed"),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, str) else None,
)
def test_hostile_chain(text: str, expected: str | None) -> None:
    _check(text, expected, chain=True)


def test_text_is_never_run() -> None:
    """Nothing a student types can reach Python: the would-be side effect never happens."""
    marker = "grader_parsing_marker"
    for text in (f"__import__('sys').modules.setdefault('{marker}', 1)",
                 f"setattr(__import__('sys'), '{marker}', 1)",
                 f"exec(\"import sys; sys.{marker} = 1\")"):
        with pytest.raises(ParseError):
            parse(text, CTX)
    assert marker not in sys.modules
    assert not hasattr(sys, marker)


def test_recursion_limit_is_not_needed() -> None:
    """Depth is checked explicitly: a low recursion limit still gives ParseError, not RecursionError."""
    old = sys.getrecursionlimit()
    depth = len(_stack())
    sys.setrecursionlimit(depth + 700)
    try:
        with pytest.raises(ParseError) as info:
            parse("(" * 500 + "x" + ")" * 500, CTX)
        assert info.value.kind == "too_deep"
        assert parse("(" * 55 + "x" + ")" * 55, CTX).expr is not None
    finally:
        sys.setrecursionlimit(old)


def _stack() -> list[object]:
    frame = sys._getframe()
    frames: list[object] = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


def test_own_time_box_gives_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.parsing

    monkeypatch.setattr(grader.parsing, "PARSE_SECONDS", 0.001)
    with pytest.raises(ParseError) as info:
        parse("+".join(f"sin({i}*x+7)*tanh({i}-x)" for i in range(30)), CTX)
    assert info.value.kind == "too_long"
    assert info.value.data["reason"] == "time"


def test_caller_budget_is_left_to_the_caller() -> None:
    from grader.core import limits
    from grader.core.errors import BudgetExceeded

    with pytest.raises(BudgetExceeded), limits.time_limit(0.001):
        parse("+".join(f"sin({i}*x+5)*tanh({i}-x)" for i in range(30)), CTX)
