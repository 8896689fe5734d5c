"""The final `result` of a solution against the sheet: it must equal the part's reference.

- an expression or number part: the result's last expression equals the part's `answer`
  (`grader.equivalence.compare`, with the part's kink policy); a derivation part: its `target`;
- a group solution (`relu.b`) answers its sub-parts, where that makes sense:
  - a number sub-part whose `ask` shows a limit or derivative (`$\\lim_{h \\to 0^-} ...$`): some step of
    the solution computes that very quantity, and its computation ends in the sub-part's `answer`;
  - a number sub-part with an `interval`: the values the result allows at its single point row
    (`\\text{any value between 0 and 1}` at x = 0) are the interval;
  - a yes/no choice sub-part (is it differentiable there?): `no` exactly when the result's one-sided
    values at that point differ.
Anything else is reported as not checkable, never passed silently.
"""

from __future__ import annotations

import re

import sympy

from grader.core.errors import ParseError
from grader.equivalence import compare
from grader.parsing import AnyBetween, OneOf, Parsed, parse_statement, symbol
from grader.sheets.model import ChoiceAnswer, DerivationAnswer, ExpressionAnswer, IntervalAnswer, NumberAnswer, Part
from grader.verify.claim_equal import named_outside, shown
from grader.verify.claim_math import Unchecked, one_sided_limit, resolve
from grader.verify.problems import Problem
from grader.verify.steps import PartCheck, Piece, locate

_SETS = (AnyBetween, OneOf)
_INLINE_MATH = re.compile(r"(?<!\$)\$([^$]+)\$(?!\$)")


def check_result(pc: PartCheck, final: Piece) -> None:
    address = pc.solution.address
    parts = pc.sheet.parts
    checks = [parts[address]] if address in parts else [p for a, p in parts.items() if a.startswith(address + ".")]
    for part in checks:
        pc.counts.claims += 1
        try:
            _check(pc, part, final, group=part.address != address)
        except Unchecked as err:
            pc.problem(final.math, final.parsed.start, f"the result cannot be compared with `{part.address}`: {err}")


def _check(pc: PartCheck, part: Part, final: Piece, *, group: bool) -> None:
    e = part.expects
    if group and isinstance(e, NumberAnswer):
        _asked_quantity(pc, part, e)
    elif isinstance(e, IntervalAnswer):
        _interval(pc, part, e, final)
    elif group and isinstance(e, ChoiceAnswer) and set(e.choices) == {"yes", "no"}:
        _differentiable(pc, part, e, final)
    elif not group and isinstance(e, ExpressionAnswer | NumberAnswer | DerivationAnswer):
        reference = e.target if isinstance(e, DerivationAnswer) else e.answer
        value = resolve(final.parsed.expr, pc.env)
        if value.has(*_SETS):
            raise Unchecked("it names several values")
        d = compare(pc.sheet.expand(reference.expr), value, pc.env.variables, kink_policy=part.kink_policy)
        if d.verdict != "equivalent" and _is_the_derivative(pc, part, value):
            return  # the solution is right and the sheet's answer is not: that is said once, at the sheet
        if d.verdict != "equivalent":
            what = "target" if part.kind == "derivation" else "answer"
            pc.problem(final.math, final.parsed.start, f"the result `{final.parsed.text}` is not the {what} of "
                       f"`{part.address}`, `{reference.text}` ({d.verdict}: {d.detail})")
    elif group:
        pc.problem(pc.solution.where, 0, f"the solution of `{pc.solution.address}` cannot be checked against "
                   f"`{part.address}` ({part.kind} part)", "give that part its own solution")
    else:  # a choice part's own solution: no maths says "yes"
        how = (f"answer it within a solution of the parts around it, `{part.address.rsplit('.', 1)[0]}:`, which "
               "checks a yes/no part about differentiability against the one-sided values of its result")
        pc.problem(pc.solution.where, 0, f"a worked solution of its own cannot be checked for `{part.address}`: "
                   f"it is a {part.kind} part, and no `result` says its choice", how)


def _is_the_derivative(pc: PartCheck, part: Part, value: sympy.Basic) -> bool:
    """The result is the derivative of its question's function (grader.verify.parts checks the sheet's answer)."""
    question = next((q for q in pc.sheet.questions if any(p.address == part.address for p in q.parts)), None)
    if not part.derivative or question is None or question.function is None or part.kind != "expression":
        return False
    x = symbol(part.wrt or pc.sheet.variables[0])
    exact = sympy.diff(pc.sheet.expand(question.function.expr), x)
    return compare(exact, value, pc.env.variables, mode="both").verdict == "equivalent"


def _asked_quantity(pc: PartCheck, part: Part, expects: NumberAnswer) -> None:
    asked = _ask_quantity(pc, part)
    group = pc.solution.address
    if asked is None:
        pc.problem(pc.solution.where, 0, f"cannot tell which step of `{group}` answers `{part.address}`: its "
                   "`ask` shows no limit or derivative in `$...$` to look for")
        return
    chains = [c for c in pc.chains if len(c) > 1 and c[0].parsed.expr == asked.expr]
    if not chains:
        pc.problem(pc.solution.where, 0, f"no step of `{group}` computes what `{part.address}` asks for, "
                   f"`{asked.text}`", f"add a step `{asked.text} = ...`")
        return
    answer = pc.sheet.expand(expects.answer.expr)
    for chain in chains:
        last = chain[-1]
        d = compare(answer, resolve(last.parsed.expr, pc.env), pc.env.variables)
        if d.verdict != "equivalent" and not pc.problems:  # every step holds: the sheet's answer is the one to edit
            w, (line, col) = expects.answer.where, locate(pc.lines, last.math.where.line, last.math.where.col,
                                                          last.parsed.start)
            pc.problems.append(Problem(w.path, w.line, w.col, f"the answer `{expects.answer.text}` of "
                                       f"`{part.address}` is not what its worked solution computes, "
                                       f"`{last.parsed.text}` ({last.math.where.path}:{line}:{col}, every step holds)"))
        elif d.verdict != "equivalent":
            pc.problem(last.math, last.parsed.start, f"`{last.parsed.text}` ends the computation of what "
                       f"`{part.address}` asks for, but its answer is `{expects.answer.text}`")


def _ask_quantity(pc: PartCheck, part: Part) -> Parsed | None:
    for text in _INLINE_MATH.findall(part.ask):
        try:
            claims = parse_statement(text, pc.ctx())
        except ParseError:
            continue
        if len(claims) == 1 and len(claims[0]) == 1 and \
                claims[0][0].expr.has(sympy.Limit, sympy.Derivative, sympy.Subs):
            return claims[0][0]
    return None


def _point_rows(pc: PartCheck, expr: sympy.Basic) -> tuple[list[tuple[sympy.Basic, sympy.Basic]], sympy.Basic]:
    """The rows of a `cases` result that name several values at one point, and the rest."""
    if not isinstance(expr, sympy.Piecewise):
        raise Unchecked("the result is not a `cases` display with a row for the point")
    x = pc.env.x
    rows, plain = [], []
    for value, cond in expr.args:
        if value.has(*_SETS) and isinstance(cond, sympy.Eq) and x in cond.args:
            rows.append((value, next(a for a in cond.args if a != x)))
        else:
            plain.append((value, cond))
    if len(rows) != 1 or not plain:
        raise Unchecked("the result needs exactly one row `x = a` with several values, and other rows")
    return rows, sympy.Piecewise(*plain)


def _interval(pc: PartCheck, part: Part, expects: IntervalAnswer, final: Piece) -> None:
    low, high = expects.low, expects.high
    rows, _ = _point_rows(pc, resolve(final.parsed.expr, pc.env))
    value, point = rows[0]
    outside = named_outside(value, low, high)
    exact = not isinstance(value, AnyBetween) or tuple(value.args) == (low, high)
    if outside or not exact:
        pc.problem(final.math, final.parsed.start, f"at x = {point} the result allows {shown(value)}, but "
                   f"`{part.address}` accepts the values between {low} and {high}")


def _differentiable(pc: PartCheck, part: Part, expects: ChoiceAnswer, final: Piece) -> None:
    rows, plain = _point_rows(pc, resolve(final.parsed.expr, pc.env))
    point = rows[0][1]
    left, right = (one_sided_limit(plain, pc.env.x, point, side) for side in ("-", "+"))
    expected = "yes" if left == right else "no"
    if expects.choice != expected:
        pc.problem(final.math, final.parsed.start, f"the result's one-sided values at x = {point} are {left} "
                   f"and {right}, so `{part.address}` should be `{expected}`, not `{expects.choice}`")
