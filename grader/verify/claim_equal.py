"""Is one link `A = B` of a worked-solution claim true? Decided by the grader's own engine.

Plain values: `grader.equivalence.compare(A, B, [x], mode="both")` must say "equivalent" (equal
wherever both sides are defined), both restricted to the step's condition ("For $x < 0$:") if any.
Sets of values (author text; grader.parsing.author_notation): `\\text{any value between 0 and 1}` is the
interval [0, 1], `0 \\text{or sometimes} 1` the values 0 and 1, and f'(a) at a kink of f the interval
between its one-sided derivatives (its subgradients). A claim that such values are f'(a) holds when
every value named lies in that interval; a `cases` row `x = a` is such a claim at a.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from grader.equivalence import compare
from grader.parsing import AnyBetween, OneOf
from grader.verify.claim_math import Env, Subgradients, Unchecked, branch_near, resolve

_SETS = (AnyBetween, OneOf, Subgradients)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str  # why not (or, when ok, how it was decided)
    undecided: bool = False  # not ok because the engine could not decide


def claim_equal(a: sympy.Basic, b: sympy.Basic, env: Env, domain: sympy.Basic | None = None) -> Verdict:
    """Raises Unchecked when the claim cannot be evaluated."""
    ra, rb = resolve(a, env), resolve(b, env)
    if ra.has(*_SETS) or rb.has(*_SETS):
        return _with_sets(a, b, ra, rb, env, domain)
    verdict = functions_equal(ra, rb, env, domain)
    if verdict.ok and isinstance(a, sympy.Limit) and isinstance(b, sympy.Limit):
        return _limit_bodies(a, b, env)
    return verdict


def functions_equal(ra: sympy.Basic, rb: sympy.Basic, env: Env, domain: sympy.Basic | None = None,
                    variables: tuple[sympy.Symbol, ...] = ()) -> Verdict:
    allowed = {*env.variables, *variables}
    extra = sorted(str(s) for s in (ra.free_symbols | rb.free_symbols) - allowed)
    if extra:
        raise Unchecked(f"it depends on {', '.join(extra)}, which is not a variable of the sheet")
    if domain is not None:
        ra, rb = sympy.Piecewise((ra, domain)), sympy.Piecewise((rb, domain))
    free = ra.free_symbols | rb.free_symbols
    d = compare(ra, rb, [v for v in (*env.variables, *variables) if v in free] or [env.x], mode="both")
    if d.verdict == "equivalent":
        return Verdict(True, d.method)
    cex = d.counterexample
    if d.verdict == "different" and cex is not None:
        where = ", ".join(f"{n} = {v}" for n, v in cex.point) if ra.free_symbols | rb.free_symbols else ""
        return Verdict(False, f"{'at ' + where + ' ' if where else ''}the left side is {cex.expected} and the "
                              f"right side is {cex.got}")
    if d.verdict == "different":
        return Verdict(False, f"they differ: {d.detail}")
    return Verdict(False, f"equality could not be decided: {d.detail}", undecided=True)


def _limit_bodies(a: sympy.Basic, b: sympy.Basic, env: Env) -> Verdict:
    """Two equal limits of the same kind: their expressions must also agree on the side approached
    (within 1 of the point); when that cannot be decided, the equal values suffice."""
    (fa, var, pa, da), (fb, vb, pb, db) = a.args, b.args
    side = str(da)
    if (var, pa, side) != (vb, pb, str(db)) or side == "+-":
        return Verdict(True, "limits")
    try:
        point = resolve(pa, env)
        near = [branch_near(resolve(f, env), var, point, side) for f in (fa, fb)]
        where = sympy.And(var < point, var > point - 1) if side == "-" else sympy.And(var > point, var < point + 1)
        verdict = functions_equal(near[0], near[1], env, where, (var,))
    except Unchecked:
        return Verdict(True, "limits")
    if verdict.ok or verdict.undecided:
        return Verdict(True, "limits")
    return Verdict(False, f"the limits agree, but the expressions under them differ just "
                          f"{'left' if side == '-' else 'right'} of {point}: {verdict.detail}")


# --- sets of values -----------------------------------------------------------------------------------


def _with_sets(a: sympy.Basic, b: sympy.Basic, ra: sympy.Basic, rb: sympy.Basic, env: Env,
               domain: sympy.Basic | None) -> Verdict:
    if isinstance(rb, sympy.Piecewise) and rb.has(*_SETS):
        return _rows(a, ra, rb, env, domain)
    if isinstance(ra, sympy.Piecewise) and ra.has(*_SETS):
        return _rows(b, rb, ra, env, domain)
    return values_within(ra, rb)


def _rows(exact_raw: sympy.Basic, exact: sympy.Basic, rows: sympy.Piecewise, env: Env,
          domain: sympy.Basic | None) -> Verdict:
    """`f = cases(...)` where some rows give sets of values at single points."""
    x = env.x
    plain = [(v, c) for v, c in rows.args if not v.has(*_SETS)]
    if plain:
        verdict = functions_equal(exact, sympy.Piecewise(*plain), env, domain)
        if not verdict.ok:
            return verdict
    for value, cond in rows.args:
        if not value.has(*_SETS):
            continue
        if not (isinstance(cond, sympy.Eq) and x in cond.args and
                all(a.is_number for a in cond.args if a != x)):
            raise Unchecked(f"a row with several values must hold at one point (`{x} = ...`), not `{cond}`")
        point = next(a for a in cond.args if a != x)
        if domain is not None and domain.subs(x, point) is sympy.false:
            continue
        verdict = values_within(resolve(exact_raw.subs(x, point), env), value.subs(x, point))
        if not verdict.ok:
            return Verdict(False, f"at {x} = {point}: {verdict.detail}")
    return Verdict(True, "values")


def _interval(v: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    return (v.args[0], v.args[1]) if isinstance(v, AnyBetween | Subgradients) else (v, v)


def _named(v: sympy.Basic) -> list[tuple[sympy.Basic, sympy.Basic]]:
    """The values (as intervals) a side names."""
    if isinstance(v, OneOf):
        return [iv for a in v.args for iv in _named(a)]
    if isinstance(v, AnyBetween) or (v.is_number and not v.has(*_SETS)):
        return [_interval(v)]
    raise Unchecked(f"`{v}` mixes sets of values with arithmetic")


def shown(v: sympy.Basic) -> str:
    """A set of values as an author reads it: `[0, 1]`, `0 or 1`."""
    if isinstance(v, AnyBetween | Subgradients):
        return f"[{v.args[0]}, {v.args[1]}]"
    if isinstance(v, OneOf):
        return " or ".join(shown(a) for a in v.args)
    return str(v)


def named_outside(named: sympy.Basic, low: sympy.Basic, high: sympy.Basic) -> list[str]:
    """The values (or intervals) `named` gives that do not lie in [low, high]."""
    out = []
    for lo, hi in _named(named):
        inside = [(lo - low).is_nonnegative, (high - hi).is_nonnegative]
        if None in inside:
            raise Unchecked(f"cannot compare {lo}..{hi} with [{low}, {high}]")
        if not all(inside):
            out.append(f"{lo}" if lo == hi else f"[{lo}, {hi}]")
    return out


def values_within(ra: sympy.Basic, rb: sympy.Basic) -> Verdict:
    """One side is what the function gives (a number, or Subgradients at a kink); every value the other
    side names must lie in it."""
    exact, named = (ra, rb) if isinstance(ra, Subgradients) or not ra.has(*_SETS) else (rb, ra)
    if exact.has(AnyBetween, OneOf) or not (exact.is_number or isinstance(exact, Subgradients)):
        raise Unchecked("both sides name sets of values; one side must be what the function gives")
    low, high = _interval(exact)
    outside = named_outside(named, low, high)
    if not outside:
        return Verdict(True, "subgradient" if isinstance(exact, Subgradients) else "values")
    if isinstance(exact, Subgradients):
        return Verdict(False, f"{', '.join(outside)} not allowed: the subgradients (between the one-sided "
                              f"derivatives) are [{low}, {high}]")
    return Verdict(False, f"{', '.join(outside)} not allowed: the value is {low}")
