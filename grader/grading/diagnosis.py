"""Which rule went wrong in a wrong derivative: said only when it is proven.

For a derivative part whose question has a `function:`, grader.grading.malrules generates the answers
one broken rule gives (the bug library), once per part. A wrong answer is diagnosed when it is
proven equal (grader.equivalence.compare, the standard of a verdict) to one of them: values at fixed
exact points pick the candidates worth a proof, the proof decides. An answer no candidate explains
keeps its counterexample; an author's written `mistakes:` are matched before this.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from grader.core import caches, limits
from grader.core.errors import BudgetExceeded
from grader.equivalence import compare
from grader.grading.labels import question_of
from grader.grading.malrules import Candidate, candidates, derivative, sign_slips
from grader.grading.wrong_answers import values
from grader.parsing import symbol
from grader.sheets.model import Definition, ExpressionAnswer, Part, Sheet, expand_definitions

DIAGNOSIS_SECONDS = 0.5  # matching one answer: a convenience on top of the verdict, never at its cost
VERDICT_RESERVE = 0.5
MAX_STEP_SLIPS = 12
BUILD_SECONDS = 1.0  # building a part's library, once (grade.prepare does it before any answer)
_FAILURES = (ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, MemoryError)


@dataclass(frozen=True)
class Library:
    """A part's candidates, expanded as answers are, with their values at the fixed points."""

    candidates: tuple[Candidate, ...]
    expanded: tuple[sympy.Basic, ...]
    values: tuple[tuple[str, ...], ...]


Scope = tuple[tuple[str, sympy.Expr], ...]
Key = tuple[sympy.Basic, sympy.Basic | None, str, tuple[str, ...], tuple[Definition, ...], Scope]
_built: dict[Key, Library] = {}
caches.register("grading.malrule_library", _built)


def key_of(sheet: Sheet, part: Part) -> Key | None:
    """What a part's library depends on, or None when it has none (not a derivative, no function)."""
    question = question_of(sheet, part)
    if not part.derivative or question is None or question.function is None or not sheet.variables:
        return None
    answer = part.expects.answer.expr if isinstance(part.expects, ExpressionAnswer) else None
    return (question.function.expr, answer, part.wrt or sheet.variables[0], sheet.variables, sheet.definitions,
            sheet.scope)


def library(sheet: Sheet, part: Part, seconds: float = BUILD_SECONDS) -> Library | None:
    """The part's bug library, built once; None when it has none or it cannot be built in `seconds`."""
    key = key_of(sheet, part)
    if key is None:
        return None
    if key not in _built:
        try:
            with limits.time_limit(seconds):
                _built[key] = _build(*key)
        except (BudgetExceeded, *_FAILURES):
            return None  # not kept: a later answer, with more time, may build it
    return _built[key]


def _build(function: sympy.Basic, answer: sympy.Basic | None, wrt: str, variables: tuple[str, ...],
           definitions: tuple[Definition, ...], scope: Scope) -> Library:
    defs = {d.name: (tuple(symbol(p) for p in d.params), d.body.expr) for d in definitions}
    x, symbols = symbol(wrt), [symbol(v) for v in variables]
    names = {symbol(name): value for name, value in scope}

    def expanded(e: sympy.Basic) -> sympy.Basic:
        return expand_definitions(e, definitions).xreplace(names)

    right = expanded(derivative(function, x, defs))
    right_values = values(right, symbols)
    kept: list[tuple[Candidate, sympy.Basic, tuple[str, ...]]] = []
    slips = sign_slips(answer) if answer is not None else []
    for c in [*candidates(function, x, tuple(symbols), defs), *slips]:
        e = expanded(c.expr)
        try:
            found = values(e, symbols)
        except _FAILURES:
            continue
        if found == right_values and compare(right, e, symbols).verdict == "equivalent":
            continue  # one broken rule that still gives the right answer says nothing
        kept.append((c, e, found))
    return Library(tuple(k[0] for k in kept), tuple(k[1] for k in kept), tuple(k[2] for k in kept))


def diagnose(sheet: Sheet, part: Part, given: sympy.Basic, variables: list[sympy.Symbol]) -> str | None:
    """The sentence naming the broken rule(s) the answer is proven to follow, or None."""
    left = limits.remaining()
    key = key_of(sheet, part)
    if key is None:
        return None
    need = DIAGNOSIS_SECONDS + (0 if key in _built else BUILD_SECONDS)
    if left is not None and left < need + VERDICT_RESERVE:  # what grading does after this keeps its time
        return None
    lib = library(sheet, part)
    if lib is None or not lib.candidates:
        return None
    try:
        with limits.time_limit(DIAGNOSIS_SECONDS):
            first = values(given, variables, 1)  # most wrong answers part from every candidate at once
            pool = [k for k in zip(lib.candidates, lib.expanded, lib.values, strict=True) if k[2][:1] == first]
            mine = values(given, variables) if pool else ()
            matched = [c for c, e, v in pool if v == mine and _proven(e, given, variables, part, v)]
    except (BudgetExceeded, *_FAILURES):
        return None
    return words(matched)


def step_slip(before: sympy.Basic, given: sympy.Basic, sheet: Sheet, variables: list[sympy.Symbol]) -> str | None:
    """A wrong derivation step that is the line before with the sign of one term flipped, proven; else None."""
    left = limits.remaining()
    if left is not None and left < DIAGNOSIS_SECONDS + VERDICT_RESERVE:
        return None
    try:
        with limits.time_limit(DIAGNOSIS_SECONDS):
            mine = values(given, variables)
            matched = []
            for c in sign_slips(before, step=True)[:MAX_STEP_SLIPS]:
                e = sheet.expand(c.expr)
                if values(e, variables) == mine and compare(e, given, variables).verdict == "equivalent":
                    matched.append(c)
    except (BudgetExceeded, *_FAILURES):
        return None
    return words(matched)


def _proven(candidate: sympy.Basic, given: sympy.Basic, variables: list[sympy.Symbol], part: Part,
            found: tuple[str, ...]) -> bool:
    """Equal as functions, under the part's kink policy; for piecewise ones, equal on every piece (the kinks
    aside: there the verdict applied the part's policy) and defined at all the fixed points."""
    if compare(candidate, given, variables, kink_policy=part.kink_policy).verdict == "equivalent":
        return True
    piecewise = candidate.has(sympy.Piecewise) or given.has(sympy.Piecewise)
    return piecewise and "undefined" not in found and \
        compare(candidate, given, variables, mode="both").verdict == "equivalent"


def words(matched: list[Candidate]) -> str | None:
    """One sentence for one slip; for several slips that give the same answer, each, honestly."""
    said = list(dict.fromkeys(c.words for c in matched))
    if not said:
        return None
    if len(said) == 1:
        return said[0]
    return "Several slips give exactly your answer. " + " Or: ".join(said[:3])


__all__ = ["Library", "diagnose", "key_of", "library", "step_slip", "words"]
