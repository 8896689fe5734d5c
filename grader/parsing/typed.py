"""An answer's LaTeX as it was typed: the parser's own tree drawn, before sympy evaluates anything.

`sympy.latex` of the parsed expression shows sympy's form: `1/(1+e^-x) * e^-x/(1+e^-x)` comes out as
the line before it in a derivation, `σ(x)(1-σ(x))` with its factors swapped. A student checking how
their line was read wants their own line back, typeset. Display only: verdicts never use this.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from grader.parsing import nodes
from grader.parsing.context import ParseContext
from grader.parsing.parser import Parser

# Functions LaTeX has a command for; any other is \operatorname{name}.
_COMMANDS = frozenset({"sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth", "exp", "log",
                       "ln", "arcsin", "arccos", "arctan", "max", "min"})
_NAMED = {"Max": "max", "Min": "min", "asin": "arcsin", "acos": "arccos", "atan": "arctan",
          "heaviside": "Heaviside"}


class _Unsupported(Exception):
    """A node this drawing does not cover: the caller falls back to sympy's form."""


def typed_latex(text: str, ctx: ParseContext, fallback: Callable[[], str]) -> str:
    """`text` (already known to parse) drawn as typed; `fallback()` when the tree holds something this
    does not draw (a condition, author notation) or the parse fails here."""
    from grader.core.limits import MAX_ANSWER_CHARS, MAX_TOKENS
    from grader.parsing import _tokens  # the same tokens parse() reads

    try:
        tree = Parser(text, _tokens(text, MAX_ANSWER_CHARS, MAX_TOKENS, ctx.author), ctx).parse_all()
        return _Draw(text).node(tree)
    except Exception:
        return fallback()


class _Draw:
    def __init__(self, text: str) -> None:
        self.text = text

    def node(self, n: nodes.Node, top: bool = True) -> str:
        drawn = self._bare(n)
        bracketed = isinstance(n, nodes.Call | nodes.Abs | nodes.Root)  # by their own `( )`, `| |`, `\sqrt{}`
        return rf"\left({drawn}\right)" if n.paren and not top and not bracketed else drawn

    def _bare(self, n: nodes.Node) -> str:
        if isinstance(n, nodes.Num):
            return self.text[n.start:n.end].strip().strip("()") or str(n.value)
        if isinstance(n, nodes.Const):
            return "e" if n.name == "E" else r"\pi"
        if isinstance(n, nodes.Var):
            return str(sympy.latex(sympy.Symbol(n.name)))
        if isinstance(n, nodes.Call):
            return self._call(n)
        if isinstance(n, nodes.Sum):
            out = ""
            for i, (minus, term) in enumerate(n.terms):
                drawn = self.node(term, top=False)
                out += ("- " if minus else "") + drawn if i == 0 else (" - " if minus else " + ") + drawn
            return out
        if isinstance(n, nodes.Prod):
            return self._product(n)
        if isinstance(n, nodes.Neg):
            return "- " + self._operand(n.arg)
        if isinstance(n, nodes.Pow):
            return f"{self._operand(n.base, power=True)}^{{{self.node(n.exp)}}}"
        if isinstance(n, nodes.Abs):
            return rf"\left|{self.node(n.arg)}\right|"
        if isinstance(n, nodes.Root):
            index = f"[{self.node(n.index)}]" if n.index is not None else ""
            return rf"\sqrt{index}{{{self.node(n.arg)}}}"
        raise _Unsupported(type(n).__name__)

    def _operand(self, n: nodes.Node, power: bool = False) -> str:
        """A factor, negated term or base: bracketed when it is a sum (or, under a power, anything compound)."""
        drawn = self.node(n, top=False)
        compound = isinstance(n, nodes.Sum | nodes.Neg) or (power and isinstance(n, nodes.Prod | nodes.Pow))
        return rf"\left({drawn}\right)" if compound and not n.paren else drawn

    def _call(self, n: nodes.Call) -> str:
        if n.func == "sqrt" and len(n.args) == 1 and n.power is None:
            return rf"\sqrt{{{self.node(n.args[0])}}}"
        if n.func == "abs" and len(n.args) == 1 and n.power is None:
            return rf"\left|{self.node(n.args[0])}\right|"
        name = _NAMED.get(n.func, n.func)
        if len(name) > 1 and sympy.latex(sympy.Symbol(name)).startswith("\\"):  # σ, φ, Φ
            head = sympy.latex(sympy.Symbol(name))
        else:
            head = f"\\{name}" if name in _COMMANDS else rf"\operatorname{{{name}}}"
        if n.primes:
            head += "'" * n.primes
        if n.power is not None:
            head += f"^{{{n.power}}}"
        args = ", ".join(self.node(a) for a in n.args)
        return rf"{head}\left({args}\right)"

    def _product(self, n: nodes.Prod) -> str:
        """Factors in the order typed; `a/b` is a fraction of the factor before the `/` (so `1/u * v/u`
        stays two fractions, `a/b/c` a fraction of a fraction)."""
        factors, sign = list(n.factors), ""
        first = factors[0][1]
        if isinstance(first, nodes.Neg) and not first.paren:  # `-a/b` is -(a/b), drawn so
            factors[0], sign = (False, first.arg), "- "
        drawn: list[str] = []
        last: nodes.Node | None = None
        for divided, factor in factors:
            if divided and drawn:
                top = drawn[-1] if last is None else self._inside(last, drawn[-1])  # None: a fraction already
                drawn[-1] = rf"\frac{{{top}}}{{{self.node(factor)}}}"
                last = None
            elif divided:
                drawn.append(rf"\frac{{1}}{{{self.node(factor)}}}")
            else:
                drawn.append(self._operand(factor))
                last = factor
        return sign + self._join(drawn)

    def _inside(self, factor: nodes.Node, drawn: str) -> str:
        """A numerator needs no brackets of its own."""
        return self.node(factor) if factor.paren or isinstance(factor, nodes.Sum | nodes.Neg) else drawn

    @staticmethod
    def _join(factors: list[str]) -> str:
        out = factors[0]
        for f in factors[1:]:  # `2 \cdot 3`, but `2 x`
            out += (r" \cdot " if out[-1:].isdigit() and f[:1].isdigit() else " ") + f
        return out
