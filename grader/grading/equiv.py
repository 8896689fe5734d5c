"""Compare two expressions with the grader's own engine (the `grader equiv` command's library side)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Literal

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded, ParseError, UsageError, caret_lines, describe
from grader.equivalence import compare
from grader.parsing import ParseContext, parse, symbol
from grader.sheets.model import Sheet
from grader.text import pretty as prettyprint

Verdict = Literal["equivalent", "different", "unknown", "invalid"]


@dataclass(frozen=True)
class EquivResult:
    verdict: Verdict
    method: str
    detail: str
    counterexample: dict[str, Any] | None  # {point: {name: value}, a: value, b: value}
    interpreted: tuple[str | None, str | None]
    variables: tuple[str, ...]
    error: str | None = None  # why the input is invalid, with a caret line
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["interpreted"] = list(self.interpreted)
        data["variables"] = list(self.variables)
        data["seconds"] = round(self.seconds, 4)
        return data


def equiv(
    a: str, b: str, *, variables: tuple[str, ...] | None = None, sheet: Sheet | None = None,
    seconds: float = limits.DEFAULT_SECONDS,
) -> EquivResult:
    """Are A and B equal as real functions wherever both are defined?

    With `variables`, only those names may appear (anything else is an error); without, every
    free name that is not a known function or constant is a real variable.
    Raises UsageError for a bad variable list; a bad expression gives verdict `invalid`.
    """
    for name in variables or ():
        if not name.isidentifier():
            raise UsageError(f"`{name}` cannot be a variable name", "use letters, e.g. --var x --var a")
    if sheet is not None:
        ctx = sheet.parse_context(variables=variables)
        if variables is None:
            ctx = ParseContext(variables=None, functions=ctx.functions)
    else:
        ctx = ParseContext(variables=variables)
    began = time.perf_counter()
    shown: list[str | None] = [None, None]
    try:
        with limits.time_limit(seconds):
            exprs = []
            for i, text in enumerate((a, b)):
                try:
                    parsed = parse(text, ctx)
                except ParseError as err:
                    side = "A" if i == 0 else "B"
                    return EquivResult("invalid", "parse", "", None, (shown[0], shown[1]), variables or (),
                                       f"{side}: {describe(err)}\n{caret_lines(err)}",
                                       time.perf_counter() - began)
                shown[i] = prettyprint.text(parsed.expr)
                exprs.append(sheet.expand(parsed.expr) if sheet is not None else parsed.expr)
            found = sorted({s.name for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol)})
            names = tuple(variables) if variables is not None else tuple(found)
            decision = compare(exprs[0], exprs[1], [symbol(n) for n in names], mode="both")
    except BudgetExceeded:
        return EquivResult("unknown", "budget", f"no proof or refutation within {seconds:g} s", None,
                           (shown[0], shown[1]), variables or (), None, time.perf_counter() - began)
    detail = decision.detail
    if decision.method == "identical":  # compare() speaks of an answer and a reference: say what happened here
        detail = _identical_detail(a, b, shown[0])
    c = decision.counterexample
    counter = {"point": dict(c.point), "a": c.expected, "b": c.got} if c else None
    return EquivResult(decision.verdict, decision.method, detail, counter, (shown[0], shown[1]),
                       names, None, time.perf_counter() - began)


def _identical_detail(a: str, b: str, shown: str | None) -> str:
    if "".join(a.split()) == "".join(b.split()):
        return "A and B are the same text"
    # the reader simplifies as it reads (sqrt((x^2+1)^2) is x^2 + 1): the texts differ, the expressions do not
    return f"A and B read as the same expression, {shown}"
