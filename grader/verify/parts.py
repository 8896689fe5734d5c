"""The checks of one sheet part: its reference is the derivative of its function, its known mistakes
are wrong, its numbers agree with a central difference. (Its texts: grader.verify.prose.)"""

from __future__ import annotations

from decimal import Decimal

import sympy

from grader.equivalence import compare, decimal_of, evaluate_at, find_kinks
from grader.parsing import symbol
from grader.sheets import variants
from grader.sheets.model import (
    DerivationAnswer,
    Expression,
    ExpressionAnswer,
    IntervalAnswer,
    NumberAnswer,
    Part,
    Question,
    Sheet,
)
from grader.verify.problems import Problem, at


def check_part(sheet: Sheet, question: Question, part: Part) -> list[Problem]:
    sheet = variants.narrowed(sheet, part.address)  # a question's own `variables:` are what its part is in
    problems: list[Problem] = []
    variables = [symbol(v) for v in sheet.variables]
    reference = _reference(part)
    if part.derivative and reference is not None:
        if question.function is None:
            problems.append(at(part.where, f"`{part.address}` says `derivative: true` but its question has no "
                                           "`function` to differentiate"))
        else:
            problems.extend(check_derivative(sheet, question.function, reference, part))
    e = part.expects
    if isinstance(e, DerivationAnswer):
        d = compare(sheet.expand(e.start.expr), sheet.expand(e.target.expr), variables, mode="both")
        if d.verdict != "equivalent":
            problems.append(at(e.target.where, f"the target of `{part.address}` does not equal its start "
                                                  f"({d.verdict}: {d.detail})"))
    if isinstance(e, IntervalAnswer):
        low, high = (decimal_of(evaluate_at(end, {}, 30)) for end in (e.low, e.high))
        if low is None or high is None or low > high:
            problems.append(at(part.where, f"the interval of `{part.address}` is empty or not made of numbers"))
    for mistake in part.mistakes:
        if isinstance(mistake.answer, str) or reference is None:
            continue
        d = compare(sheet.expand(reference.expr), sheet.expand(mistake.answer.expr), variables,
                    kink_policy=part.kink_policy)
        if d.verdict == "equivalent":
            problems.append(at(mistake.where, f"the mistake `{mistake.answer.text}` equals the answer of "
                                              f"`{part.address}`, so it would never be reached; remove it"))
    return problems


def _reference(part: Part) -> Expression | None:
    """What the part's function differentiates to, as the sheet writes it: the answer, or a derivation's start."""
    e = part.expects
    if isinstance(e, DerivationAnswer):
        return e.start
    return e.answer if isinstance(e, ExpressionAnswer | NumberAnswer) else None


def check_derivative(sheet: Sheet, function: Expression, reference: Expression, part: Part) -> list[Problem]:
    """The reference equals d/dx (or ∂/∂w) of the question's function: symbolically, and by numeric
    differentiation at points on both sides of every kink, the other variables held at fixed values."""
    x = symbol(part.wrt or sheet.variables[0])
    variables = [symbol(v) for v in sheet.variables]
    f = sheet.expand(function.expr)
    ref = sheet.expand(reference.expr)
    problems: list[Problem] = []
    exact = sympy.diff(f, x)
    kinks = [k for k in find_kinks(f, x) if k.is_number]
    if kinks:  # no derivative there (sympy's is one side's): the part's kink policy says what answers may be
        exact = sympy.Piecewise((exact, sympy.And(*(sympy.Ne(x, k) for k in kinks))))
    d = compare(ref, exact, variables, mode="both")
    if d.verdict == "different":
        cex = d.counterexample
        where = f" at {', '.join(f'{k} = {v}' for k, v in cex.point)}: reference {cex.expected}, " \
                f"d/d{x} {cex.got}" if cex else ""
        problems.append(at(reference.where, f"the answer of `{part.address}` is not the derivative of the "
                                            f"question's function with respect to {x}{where}"))
        return problems  # one problem once: the numeric check would say the same again
    elif d.verdict != "equivalent" and len(variables) == 1:
        problems.append(at(reference.where, f"the answer of `{part.address}` is not the derivative of the "
                                            f"question's function ({d.verdict})"))
    for others in _other_values(variables, x):
        fixed, refixed = f.xreplace(others), ref.xreplace(others)
        for point in _numeric_points(fixed, x):
            numeric = _central_difference(fixed, x, point)
            value = decimal_of(evaluate_at(refixed, {x: point}, 30))
            if numeric is None or value is None:
                continue  # undefined there (a kink of the reference, say): nothing to compare
            if abs(numeric - value) > Decimal("1e-12") * max(Decimal(1), abs(value)):
                held = "".join(f", {k} = {v}" for k, v in others.items())
                problems.append(at(reference.where, f"the answer of `{part.address}` disagrees with numeric "
                                                    f"differentiation at {x} = {point}{held}: "
                                                    f"{value:.12g} vs {numeric:.12g}"))
                return problems
    return problems


def _other_values(variables: list[sympy.Symbol], x: sympy.Symbol) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """Values for the variables other than x: a few fixed points, the same every run."""
    others = [v for v in variables if v != x]
    if not others:
        return [{}]
    rows = ("1/2", "-3/2", "2"), ("-1", "3/4", "1/3")
    return [{v: sympy.Rational(row[i % len(row)]) for i, v in enumerate(others)} for row in rows]


def _numeric_points(f: sympy.Basic, x: sympy.Symbol) -> list[sympy.Rational]:
    points = [sympy.Rational(p) for p in ("-3", "-1", "-1/2", "1/3", "1", "5/2")]
    kinks = [k for k in find_kinks(f, x) if isinstance(k, sympy.Rational)]
    for k in kinks:
        points += [k - sympy.Rational(1, 1000), k + sympy.Rational(1, 1000), k - 1, k + 1]
    return sorted(set(points) - set(kinks))  # at a kink there is no derivative to compare with


def _central_difference(f: sympy.Basic, x: sympy.Symbol, point: sympy.Rational) -> Decimal | None:
    h = sympy.Rational(1, 10**12)
    hi, lo = (decimal_of(evaluate_at(f, {x: point + s * h}, 40)) for s in (1, -1))
    if hi is None or lo is None:
        return None
    return (hi - lo) / (2 * Decimal(10) ** -12)
