"""What a worked-solution claim means, as a function of the sheet's variable.

Helper names (`u`, `N`, `D`) are replaced by their definitions and sheet functions (σ, ReLU) by their
bodies; then derivatives are computed with sympy.diff (undefined at the kinks of what is
differentiated), a derivative at a kink becomes the set of its subgradients, and one-sided limits
are taken by sympy.limit on the branch of every piecewise part on the side approached, confirmed by
evaluating close to the point on that side. Equality is then decided by `grader.equivalence.compare`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded
from grader.equivalence import decimal_of, evaluate_at
from grader.equivalence.kinks import kinks_and_completeness
from grader.parsing import sheet_function, symbol
from grader.sheets.model import Sheet

LIMIT_SECONDS = 5.0
_CLOSE = (20, 40)  # a limit is confirmed at distances 10^-20 and 10^-40 from its point


class Unchecked(Exception):
    """A claim that cannot be evaluated; the message says why (it becomes a Problem)."""


class Subgradients(sympy.Function):  # type: ignore[misc]
    """f'(a) at a kink a of f: every value between the one-sided derivatives (never evaluated)."""

    nargs = 2


@dataclass(frozen=True)
class Env:
    """What names mean in one part's solution."""

    sheet: Sheet
    x: sympy.Symbol
    helpers: tuple[tuple[str, sympy.Expr | None], ...] = ()  # name -> definition in x (None: broken)

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        """The sheet's variables, the one helpers depend on first."""
        return (self.x, *(symbol(v) for v in self.sheet.variables if symbol(v) != self.x))

    def with_helper(self, name: str, body: sympy.Expr | None) -> Env:
        rest = tuple(h for h in self.helpers if h[0] != name)
        return Env(self.sheet, self.x, (*rest, (name, body)))


def resolve(expr: sympy.Basic, env: Env) -> sympy.Basic:
    """expr with helpers and sheet functions replaced, derivatives and limits computed."""
    return evaluate(substitute(expr, env))


def substitute(expr: sympy.Basic, env: Env) -> sympy.Basic:
    for name, body in reversed(env.helpers):
        f = sheet_function(name)
        if expr.has(f):
            if body is None:
                raise Unchecked(f"it uses `{name}`, whose definition could not be read")
            _one_meaning(name, body, expr.atoms(f), env)
            expr = expr.replace(f, sympy.Lambda(env.x, body))
    return env.sheet.expand(expr)


def _one_meaning(name: str, body: sympy.Expr, uses: set[sympy.Basic], env: Env) -> None:
    """A helper is a function of the first variable only when the others do not occur in its body: else
    `u(w)` would put w for the first variable and keep the other w, a meaning that depends on the order of
    `variables:` (the parser writes such helpers bare; this keeps a slip from becoming a wrong verdict)."""
    others = sorted(str(v) for v in body.free_symbols & set(env.variables[1:]))
    if others and any(use.args != (env.x,) for use in uses):
        raise Unchecked(f"`{name}` depends on {', '.join(others)} besides {env.x}: write it without an argument")


def evaluate(e: sympy.Basic) -> sympy.Basic:
    limits.check()
    if isinstance(e, sympy.Subs) and isinstance(e.expr, sympy.Derivative) and len(e.variables) == 1 \
            and e.expr.variables == (e.variables[0],) * len(e.expr.variables):
        t = e.variables[0]
        return derivative_at(evaluate(e.expr.expr), t, len(e.expr.variables), evaluate(e.point[0]))
    if isinstance(e, sympy.Derivative):
        inner = evaluate(e.expr)
        for var, count in e.variable_count:
            inner = differentiate(inner, var, int(count))
        return inner
    if isinstance(e, sympy.Subs):
        inner = evaluate(e.expr)
        return inner.subs(dict(zip(e.variables, [evaluate(p) for p in e.point], strict=True)))
    if isinstance(e, sympy.Limit):
        body, var, point, direction = e.args
        return one_sided_limit(evaluate(body), var, evaluate(point), str(direction))
    if not e.args:
        return e
    return e.func(*[evaluate(a) for a in e.args])


# --- derivatives --------------------------------------------------------------------------------------


def _kinks(f: sympy.Basic, var: sympy.Symbol) -> list[sympy.Expr]:
    found, complete = kinks_and_completeness(f, var)
    if not complete:
        raise Unchecked(f"the points where `{f}` changes form could not all be located")
    return [k for k in found if k.is_number]


def differentiate(f: sympy.Basic, var: sympy.Symbol, order: int = 1) -> sympy.Basic:
    """d^order f / d var^order, left undefined at the kinks of f (sympy would give one side's value)."""
    d = f
    for _ in range(order):
        d = sympy.diff(d, var)
    if d.has(sympy.Derivative, sympy.DiracDelta, sympy.Subs):
        raise Unchecked(f"the derivative of `{f}` could not be computed")
    kinks = _kinks(f, var)
    if kinks:
        d = sympy.Piecewise((d, sympy.And(*[sympy.Ne(var, k) for k in kinks])))
    return d


def derivative_at(f: sympy.Basic, t: sympy.Symbol, order: int, point: sympy.Basic) -> sympy.Basic:
    """f^(order)(point); at a kink of f (first derivative only) the set of subgradients, or the one
    value when both one-sided derivatives agree."""
    value = differentiate(f, t, order).subs(t, point)
    if not point.is_number or not _undefined(value):
        return value
    if order != 1 or point not in _kinks(f, t):
        raise Unchecked(f"the derivative is not defined at {point}")
    h = sympy.Dummy("h", real=True)
    quotient = (f.subs(t, point + h) - f.subs(t, point)) / h
    left, right = (one_sided_limit(quotient, h, sympy.Integer(0), side) for side in ("-", "+"))
    if left == right:
        return left
    return Subgradients(sympy.Min(left, right), sympy.Max(left, right))


def _undefined(value: sympy.Basic) -> bool:
    return bool(value.has(sympy.nan, sympy.zoo) or isinstance(value, sympy.Piecewise))


# --- limits -------------------------------------------------------------------------------------------


def one_sided_limit(body: sympy.Basic, var: sympy.Symbol, point: sympy.Basic, side: str) -> sympy.Basic:
    if side == "+-":
        left, right = (one_sided_limit(body, var, point, s) for s in ("-", "+"))
        if left != right:
            raise Unchecked(f"the limit at {point} does not exist: {left} from the left, {right} from the right")
        return left
    if not point.is_number:
        raise Unchecked("a limit must approach a number")
    branch = branch_near(body, var, point, side)
    try:
        with limits.time_limit(LIMIT_SECONDS):
            value = sympy.limit(branch, var, point, dir=side)
    except BudgetExceeded:
        limits.check()
        raise Unchecked(f"sympy.limit took longer than {LIMIT_SECONDS:g} s") from None
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as err:
        raise Unchecked(f"sympy.limit failed ({type(err).__name__})") from None
    if value.has(sympy.Limit, sympy.AccumBounds, sympy.oo, sympy.zoo, sympy.nan, -sympy.oo):
        raise Unchecked(f"the limit is not a finite value (sympy: {value})")
    _confirm(body, var, point, side, value)
    return value


def branch_near(expr: sympy.Basic, var: sympy.Symbol, point: sympy.Basic, side: str) -> sympy.Basic:
    """expr with every piecewise part in var replaced by its piece just left (side "-") or right of point."""
    if not expr.has(sympy.Piecewise):
        return expr
    if isinstance(expr, sympy.Piecewise) and expr.has(var):
        others = [k for k in _kinks(expr, var) if k != point]
        delta = min([sympy.Integer(1), *(abs(k - point) for k in others)]) / 2
        probe = point - delta if side == "-" else point + delta
        for value, cond in expr.args:
            truth = cond.subs(var, probe)
            if truth not in (sympy.true, sympy.false):
                raise Unchecked(f"cannot tell which piece of `{expr}` applies near {point}")
            if truth is sympy.true:
                return branch_near(value, var, point, side)
        raise Unchecked(f"`{expr}` is not defined just {'left' if side == '-' else 'right'} of {point}")
    return expr.func(*[branch_near(a, var, point, side) for a in expr.args])


def _confirm(body: sympy.Basic, var: sympy.Symbol, point: sympy.Basic, side: str, value: sympy.Basic) -> None:
    """The values of body at point ∓ 10^-20 and ∓ 10^-40 must be within 10^-6 of the limit sympy found
    (other variables at 1/3): sympy.limit alone is not trusted (it gets piecewise limits wrong)."""
    others = {s: sympy.Rational(1, 3) for s in body.free_symbols - {var}}
    target = decimal_of(evaluate_at(value.subs(others), {}, 30))
    sign = -1 if side == "-" else 1
    seen = 0
    for k in _CLOSE:
        got = decimal_of(evaluate_at(body, {**others, var: point + sign * sympy.Rational(1, 10**k)}, 30))
        if got is None or target is None:
            continue
        seen += 1
        if abs(got - target) > Decimal("1e-6") * max(Decimal(1), abs(target)):
            raise Unchecked(f"sympy gives the limit {value}, but at {var} = {point}{'-' if sign < 0 else '+'}"
                            f"10^-{k} the expression is {got:.6g}")
    if not seen:
        raise Unchecked(f"the expression under the limit cannot be evaluated close to {point}")


