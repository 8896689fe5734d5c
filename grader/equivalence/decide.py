"""compare(): decide whether an answer equals a reference as a real function, and say how.

Layers, cheapest first:
  1. identical      - structurally equal sympy trees.
  2. refutation     - exact rational sample points, rigorous interval evaluation with adaptive
                      precision; a difference counts only when the enclosures are disjoint (and
                      stay disjoint at twice the precision).  Jumps of the reference get the kink
                      policy instead of equality.
  3. proof          - rational-function identity over exp/trig/opaque atoms ("exp-rational",
                      "rational", "symbolic"), piece by piece between kinks ("piecewise").
  4. numeric        - agreement to >= 57 digits everywhere and to hundreds of digits at two points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded
from grader.equivalence import fallbacks
from grader.equivalence.comparison import TARGET_BITS, Run
from grader.equivalence.constants import prove_constant
from grader.equivalence.denest import denest
from grader.equivalence.kinks import is_total, kinks_and_completeness
from grader.equivalence.piecewise import has_switches, prove_piecewise
from grader.equivalence.results import Counterexample, Decision, KinkPolicy
from grader.equivalence.squares import prove_by_squares
from grader.equivalence.symbolic import Proof, prove_identity

SYMBOLIC_SECONDS = 0.8
KINK_SECONDS = 0.5
CONSTANT_SECONDS = 1.5  # minimal polynomials of nested radicals
FALLBACK_SECONDS = 1.0  # sympy.simplify, only when nothing cheaper proved it
MIN_AGREE = 5
T = TypeVar("T")


def _with_budget(seconds: float, fn: Callable[[], T], fallback: T) -> T:
    """Run sympy-heavy work under a sub-budget; on its expiry (or a sympy error) use fallback.

    The caller's own budget still wins: if it has run out, BudgetExceeded propagates.
    """
    try:
        with limits.time_limit(seconds):
            return fn()
    except (BudgetExceeded, RecursionError) as exc:
        fallbacks.cut()  # the fallback depends on the moment: do not keep this decision
        if isinstance(exc, BudgetExceeded):
            limits.check()
        return fallback
    except (ValueError, TypeError, AttributeError, NotImplementedError, ZeroDivisionError,
            sympy.PolynomialError, sympy.polys.polyerrors.PolificationFailed):
        return fallback


def _expr(e: object) -> sympy.Expr:
    if isinstance(e, bool):
        raise TypeError("expected a sympy expression, not a bool")
    if isinstance(e, int):
        return sympy.Integer(e)
    if not isinstance(e, sympy.Basic):
        raise TypeError(f"expected a sympy expression, not {type(e).__name__}")
    return e


def _variables(
    ref: sympy.Expr, ans: sympy.Expr, variables: Sequence[sympy.Symbol]
) -> tuple[sympy.Symbol, ...]:
    given = list(dict.fromkeys(variables))
    for v in given:
        if not isinstance(v, sympy.Symbol):
            raise TypeError(f"variables must be sympy Symbols, not {type(v).__name__}")
    extra = sorted((ref.free_symbols | ans.free_symbols) - set(given), key=lambda s: s.name)
    return tuple(given) + tuple(extra)


def _const_bits(*exprs: sympy.Expr) -> int:
    """How small a constant difference could hide in these expressions (10^-600 -> ~2000 bits)."""
    bits = 0
    for e in exprs:
        for r in e.atoms(sympy.Rational):
            bits = max(bits, int(r.p).bit_length(), int(r.q).bit_length())
        for f in e.atoms(sympy.Float):
            bits = max(bits, int(f._prec) + abs(int(f._mpf_[2])))
        for node in e.atoms(sympy.exp, sympy.Pow):
            if isinstance(node, sympy.Pow) and not node.args[0].is_number:
                continue  # (x+1)^6000: a big exponent on a variable base hides no tiny constant
            arg = node.args[0] if isinstance(node, sympy.exp) else node.args[1]
            if arg.is_number and isinstance(arg, (sympy.Rational, sympy.Mul, sympy.Add)):
                try:
                    bits = max(bits, int(1.5 * abs(float(arg))) + 1)  # exp(-1000) is 2^-1443
                except (TypeError, ValueError, OverflowError):
                    bits = max(bits, 20_000)
    return min(bits, 20_000)


def _unlocated_kinks(run: Run) -> bool:
    """Some switch argument's zeros are not all known exactly (they were only searched numerically)."""
    for var in run.variables:
        for expr in (run.ref, run.ans):
            if not kinks_and_completeness(expr, var)[1]:
                return True
    return False


def _different(run: Run, cex: Counterexample, method: str) -> Decision:
    where = ", ".join(f"{n} = {v}" for n, v in cex.point)
    if method == "kink":
        detail = f"at the jump at {where} the answer is {cex.got}, but the kink policy allows {cex.expected}"
    else:
        detail = f"the reference is {cex.expected} but the answer is {cex.got}"
        if where:
            detail = f"at {where} {detail}"
        if cex.note:
            detail += f" ({cex.note})"
    return Decision("different", method, detail, cex, run.points)


def _proof(run: Run) -> Proof:
    first = _proof_of(run, run.ref, run.ans)
    if first.verdict == "equal" or not run.variables:
        return first
    (ref, why_ref), (ans, why_ans) = denest(run.ref), denest(run.ans)
    if not why_ref and not why_ans:
        return first
    # each rewrite is an identity wherever the original is defined: only "equal" carries over
    second = _proof_of(run, ref, ans)
    if second.verdict != "equal":
        return first
    return Proof("equal", second.method, f"denested: {'; '.join(why_ref + why_ans)}; then {second.detail}")


def _proof_of(run: Run, ref: sympy.Expr, ans: sympy.Expr) -> Proof:
    if not ref.free_symbols and not ans.free_symbols:
        return _with_budget(CONSTANT_SECONDS, lambda: prove_constant(ref, ans),
                            Proof("unknown", "symbolic", "no exact proof for this constant within budget"))
    squares = prove_by_squares(ref, ans)  # sqrt(1 - cos(x)^2) and |sin(x)|: no kink needs locating
    if squares.verdict == "equal":
        return squares
    if not has_switches(ref) and not has_switches(ans):
        return prove_identity(ref, ans)
    if len(run.variables) != 1:
        return Proof("unknown", "piecewise", "kinks in several variables are only checked numerically")
    var = run.variables[0]
    return prove_piecewise(ref, ans, var, run.mode, run.point_certified)


def _search_counterexample(run: Run) -> Counterexample | None:
    """The exp-rational procedure says 'different' yet 57 digits agreed: look much deeper."""
    for pt in run.agree[:3]:
        for prec in (2048, 8192, 32768, 65536):
            limits.check()
            cex = run.deep_compare(pt, prec)
            if cex is not None:
                return cex
    return None


def compare(
    reference: sympy.Basic,
    answer: sympy.Basic,
    variables: Sequence[sympy.Symbol],
    *,
    kink_policy: KinkPolicy | None = None,
    mode: Literal["reference", "both"] = "reference",
) -> Decision:
    """Decide whether `answer` equals `reference` as a real function of `variables`.

    mode="reference": the answer must be defined and equal wherever the reference is defined;
    at jumps of the reference the kink policy applies.  mode="both": equal wherever both are
    defined ("unknown" if no sample point has both defined).
    """
    if mode not in ("reference", "both"):
        raise ValueError(f"mode must be 'reference' or 'both', not {mode!r}")
    ref, ans = _expr(reference), _expr(answer)
    policy = kink_policy or KinkPolicy()
    degenerate = ref.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
    if ref == ans and not degenerate and (mode == "both" or policy.kind in ("between", "any")
                                          or not has_switches(ref)):
        return Decision("equivalent", "identical", "the answer is written exactly as the reference")
    variables = _variables(ref, ans, variables)
    try:
        run = Run(ref, ans, variables, mode, policy)
    except Run.Unsupported as exc:
        return Decision("unknown", "unsupported", f"cannot evaluate {exc} numerically")

    at_kink = None  # a wrong value at a jump only: a point where the answer is wrong on a whole interval teaches more
    for sample in run.quick_samples():  # cheap refutation first: most wrong answers fail at 0, 1, -1, ...
        limits.check()
        found = run.check(sample)
        if found is not None and found[1] != "kink":
            return _different(run, *found)
        at_kink = at_kink or found
    if at_kink is not None:
        return _different(run, *at_kink)

    proof = _with_budget(SYMBOLIC_SECONDS, lambda: _proof(run), Proof("unknown", "symbolic", "over budget"))
    run.light = proof.verdict == "equal"
    if run.light and run.agree and not has_switches(ref) and (mode == "both" or is_total(ans)):
        # proved equal wherever both are defined, and the answer is defined everywhere: no
        # definedness or kink-policy question is left for the remaining sample points
        why = "" if mode == "both" else " (the answer is defined everywhere)"
        return Decision("equivalent", proof.method, f"{proof.detail}; {run.summary()}{why}", None, run.points)
    samples = _with_budget(KINK_SECONDS, run.samples, None)
    if samples is None:
        samples = run.plain_samples()
    samples += _with_budget(KINK_SECONDS, lambda: run.numeric_kink_samples(samples), [])
    for sample in samples:
        limits.check()
        found = run.check(sample)
        if found is not None:
            return _different(run, *found)
    min_agree = MIN_AGREE if variables else 1  # a constant has only one point to look at
    if len(run.agree) < min_agree:
        for sample in run.extra_samples():
            limits.check()
            found = run.check(sample)
            if found is not None:
                return _different(run, *found)

    if not run.agree and not run.jumps_ok:
        what = "both are" if mode == "both" else "the reference is"
        return Decision("unknown", "numeric", f"no sample point where {what} defined could be compared",
                        None, run.points)
    checked = f"; {run.summary()}"
    if proof.verdict == "equal":
        return Decision("equivalent", proof.method, proof.detail + checked, None, run.points)
    if proof.verdict == "different":
        cex = _search_counterexample(run)
        if cex is not None:
            return _different(run, cex, proof.method)
        return Decision("different", proof.method, proof.detail + " (but it is below 10^-19000 at every"
                        " sampled point)", None, run.points)

    if len(run.agree) < min_agree:
        return Decision("unknown", "numeric", f"too few comparable points and no symbolic proof{checked}",
                        None, run.points)
    if run.inconclusive_at_kinks:
        return Decision("unknown", "numeric", "agree at every sample point where a value could be told, but"
                        f" not exactly at a kink, and there is no symbolic proof{checked}", None, run.points)
    if _with_budget(KINK_SECONDS, lambda: _unlocated_kinks(run), True):
        return Decision("unknown", "numeric", "agree at every sample point, but some kinks could not be"
                        f" located exactly and there is no symbolic proof{checked}", None, run.points)
    conf_prec = max(1200, 4 * _const_bits(ref, ans) + 400)
    picks = list(dict.fromkeys([len(run.agree) // 2, len(run.agree) - 1]))
    for pt in (run.agree[i] for i in picks):
        cex = run.deep_compare(pt, conf_prec)
        if cex is not None:
            return _different(run, cex, "numeric-refutation")
    digits = int((conf_prec - 100) / 3.33)
    n = len(run.agree)
    evidence = (f"agree to {int(TARGET_BITS / 3.33)} digits at {n} point{'s' if n != 1 else ''} and to"
                f" {digits} digits at {len(picks)} of them")
    if _tame(ref, ans):
        return Decision("equivalent", "numeric", f"{evidence} (no symbolic proof within budget){checked}",
                        None, run.points)
    # Agreement at sample points is evidence, not proof, and constants far outside the sampled
    # scale (a bump of width 1/100, σ(x - 10^4), tanh(500), 1 + 10^-100) can hide a difference
    # from every point. Then only a proof will do: sympy's simplify, or "unknown".
    # simplify knows nothing of kink policies or of where a piecewise answer is undefined
    smooth = not has_switches(ref) and not has_switches(ans)
    if smooth and _with_budget(FALLBACK_SECONDS, lambda: _simplifies_to_zero(ref, ans), False):
        return Decision("equivalent", "symbolic", f"sympy simplifies the difference to 0; {evidence}{checked}",
                        None, run.points)
    return Decision("unknown", "numeric", f"{evidence}, but constants beyond the sampled scale leave room for a"
                    f" difference between the points, and there is no proof{checked}", None, run.points)


TAME = sympy.Rational(64)


def _tame(*exprs: sympy.Expr) -> bool:
    """Every numeric constant lies within the scale the sample points explore: 1/64 <= |c| <= 64,
    with a small numerator and denominator (1 + 10^-100 is not tame)."""
    for e in exprs:
        for c in e.atoms(sympy.Rational):
            if c != 0 and not (1 / TAME <= abs(c) <= TAME and c.q <= 4096):
                return False
    return True


def _simplifies_to_zero(ref: sympy.Expr, ans: sympy.Expr) -> bool:
    """A last, slower attempt at a proof: sympy's simplify on the difference (sound when it gives 0)."""
    diff = ref - ans
    return bool(sympy.simplify(diff) == 0) or bool(sympy.simplify(diff.rewrite(sympy.exp)) == 0)

