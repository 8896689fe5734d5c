"""The parser's small syntax tree: built first so that sizes are checked before sympy evaluates."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal


@dataclass(eq=False, kw_only=True)
class Node:
    start: int
    end: int
    paren: bool = False  # written inside brackets (or as a \frac): a unit for ambiguity checks


@dataclass(eq=False, kw_only=True)
class Num(Node):
    value: Fraction


@dataclass(eq=False, kw_only=True)
class Const(Node):
    name: str  # "E" or "pi"


@dataclass(eq=False, kw_only=True)
class Var(Node):
    name: str


@dataclass(eq=False, kw_only=True)
class Bool(Node):
    value: bool


@dataclass(eq=False, kw_only=True)
class Call(Node):
    func: str  # a Builtin.canonical, or the sheet function's canonical name when `sheet`
    args: list[Node]
    sheet: bool = False
    power: int | None = None  # sech^2(x)
    power_start: int = 0
    primes: int = 0  # author notation: f'(x)


@dataclass(eq=False, kw_only=True)
class Sum(Node):
    terms: list[tuple[bool, Node]]  # (subtracted, term)


@dataclass(eq=False, kw_only=True)
class Prod(Node):
    factors: list[tuple[bool, Node]]  # (divided by, factor)


@dataclass(eq=False, kw_only=True)
class Neg(Node):
    arg: Node


@dataclass(eq=False, kw_only=True)
class Pow(Node):
    base: Node
    exp: Node
    op_start: int


@dataclass(eq=False, kw_only=True)
class Compare(Node):
    ops: list[str]
    operands: list[Node]


@dataclass(eq=False, kw_only=True)
class Logic(Node):
    op: Literal["and", "or", "not"]
    args: list[Node]


@dataclass(eq=False, kw_only=True)
class Cond(Node):
    pairs: list[tuple[Node, Node]]  # (value, condition)
    python: bool = False  # from `a if c else b`: an else-branch of the same kind is flattened in


@dataclass(eq=False, kw_only=True)
class Abs(Node):
    arg: Node


@dataclass(eq=False, kw_only=True)
class Root(Node):
    arg: Node
    index: Node | None = None


# --- author notation only (grader.parsing.author_notation) ---------------------------------------------------


@dataclass(eq=False, kw_only=True)
class Diff(Node):
    """`\\frac{d}{dx} f` or `\\frac{du}{dx}`: the derivative of arg in var."""

    arg: Node
    var: str


@dataclass(eq=False, kw_only=True)
class Lim(Node):
    """`\\lim_{h \\to 0^-} body`: side is "-", "+" or "" (two-sided)."""

    body: Node
    var: str
    point: Node
    side: str


@dataclass(eq=False, kw_only=True)
class Choice(Node):
    """`\\text{any value between a and b}` (kind "between") or `a \\text{or sometimes} b` ("one_of")."""

    kind: str
    values: list[Node]
