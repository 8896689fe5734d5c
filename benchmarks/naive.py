"""The naive baseline, for comparison only (never used by grader/): read the answer with sympy's
`parse_expr` and accept it when `simplify(answer - reference) == 0`.

In good faith: implicit multiplication and `^` are on, `e` is Euler's number and the sheet's
functions (σ, sigma, sigmoid, ReLU) are given to parse_expr, and the reference is the sheet's own
answer text read the same way. Anything parse_expr cannot read is `invalid`. Each answer runs in a
worker process with a hard timeout (grader.batch.pool), so a hostile answer cannot hang the run.

It also gives the labels an independent check: both sides evaluated with sympy's evalf to 50
digits at fixed points (and, for the step, at its kink 0, where the sheet allows any value in
[0, 1] or none), which must agree with the generator's label wherever parse_expr can read the text.
"""

from __future__ import annotations

import time

import sympy
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from grader.batch.pool import Failure, WorkerPool
from grader.sheets.model import ExpressionAnswer, NumberAnswer, Sheet

TRANSFORMS = (*standard_transformations, implicit_multiplication_application, convert_xor)
X = sympy.Symbol("x")
_SIGMA = sympy.Lambda(X, 1 / (1 + sympy.exp(-X)))
LOCALS: dict[str, object] = {
    "x": X, "e": sympy.E, "σ": _SIGMA, "sigma": _SIGMA, "sigmoid": _SIGMA,
    "ReLU": sympy.Lambda(X, sympy.Max(0, X)), "sech": sympy.sech, "Heaviside": sympy.Heaviside,
}
PARTS = ("sigmoid.a", "tanh.a", "relu.a", "relu.b.left", "relu.b.right")  # one expression or number each
POINTS = [sympy.Rational(n, d) for n, d in ((-37, 10), (-6, 5), (-43, 100), (11, 50), (7, 8), (13, 5), (41, 10))]
KINK_PARTS = {"relu.a"}
MEMORY_MB = 2048


def read(text: str) -> sympy.Expr:
    return parse_expr(text, local_dict=dict(LOCALS), transformations=TRANSFORMS)


def naive_verdict(reference: str, text: str, uncached: bool) -> tuple[str, float]:
    """(verdict, CPU seconds) of parse_expr + simplify; uncached: sympy's cache emptied first."""
    if uncached:
        sympy.core.cache.clear_cache()
    ref = read(reference)  # read once per part, as the grader's reference is: not timed
    began = time.process_time()
    try:
        answer = read(text)
    except Exception:  # whatever parse_expr raises: it could not read the text
        return "invalid", time.process_time() - began
    try:
        verdict = "correct" if sympy.simplify(answer - ref) == 0 else "incorrect"
    except Exception:
        verdict = "error"
    return verdict, time.process_time() - began


def numeric_label(address: str, reference: str, text: str) -> str | None:
    """`correct`/`incorrect` by 50-digit evaluation at fixed points, or None if it cannot tell."""
    try:
        answer, ref = read(text), read(reference)
    except Exception:
        return None
    for point in POINTS:
        r, a = _value(ref, point), _value(answer, point)
        if r is None:
            continue
        if a is None or abs(a - r) > sympy.Float(10) ** -40 * (1 + abs(r)):
            return "incorrect"
    if address in KINK_PARTS:
        at_kink = _value(answer, sympy.Integer(0))
        if at_kink is not None and not (0 <= at_kink <= 1):
            return "incorrect"
    return "correct"


def _value(expr: sympy.Expr, point: sympy.Rational) -> sympy.Float | None:
    """The real value at x = point to 50 digits, or None where it is undefined (or not a number)."""
    try:
        value = sympy.sympify(expr).subs(X, point).evalf(50)
    except Exception:
        return None
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_real:
        return None
    return value if isinstance(value, sympy.Float) else sympy.Float(value, 50)


def run(sheet: Sheet, answers: list[tuple[str, str]], timeout: float, uncached: bool = True) -> list[tuple[str, float]]:
    """Per answer: (naive verdict, or `timeout`/`crash`, and CPU seconds; a timeout counts as
    `timeout` seconds, less than it really takes). Warm (uncached=False): one process grades them in turn,
    keeping sympy's cache, unless a timeout kills it."""
    references = {address: _reference(sheet, address) for address, _ in answers}

    def naive(task: tuple[str, str]) -> tuple[str, float]:
        return naive_verdict(references[task[0]], task[1], uncached)

    # one worker: the timings are not disturbed by a second one sharing the cores
    with WorkerPool(naive, jobs=1, deadline=timeout, memory_mb=MEMORY_MB) as pool:
        verdicts = pool.run(answers)
    return [(("timeout" if v.kind == "timeout" else "crash"), timeout) if isinstance(v, Failure) else v
            for v in verdicts]


def labels(sheet: Sheet, answers: list[tuple[str, str]]) -> list[str | None]:
    """Per answer: its label by 50-digit evaluation (numeric_label), or None."""
    references = {address: _reference(sheet, address) for address, _ in answers}

    def label(task: tuple[str, str]) -> str | None:
        return numeric_label(task[0], references[task[0]], task[1])

    with WorkerPool(label, jobs=2, deadline=60.0, memory_mb=MEMORY_MB) as pool:
        return [None if isinstance(found, Failure) else found for found in pool.run(answers)]


def _reference(sheet: Sheet, address: str) -> str:
    expects = sheet.part(address).expects
    if not isinstance(expects, ExpressionAnswer | NumberAnswer):
        raise ValueError(f"{address} has no reference answer")
    return expects.answer.text
