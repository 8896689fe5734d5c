"""Denesting sqrt(u + v*sqrt(b)) in variables, with a proof for each rewrite.

With u, v, b polynomials over Q, a candidate R = a + c*sqrt(b) comes from u^2 - v^2*b = d^2 and
a^2 = (u ± d)/2, c = v/(2a) (all polynomials). A rewrite is kept only when R^2 - P expands to 0
exactly: then sqrt(P) = |R| wherever P is defined (both need b >= 0, and there P = R^2 >= 0).
|R| becomes R (or -R) when that sign is proved: a >= 0 and c >= 0, or c >= 0 and c^2*b - a^2 >= 0,
each by an exact test for polynomials that are >= 0 on all of R^n.
"""

from __future__ import annotations

import sympy

from grader.core import limits

MAX_OPS = 200  # bigger radicands are left alone: factoring stays cheap
MAX_DEGREE = 40


def _is_root(e: sympy.Basic) -> bool:
    return isinstance(e, sympy.Pow) and isinstance(e.exp, sympy.Rational) and e.exp.q == 2


def _poly(e: sympy.Expr, syms: list[sympy.Symbol]) -> sympy.Poly | None:
    if not e.is_polynomial(*syms):
        return None
    p = sympy.Poly(e, *syms)
    if p.domain not in (sympy.ZZ, sympy.QQ) or p.total_degree() > MAX_DEGREE:
        return None
    return p


def _square_root(p: sympy.Poly) -> sympy.Poly | None:
    """q with q^2 = p (leading coefficient > 0), or None when p is not a square."""
    c, factors = p.factor_list()
    if c < 0 or any(k % 2 for _, k in factors):
        return None
    rc = sympy.sqrt(sympy.Rational(c))
    if not isinstance(rc, sympy.Rational):
        return None
    q = sympy.Poly(rc, *p.gens)
    for f, k in factors:
        q *= f ** (k // 2)
    return q


def nonnegative(p: sympy.Poly) -> bool:
    """p >= 0 at every real point (True only with a proof)."""
    if p.is_zero:
        return True
    if all(all(d % 2 == 0 for d in m) and co > 0 for m, co in p.terms()):
        return True  # a sum of even monomials with positive coefficients
    used = [g for i, g in enumerate(p.gens) if any(m[i] for m in p.monoms())]
    if len(used) != 1:
        return False
    p = sympy.Poly(p.as_expr(), *used)
    c, factors = p.sqf_list()
    sign = c
    for f, k in factors:
        if k % 2:  # an odd factor must keep one sign: no real root (Sturm), then the sign of its LC
            if f.count_roots() != 0:
                return False
            sign *= f.LC()
    return bool(sign > 0)


def _candidate(u: sympy.Poly, v: sympy.Poly, b: sympy.Poly) -> tuple[sympy.Poly, sympy.Poly] | None:
    """(a, c), polynomials with (a + c*sqrt(b))^2 = u + v*sqrt(b), or None."""
    d = _square_root(u**2 - v**2 * b)
    if d is None:
        return None
    for s in (d, -d):
        half = (u + s) * sympy.Rational(1, 2)
        a = _square_root(half)
        if a is None or a.is_zero:
            continue
        c, rem = v.div(a * 2)
        if rem.is_zero and (a**2 + c**2 * b - u).is_zero and (a * c * 2 - v).is_zero:
            return a, c
    return None


def _split(base: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """base = u + v*sqrt(b) with one square root inside, else None."""
    roots = {n for n in sympy.preorder_traversal(base) if _is_root(n) and n is not base}
    if len(roots) != 1:
        return None
    (r,) = roots
    if r.exp != sympy.Rational(1, 2) or any(_is_root(n) for n in sympy.preorder_traversal(r.base) if n is not r):
        return None
    t = sympy.Dummy("t")
    e = sympy.expand(base.xreplace({r: t}))
    if e.has(r) or not e.is_polynomial(t) or sympy.degree(e, t) > 2:
        return None
    pt = sympy.Poly(e, t)
    u = pt.coeff_monomial(1) + pt.coeff_monomial(t**2) * r.base
    return u, pt.coeff_monomial(t), r.base


def _sign_proof(a: sympy.Poly, c: sympy.Poly, b: sympy.Poly) -> str | None:
    """Why a + c*sqrt(b) >= 0 wherever b >= 0, or None."""
    if not nonnegative(c):
        return None
    if nonnegative(a):
        return f"{a.as_expr()} >= 0 and {c.as_expr()} >= 0"
    gap = c**2 * b - a**2
    if nonnegative(gap):
        return f"({c.as_expr()})^2*({b.as_expr()}) - ({a.as_expr()})^2 = {gap.as_expr()} >= 0"
    return None


def denest(e: sympy.Expr) -> tuple[sympy.Expr, list[str]]:
    """e with each provably denestable sqrt(u + v*sqrt(b)) rewritten, and one note per rewrite."""
    found: dict[sympy.Expr, sympy.Expr] = {}
    notes: list[str] = []
    for node in sympy.postorder_traversal(e):
        limits.check()
        if not _is_root(node) or node in found or sympy.count_ops(node.base) > MAX_OPS:
            continue
        parts = _split(node.base)
        if parts is None:
            continue
        syms = sorted(node.free_symbols, key=sympy.default_sort_key)
        polys = [_poly(sympy.expand(p), syms) for p in parts]
        if any(p is None for p in polys) or not syms:
            continue
        u, v, b = (p for p in polys if p is not None)
        if v.is_zero:
            continue
        ac = _candidate(u, v, b)
        if ac is None:
            continue
        a, c = ac
        root = sympy.sqrt(b.as_expr())
        r = a.as_expr() + c.as_expr() * root
        if sympy.expand(r**2 - node.base) != 0:  # the proof of R^2 = P, independent of the algebra above
            continue
        new, why = sympy.Abs(r), "its sign is not proved, so the absolute value is kept"
        for sgn, ap, cp in ((1, a, c), (-1, -a, -c)):
            proof = _sign_proof(ap, cp, b)
            if proof is not None:
                new, why = sgn * r, f"{sgn * r} >= 0 because {proof}"
                break
        found[node] = new ** int(node.exp.p)
        notes.append(f"sqrt({node.base}) = {new}, as ({r})^2 expands to the radicand and {why}")
    return (e.xreplace(found), notes) if found else (e, [])
