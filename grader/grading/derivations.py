"""Grading "show that" answers: a chain of expressions, checked line by line.

A chain is correct when its first expression is the derivative under discussion, every step
equals the one before it, it ends in the required form, and it is long enough to be a derivation.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import sympy

from grader.core import limits
from grader.core.errors import ParseError
from grader.equivalence import compare
from grader.grading.findings import Outcome, match_mistake, point_of
from grader.grading.results import Point, Step
from grader.parsing import Parsed, parse_chain, symbol
from grader.sheets.forms import violations
from grader.sheets.model import DerivationAnswer, Part, Sheet

# A first line may name what is being differentiated before its first `=`: σ'(x) =, tanh'(x) =,
# d/dx σ(x) =, \frac{d}{dx}\tanh(x) =. That label is the claim, not a step, so it is set aside.
_LABEL = re.compile(
    r"""^\s*(?:
        [^=\n]{1,24}?'\s*(?:\(\s*x\s*\))?        # σ'(x), tanh'(x), f'
      | d\s*/\s*dx[^=\n]{0,40}                   # d/dx tanh(x)
      | \\frac\s*\{\s*d\s*\}\s*\{\s*dx\s*\}[^=\n]{0,60}   # \frac{d}{dx} ...
    )\s*=(?!=)""",
    re.VERBOSE,
)


def split_lines(answer: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; a derivative label before the first `=` is dropped."""
    lines = [(i + 1, text) for i, text in enumerate(answer.splitlines()) if text.strip()]
    if lines:
        number, first = lines[0]
        label = _LABEL.match(first)
        if label:
            rest = first[label.end():]
            lines[0] = (number, " " * label.end() + rest)  # keep columns for carets
    return lines


def read_chain(sheet: Sheet, answer: str) -> list[tuple[int, Parsed]]:
    if len(answer) > limits.MAX_DERIVATION_CHARS:
        raise ParseError("too_long", answer, limits.MAX_DERIVATION_CHARS, len(answer),
                         data={"limit": limits.MAX_DERIVATION_CHARS, "length": len(answer)})
    ctx = sheet.parse_context()
    pieces: list[tuple[int, Parsed]] = []
    for number, text in split_lines(answer):
        try:
            pieces.extend((number, p) for p in parse_chain(text, ctx))
        except ParseError as err:
            err.data["line"] = number
            raise
    return pieces


def grade_derivation(sheet: Sheet, part: Part, expects: DerivationAnswer, answer: str) -> Outcome:
    pieces = read_chain(sheet, answer)
    variables = [symbol(v) for v in sheet.variables]
    shown = sympy.Tuple(*(p.expr for _, p in pieces)) if pieces else None
    if len(pieces) < expects.min_lines:
        return _too_short(expects, len(pieces), shown)
    steps: list[Step] = []
    expanded = [sheet.expand(p.expr) for _, p in pieces]
    first = compare(sheet.expand(expects.start.expr), expanded[0], variables)
    first_point = point_of(first.counterexample) if first.counterexample else None
    steps.append(_step(pieces[0], first.verdict == "equivalent", first.method, first_point))
    if first.verdict != "equivalent":
        words = "Your first line is not the derivative this part is about."
        if first_point:
            words += f" At {first_point.where()} the derivative is {first_point.expected}, " \
                     f"but line {pieces[0][0]} gives {first_point.got}."
        return Outcome("incorrect", 0.0, words, first.method, first.detail, shown, first_point,
                       steps=tuple(steps))
    per_line = Counter(number for number, _ in pieces)
    rule = expects.final_form
    if rule is not None and not violations(rule, pieces[0][1].expr, pieces[0][1].has_decimal, sheet.variables):
        words = ("Your first line is already the result to show. Start from the derivative as you found "
                 "it (for example in part (a)) and transform it, step by step, into the required form.")
        return Outcome("incorrect", 0.0, words, "derivation", "", shown, steps=tuple(steps))
    # A line written exactly like the one before it is not a step (sympy may still put two
    # different lines in the same canonical form, so compare what was written).
    written = [" ".join(p.text.split()) for _, p in pieces]
    distinct = 1 + sum(1 for a, b in pairwise(written) if a != b)
    if distinct < expects.min_lines:
        return _too_short(expects, distinct, shown)
    for i in range(1, len(pieces)):
        d = compare(expanded[i - 1], expanded[i], variables)
        point = point_of(d.counterexample) if d.counterexample else None
        steps.append(_step(pieces[i], d.verdict == "equivalent", d.method, point))
        if d.verdict != "equivalent":
            words = _step_failure(_label(pieces[i - 1], per_line), _label(pieces[i], per_line), point)
            mistake = match_mistake(sheet, part.mistakes, expanded[i], variables)
            if mistake is not None:
                words += f" {mistake.message}"
            return Outcome("incorrect", 0.0, words, d.method, d.detail, shown, point,
                           mistake.message if mistake else None, steps=tuple(steps))
    last = pieces[-1][1]
    outside = violations(rule, last.expr, last.has_decimal, sheet.variables) if rule else []
    if rule is not None and outside:
        words = (f"Every step follows, but the last line is not in the required form: it uses "
                 f"{', '.join(outside)}. {rule.message}").strip()
        return Outcome("incorrect", rule.score, words, "form", "", shown, steps=tuple(steps))
    end = compare(sheet.expand(expects.target.expr), expanded[-1], variables)
    if end.verdict != "equivalent":  # cannot happen when start == target; kept for sheets where it may
        return Outcome("incorrect", 0.0, "Every step follows, but the chain does not end at the required result.",
                       end.method, end.detail, shown, steps=tuple(steps))
    return Outcome("correct", 1.0, "Correct: every step follows and the chain ends in the required form. "
                   + part.correct_feedback, "derivation",
                   f"{len(pieces)} expressions, {len(pieces) - 1} steps checked", shown, steps=tuple(steps))


def _too_short(expects: DerivationAnswer, count: int, shown: sympy.Basic | None) -> Outcome:
    return Outcome(
        "incorrect", 0.0,
        f"Not a derivation yet: it has {count} different expression(s); show at least {expects.min_lines}, "
        "one step per line, starting from the derivative and ending in the required form. "
        "A chain that only states the result proves nothing.",
        "derivation", parsed=shown,
    )


def _step(piece: tuple[int, Parsed], ok: bool, method: str, point: Point | None) -> Step:
    number, parsed = piece
    return Step(number, parsed.text.strip(), sympy.sstr(parsed.expr), ok, method, point)


def _step_failure(a: str, b: str, point: Point | None) -> str:
    words = f"{b[0].upper()}{b[1:]} does not follow from {a}"
    if point is None:
        return words + "."
    return f"{words}: at {point.where()}, {a} = {point.expected}, {b} = {point.got}."


def _label(piece: tuple[int, Parsed], per_line: Counter[int]) -> str:
    """`line 3`, or `` `σ(x)^2` (line 3) `` when line 3 holds several steps."""
    number, parsed = piece
    return f"line {number}" if per_line[number] == 1 else f"`{parsed.text.strip()}` (line {number})"
