"""Syntax tree -> sympy, refusing anything whose size would make sympy slow.

Checks happen before each sympy constructor runs (powers of numbers are estimated with
logarithms) and on each result (coefficients, combined exponents), so no integer above
MAX_INT_BITS and no exponent above MAX_EXPONENT (MAX_SUM_EXPONENT on a sum) on a non-constant base is ever built.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import sympy
from sympy.core.relational import Relational
from sympy.logic.boolalg import Boolean

from grader.core import limits
from grader.core.errors import ParseError, ParseErrorKind
from grader.core.limits import MAX_DEPTH, MAX_EXPONENT, MAX_INT_BITS, MAX_SUM_EXPONENT
from grader.parsing import author_notation
from grader.parsing.approx import Approx, estimate, is_complex, magnitude
from grader.parsing.common import fail
from grader.parsing.context import sheet_function, symbol
from grader.parsing.nodes import (
    Abs,
    Bool,
    Call,
    Choice,
    Compare,
    Cond,
    Const,
    Diff,
    Lim,
    Logic,
    Neg,
    Node,
    Num,
    Pow,
    Prod,
    Root,
    Sum,
    Var,
)

# Piecewise conditions with more relations than this inside And/Or are not simplified by sympy.
_COMPOUND_LIMIT = 8
# sympy factors the base of a fractional power (and merges sqrt(a)*sqrt(b)): keep such bases small.
ROOT_BASE_LIMIT = 10**12
# The largest denominator of a fractional exponent (x^(1/1000) is fine): the checker raises a
# power with exponent p/q to the q-th power to decide it, so 2^(1/10^12) would build 2^(10^12).
MAX_ROOT_DENOMINATOR = 1000
# Values that are not finite numbers: sympy folds 1/zoo to 0, log(2)/log(0) to 0 and atan(zoo) to
# AccumBounds(-pi/2, pi/2) (an interval, which counts as folding it away).
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)

_ONE_ARG: dict[str, Callable[[sympy.Expr], sympy.Basic]] = {
    "exp": sympy.exp, "abs": sympy.Abs, "sign": sympy.sign, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot, "asin": sympy.asin,
    "acos": sympy.acos, "atan": sympy.atan, "acot": sympy.acot, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "sech": sympy.sech, "csch": sympy.csch, "coth": sympy.coth, "asinh": sympy.asinh,
    "acosh": sympy.acosh, "atanh": sympy.atanh, "acoth": sympy.acoth, "erf": sympy.erf,
}
_RELATIONS: dict[str, Callable[[sympy.Expr, sympy.Expr], sympy.Basic]] = {
    "<": sympy.Lt, ">": sympy.Gt, "<=": sympy.Le, ">=": sympy.Ge, "==": sympy.Eq, "!=": sympy.Ne,
}
_SYMPY_ERRORS = (TypeError, ValueError, ArithmeticError, NotImplementedError, AttributeError)


def is_condition(v: sympy.Basic) -> bool:
    """Relations, And/Or/Not, true/false; not a Symbol (which sympy also counts as Boolean)."""
    return isinstance(v, Boolean) and not isinstance(v, sympy.Expr)


def _bits(n: int) -> int:
    """floor(log2 |n|), 0 for 0 and ±1: the size of an integer as the limits count it."""
    return max(abs(n).bit_length() - 1, 0)


def _too_big_for_root(r: sympy.Rational) -> bool:
    return bool(abs(r.p) > ROOT_BASE_LIMIT or r.q > ROOT_BASE_LIMIT)


class Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.approx: dict[int, Approx] = {}  # id(node) -> rough value of a constant node
        self.level = 0
        self.undefined: Node | None = None  # the first node built whose value is not finite (1/0)

    def top(self, node: Node) -> sympy.Basic:
        out = self.build(node)
        if is_condition(out):
            raise fail("bad_condition", self.text, node.start, node.end, reason="answer",
                       hint="for a step write `1 if x > 0 else 0`")
        return out

    # --- the two kinds of value ----------------------------------------------------------------

    def value(self, node: Node) -> sympy.Expr:
        """A number-valued expression; a condition counts as 1 or 0, as in Python and numpy."""
        out = self.build(node)
        if is_condition(out):
            return sympy.Piecewise((sympy.Integer(1), out), (sympy.Integer(0), True))
        assert isinstance(out, sympy.Expr)
        return out

    def condition(self, node: Node) -> Boolean:
        out = self.build(node)
        if not is_condition(out):
            raise fail("bad_condition", self.text, node.start, node.end,
                       hint="a condition compares, e.g. `x > 0`")
        assert isinstance(out, Boolean)
        return out

    def build(self, node: Node) -> sympy.Basic:
        limits.check()
        # Operators count as nesting too: sympy's cost per level grows with the depth of what is
        # below it (sqrt(1+sqrt(1+...)) re-evaluates every inner radical).
        step = 2 if isinstance(node, Call) else 1  # a call is a bracket and an operation
        self.level += step
        if self.level > MAX_DEPTH:
            raise fail("too_deep", self.text, node.start, node.end, found="", limit=MAX_DEPTH,
                       hint=f"at most {MAX_DEPTH} levels of nested operations")
        undefined_before = self.undefined
        try:
            out = self._build(node)
        finally:
            self.level -= step
        self.check_defined(out, node, undefined_before)
        self.check(out, node)
        value = estimate(node, out, self.approx)
        size = magnitude(value)
        if size is not None and size > MAX_INT_BITS:
            about = f"about 2^{size}" if size < 10**6 else "far larger than that"
            raise fail("number_too_large", self.text, node.start, node.end, limit=MAX_INT_BITS,
                       hint=f"numbers may be at most 2^{MAX_INT_BITS}; this one is {about}")
        if is_complex(value):  # sympy's real-number machinery stalls on these (Abs, Max, powers)
            raise fail("not_allowed", self.text, node.start, node.end,
                       hint=f"`{self.text[node.start:node.end].strip()}` is not a real number")
        self.approx[id(node)] = value
        return out

    def _build(self, node: Node) -> sympy.Basic:
        match node:
            case Num(value=v):
                return sympy.Rational(v.numerator, v.denominator)
            case Const(name=name):
                return sympy.E if name == "E" else sympy.pi
            case Var(name=name):
                return symbol(name)
            case Bool(value=v):
                return sympy.true if v else sympy.false
            case Neg(arg=arg):
                return -self.value(arg)
            case Sum(terms=terms):
                return sympy.Add(*[-self.value(t) if minus else self.value(t) for minus, t in terms])
            case Prod():
                return self.product(node)
            case Pow(base=base, exp=exp):
                return self.power(self.value(base), self.value(exp), node)
            case Call():
                return self.call(node)
            case Compare():
                return self.compare(node)
            case Logic(op=op, args=args):
                conds = [self.condition(a) for a in args]
                return self.guard(node, "bad_condition", lambda: {
                    "and": sympy.And, "or": sympy.Or, "not": sympy.Not}[op](*conds))
            case Cond(pairs=pairs):
                return self.piecewise([(self.value(v), self.condition(c)) for v, c in pairs], node)
            case Abs(arg=arg):
                return sympy.Abs(self.value(arg))
            case Diff() | Lim() | Choice():
                return author_notation.build(self, node)
            case Root(arg=arg, index=index):
                exponent = sympy.Rational(1, 2) if index is None else \
                    self.power(self.value(index), sympy.Integer(-1), node)
                return self.power(self.value(arg), exponent, node)
        raise AssertionError(f"unknown node {type(node).__name__}")

    def check_defined(self, out: sympy.Basic, node: Node, undefined_before: Node | None) -> None:
        """A zoo or nan below may stay visible (1/0 is graded as it is), but never be folded away:
        sympy makes 1/(1/0) 0, 0^(1/0)... nan and (1/0)^0 1, which would grade as a number."""
        if out.has(*_UNDEFINED):
            if self.undefined is None:
                self.undefined = node
            return
        if self.undefined is not undefined_before and self.undefined is not None:
            bad = self.undefined
            raise fail("not_allowed", self.text, bad.start, bad.end,
                       hint=f"`{self.text[bad.start:bad.end].strip()}` has no value (a division by zero, "
                       "a logarithm of 0 or the like), so the expression around it has none either")

    def guard(self, node: Node, kind: ParseErrorKind, make: Callable[[], sympy.Basic]) -> sympy.Basic:
        try:
            return make()
        except _SYMPY_ERRORS as err:
            raise fail(kind, self.text, node.start, node.end,
                       hint="this cannot be evaluated"
                       + (f" ({err})" if len(str(err)) < 60 else "")) from None

    # --- arithmetic with size checks ------------------------------------------------------------

    def product(self, node: Prod) -> sympy.Basic:
        values = []
        for divide, f in node.factors:
            v = self.value(f)
            values.append(self.power(v, sympy.Integer(-1), f) if divide else v)
        # sympy merges sqrt(a)*sqrt(b) into sqrt(a*b) and factors it: multiply radicals one by one.
        radicals = [v for v in values if _has_radical(v)]
        others = [v for v in values if not _has_radical(v)]
        acc: sympy.Expr = sympy.Integer(1)
        for v in radicals:
            acc = sympy.Mul(acc, v)
            self.check(acc, node)
        return sympy.Mul(*others, acc)

    def power(self, base: sympy.Expr, exp: sympy.Expr, node: Node) -> sympy.Expr:
        start = node.op_start if isinstance(node, Pow) else node.start
        if isinstance(exp, sympy.Rational) and exp.q > MAX_ROOT_DENOMINATOR and base is not sympy.E:
            raise _root_too_fine(self.text, start, node.end)  # e^(1/10^12) is exp(1/10^12), no root
        if isinstance(exp, sympy.Rational):
            if isinstance(base, sympy.Rational):
                if not exp.is_Integer and _too_big_for_root(base):
                    raise fail("number_too_large", self.text, node.start, node.end,
                               hint="fractional powers of numbers above 10^12 are not supported")
                if max(_bits(base.p), _bits(base.q)) * abs(exp.p) > MAX_INT_BITS * exp.q:
                    raise fail("number_too_large", self.text, node.start, node.end, limit=MAX_INT_BITS,
                               hint=f"numbers may have at most {MAX_INT_BITS} bits (about "
                               f"{int(MAX_INT_BITS * 0.30103)} digits)")
            elif base is not sympy.E:
                if abs(exp) > _max_exponent(base):
                    raise _exponent_too_large(self.text, start, node.end, base)
                coeff = base.as_coeff_Mul()[0]
                if isinstance(coeff, sympy.Rational) and \
                        max(_bits(coeff.p), _bits(coeff.q)) * abs(exp.p) > MAX_INT_BITS * exp.q:
                    raise fail("number_too_large", self.text, node.start, node.end, limit=MAX_INT_BITS)
                if not exp.is_Integer and any(
                        isinstance(a, sympy.Rational) and _too_big_for_root(a)
                        for a in sympy.preorder_traversal(base)):
                    raise fail("number_too_large", self.text, node.start, node.end,
                               hint="fractional powers of numbers above 10^12 are not supported")
        out = self.guard(node, "not_allowed", lambda: sympy.Pow(base, exp))
        assert isinstance(out, sympy.Expr)
        return out

    def check(self, out: sympy.Basic, node: Node) -> None:
        """Sizes of what sympy folded: coefficients, and exponents merged by multiplication."""
        parts = [out, *out.args] if isinstance(out, sympy.Add | sympy.Mul) else [out]
        for part in parts:
            coeff = part.args[0] if isinstance(part, sympy.Mul) else part
            if isinstance(coeff, sympy.Rational) and max(_bits(coeff.p), _bits(coeff.q)) > MAX_INT_BITS:
                raise fail("number_too_large", self.text, node.start, node.end, limit=MAX_INT_BITS,
                           hint=f"numbers may have at most {MAX_INT_BITS} bits (about "
                           f"{int(MAX_INT_BITS * 0.30103)} digits)")
            if isinstance(part, sympy.Pow):
                b, e = part.args
                if isinstance(e, sympy.Rational) and abs(e) > _max_exponent(b) and not b.is_number:
                    raise _exponent_too_large(self.text, node.start, node.end, b)
                if isinstance(b, sympy.Rational) and not e.is_Integer and _too_big_for_root(b):
                    raise fail("number_too_large", self.text, node.start, node.end,
                               hint="fractional powers of numbers above 10^12 are not supported")
                if isinstance(e, sympy.Rational) and e.q > MAX_ROOT_DENOMINATOR:  # x^(1/999)*x^(1/997)
                    raise _root_too_fine(self.text, node.start, node.end)

    # --- functions and conditions ---------------------------------------------------------------

    def call(self, node: Call) -> sympy.Basic:
        f = node.func
        if node.primes:
            out: sympy.Basic = author_notation.primed(self, node)
        elif node.sheet:
            out = sheet_function(f)(*[self.value(a) for a in node.args])
        elif f == "piecewise":
            out = self.piecewise([(self.value(v), self.condition(c)) for arg in node.args
                                  if isinstance(arg, Cond) for v, c in arg.pairs], node)
        elif f.startswith("rel_"):
            out = self.compare(Compare(start=node.start, end=node.end, ops=[f[4:]], operands=node.args))
        elif f == "where":
            cond = self.condition(node.args[0])
            a, b = self.value(node.args[1]), self.value(node.args[2])
            out = self.piecewise([(a, cond), (b, sympy.true)], node)
        else:
            args = [self.value(a) for a in node.args]
            out = self.builtin(f, args, node)
        if node.power is not None:
            assert isinstance(out, sympy.Expr)
            self.check(out, node)
            out = self.power(out, sympy.Integer(node.power), node)
        return out

    def builtin(self, f: str, args: list[sympy.Expr], node: Call) -> sympy.Basic:
        if f == "sqrt":
            return self.power(args[0], sympy.Rational(1, 2), node)
        if f == "pow":
            return self.power(args[0], args[1], node)
        makers: dict[str, Callable[[], sympy.Basic]] = {
            "log": lambda: sympy.log(*args),
            "log10": lambda: sympy.log(args[0], 10),
            "log2": lambda: sympy.log(args[0], 2),
            "heaviside": lambda: sympy.Heaviside(*args),
            "max": lambda: sympy.Max(*args),
            "min": lambda: sympy.Min(*args),
        }
        if f == "log" and len(args) == 2:
            self.check_log_base(args[1], node)
        make = makers.get(f) or (lambda: _ONE_ARG[f](args[0]))
        return self.guard(node, "not_allowed", make)

    def check_log_base(self, base: sympy.Expr, node: Call) -> None:
        """A constant base must be positive and not 1: sympy folds log(2, 0) = log(2)/log(0) to 0."""
        if not base.is_number or base.has(*_UNDEFINED):
            return  # a variable base is the student's business; an undefined one is caught above
        if base == 1 or base.is_nonpositive:
            where = node.args[-1]
            shown = self.text[where.start:where.end].strip()
            latex = " (write a base of several digits in braces: `\\log_{10} x`)" \
                if self.text[node.start:node.start + 1] == "\\" else ""
            raise fail("not_allowed", self.text, where.start, where.end,
                       hint=f"the base of a logarithm must be a positive number other than 1, not `{shown}`"
                       + latex)

    def piecewise(self, pairs: list[tuple[sympy.Expr, Boolean]], node: Node) -> sympy.Basic:
        """sympy.Piecewise, without its exponential worst case.

        sympy joins the conditions of neighbouring equal values with Or and expands the result
        into CNF; we join them ourselves, and leave Piecewise unevaluated when its compound
        conditions are large.
        """
        runs: list[tuple[sympy.Expr, list[Boolean]]] = []
        for value, cond in pairs:
            if cond is sympy.false:
                continue
            if runs and runs[-1][0] == value:
                runs[-1][1].append(cond)
            else:
                runs.append((value, [cond]))
            if cond is sympy.true:
                break
        clean: list[tuple[sympy.Expr, Boolean]] = []
        for value, conds in runs:
            merged = conds[0] if len(conds) == 1 else \
                self.guard(node, "bad_condition", partial(sympy.Or, *conds))
            assert isinstance(merged, Boolean)
            clean.append((value, merged))
        compound = sum(1 for _, c in clean if isinstance(c, sympy.And | sympy.Or | sympy.Not)
                       for a in sympy.preorder_traversal(c) if isinstance(a, Relational))
        evaluate = compound <= _COMPOUND_LIMIT
        return self.guard(node, "bad_condition", lambda: sympy.Piecewise(*clean, evaluate=evaluate))

    def compare(self, node: Compare) -> sympy.Basic:
        values = [self.value(o) for o in node.operands]
        for operand, v in zip(node.operands, values, strict=True):
            if v.has(sympy.Piecewise):  # sympy would try to solve the inequality: slow, and never meant
                raise fail("bad_condition", self.text, operand.start, operand.end,
                           hint="a condition may not compare values that are themselves conditional")
        rels = [self.guard(node, "bad_condition", partial(_RELATIONS[op], a, b))
                for op, a, b in zip(node.ops, values, values[1:], strict=False)]
        return rels[0] if len(rels) == 1 else self.guard(node, "bad_condition", lambda: sympy.And(*rels))


def _max_exponent(base: sympy.Basic) -> int:
    return MAX_SUM_EXPONENT if isinstance(base, sympy.Add) else MAX_EXPONENT


def _exponent_too_large(text: str, start: int, end: int, base: sympy.Basic) -> ParseError:
    return fail("exponent_too_large", text, start, end, limit=_max_exponent(base),
                hint=f"exponents may be at most {MAX_SUM_EXPONENT} on a sum such as (x+1)^n and at most "
                f"{MAX_EXPONENT} on anything else")


def _root_too_fine(text: str, start: int, end: int) -> ParseError:
    return fail("exponent_too_large", text, start, end, limit=MAX_ROOT_DENOMINATOR,
                hint=f"a fractional exponent may have a denominator of at most {MAX_ROOT_DENOMINATOR}: "
                "write a simple fraction, e.g. `x^(3/2)`, or a whole number, e.g. `x^2`")


def _has_radical(v: sympy.Basic) -> bool:
    parts = v.args if isinstance(v, sympy.Mul) else (v,)
    return any(isinstance(p, sympy.Pow) and isinstance(p.args[0], sympy.Rational)
               and not p.args[1].is_Integer for p in parts)

