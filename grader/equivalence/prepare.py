"""Work done once per reference (or known mistake) rather than once per answer: compile it and
evaluate it at the sample points every comparison with it uses (the first points, the points
around its own kinks, its one-sided limits at them), at the precisions comparisons ask for. All of
it is cached already when a comparison computes it (compile_expr, the reference values of
grader.equivalence.comparison), so comparisons made afterwards find it there; nothing else changes."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded
from grader.equivalence.comparison import LIGHT_PREC, START_PREC, Run
from grader.equivalence.results import KinkPolicy

PRIME_SECONDS = 2.0  # a head start for later comparisons is not worth more


def prime(expr: sympy.Basic, variables: Sequence[sympy.Symbol]) -> None:
    """Compile `expr` and evaluate it where every comparison with it starts."""
    if not isinstance(expr, sympy.Expr):
        return
    names = tuple(dict.fromkeys(variables)) + tuple(sorted(expr.free_symbols - set(variables), key=str))
    try:
        with limits.time_limit(PRIME_SECONDS):
            _evaluate(Run(expr, expr, names, "reference", KinkPolicy()))
    except (Run.Unsupported, BudgetExceeded, ArithmeticError, ValueError, TypeError, RecursionError):
        return  # only a head start is lost: comparisons compute what they need, as before


def _evaluate(run: Run) -> None:
    samples = run.quick_samples()
    if len(run.variables) == 1:
        samples += run.samples()  # as for an answer with no kinks of its own
    for values in dict.fromkeys(sample.values for sample in samples):
        point = dict(zip(run.variables, values, strict=True))
        for prec in (START_PREC, LIGHT_PREC):  # LIGHT_PREC: the points checked after a proof
            run.ref_once(point, prec)
        for var in run.kink_directions(point):
            run.ref_limit(point, var, -1)
            run.ref_limit(point, var, 1)
