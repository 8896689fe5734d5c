"""The left-hand side a student writes before an answer: `σ'(x) =`, `dσ/dx =`, `d/dx tanh(x) =`.

A label is read by shape only (never evaluated): a name with a prime, `d/dx` with or without a
function, `dNAME/dx`, or LaTeX `\\frac{d}{dx} NAME(x)` / `\\frac{dNAME}{dx}`. What the name means is
for the caller to check (grader.grading): the label names a function, the answer follows the `=`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.parsing.context import ParseContext
from grader.parsing.names import BUILTINS, greek_key

_NAME = r"(?P<name>\\?[^\W\d]\w*)"
_PRIME = r"(?:'|′|\^\{?\\prime\}?|\\prime)"
_D = r"(?:d|∂|\\partial\b|\\mathrm\{d\}|\\operatorname\{d\})"


def _patterns(var: str) -> list[re.Pattern[str]]:
    arg = rf"(?:\s*(?:\\left)?\(\s*{var}\s*(?:\\right)?\))?"
    applied = rf"(?:{_NAME}(?:{arg}|\s+{var})?|\[\s*{_NAME.replace('name', 'name2')}{arg}\s*\])"
    frac_dx = rf"\\[dt]?frac\s*\{{\s*{_D}\s*\}}\s*\{{\s*{_D}\s*{var}\s*\}}"
    forms = [
        rf"{_NAME}\s*{_PRIME}{arg}",
        rf"{_D}\s*/\s*{_D}\s*{var}(?:\s*{applied})?",
        rf"{_D}\s*{_NAME}?{arg}\s*/\s*{_D}\s*{var}",
        rf"{frac_dx}(?:\s*{applied})?",
        rf"\\[dt]?frac\s*\{{\s*{_D}\s*{_NAME}?{arg}\s*\}}\s*\{{\s*{_D}\s*{var}\s*\}}",
    ]
    return [re.compile(rf"\s*{f}\s*") for f in forms]


@dataclass(frozen=True)
class Label:
    text: str  # the left side as written, e.g. "σ'(x)"
    name: str | None  # the function it names, as written ("σ", "\\sigma", "tanh"), None for plain d/dx
    end: int  # offset just after its `=`


def _equals(text: str) -> list[int]:
    """Offsets of the `=` signs that are not part of `==`, `<=`, `>=`, `!=`."""
    return [i for i, c in enumerate(text)
            if c == "=" and text[i - 1:i] not in ("<", ">", "!", "=") and text[i + 1:i + 2] != "="]


def _first_equals(text: str) -> int:
    """Offset of the first `=` that is not part of `==`, `<=`, `>=`, `!=` (-1 if none)."""
    found = _equals(text)
    return found[0] if found else -1


def _label_of(left: str, variable: str, end: int) -> Label | None:
    left = left[:-1] if left.endswith("&") else left  # LaTeX align: `\sigma'(x) &= ...`
    for pattern in _patterns(re.escape(variable)):
        m = pattern.fullmatch(left)
        if m:
            groups = m.groupdict()
            name = groups.get("name") or groups.get("name2")
            return Label(text=left.strip(), name=name, end=end)
    return None


def trailing_label(text: str, variable: str = "x") -> tuple[int, Label] | None:
    """A label after the last `=` of `text` (a backward derivation's `… = σ'(x)`): the offset of that `=`
    and the label, or None. What follows the `=` is a name of the derivative, never an expression."""
    found = _equals(text)
    if not found:
        return None
    label = _label_of(text[found[-1] + 1:].rstrip(), variable, len(text))
    return None if label is None else (found[-1], label)


def split_label(text: str, variable: str = "x") -> Label | None:
    """The label before the first `=` of `text`, or None when the left side is not a label."""
    at = _first_equals(text)
    if at <= 0 or at > 80:
        return None
    return _label_of(text[:at].rstrip(), variable, at + 1)


def function_key(name: str, ctx: ParseContext) -> str | None:
    """The canonical name of the function a label names (a sheet function or a built-in), else None."""
    key = greek_key(name.lstrip("\\"))
    for f in ctx.functions:
        if key in {greek_key(s) for s in (f.name, *f.aliases)}:
            return f.name
    builtin = BUILTINS.get(key)
    return builtin.canonical if builtin is not None else None
