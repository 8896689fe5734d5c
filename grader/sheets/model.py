"""The typed models of an exercise sheet: questions, parts, references, mistakes, definitions.

Built by grader.sheets.reader from YAML; every expression in them went through the safe parser.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import ClassVar, Literal

import sympy
from sympy.core.function import AppliedUndef

from grader.core import caches
from grader.core.errors import UsageError
from grader.equivalence import KinkPolicy
from grader.parsing import ParseContext, SheetFunction, sheet_function, symbol
from grader.sheets.forms import FormRule
from grader.sheets.yaml_nodes import Where

PartKind = Literal["expression", "derivation", "number", "choice"]
PART_KINDS: tuple[str, ...] = ("expression", "derivation", "number", "choice")
KINK_POLICIES: tuple[str, ...] = ("between", "left", "right", "undefined", "any")


@dataclass(frozen=True)
class Expression:
    """An expression an author wrote: its text, where it is, and what it means."""

    text: str
    expr: sympy.Basic
    where: Where


@dataclass(frozen=True)
class Definition:
    name: str
    aliases: tuple[str, ...]
    params: tuple[str, ...]
    body: Expression
    about: str
    where: Where


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer, matched by equivalence, with the message a student sees."""

    answer: Expression | str  # str for choice parts
    message: str
    score: float
    where: Where


@dataclass(frozen=True)
class ExpressionAnswer:
    """An expression part: the answer is a function of the sheet's variables."""

    kind: ClassVar[PartKind] = "expression"
    answer: Expression
    kink_policy: KinkPolicy | None = None  # what the answer may be at the reference's kinks (`at_kinks`)


@dataclass(frozen=True)
class NumberAnswer:
    """A number part with one exact value."""

    kind: ClassVar[PartKind] = "number"
    answer: Expression


@dataclass(frozen=True)
class IntervalAnswer:
    """A number part where any value in [low, high] is right."""

    kind: ClassVar[PartKind] = "number"
    low: sympy.Expr
    high: sympy.Expr


@dataclass(frozen=True)
class ChoiceAnswer:
    """A choice part: the right choice among named ones, each with its accepted spellings."""

    kind: ClassVar[PartKind] = "choice"
    choices: Mapping[str, tuple[str, ...]]  # canonical -> spellings (casefolded)
    choice: str


@dataclass(frozen=True)
class DerivationAnswer:
    """A "show that" part: a chain of lines from `start` to `target`."""

    kind: ClassVar[PartKind] = "derivation"
    start: Expression  # the expression it starts from
    target: Expression  # what it must reach
    final_form: FormRule | None = None  # the form its last line must have
    min_lines: int = 2


# Code that handles each kind matches on this union and ends with `assert_never`, so mypy names every
# place a new kind must reach (ARCHITECTURE.md, "An answer kind").
Expects = ExpressionAnswer | NumberAnswer | IntervalAnswer | ChoiceAnswer | DerivationAnswer


@dataclass(frozen=True)
class Part:
    address: str
    ask: str
    points: float
    where: Where
    expects: Expects  # what a right answer is; its type is the part's kind
    forms: tuple[FormRule, ...] = ()  # any part: rules the answer must follow
    derivative: bool = False  # the answer (or a derivation's start) is d/dx of the question's function
    wrt: str = ""  # with a derivative: the variable it is taken with respect to (`derivative: w`)
    hints: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    correct_feedback: str = ""
    # The variables the part is about: those its question's function, its reference and `derivative:` name.
    # An answer in another one is told so (grader.grading.feedback.unused_variables).
    uses: tuple[str, ...] = ()

    @property
    def kind(self) -> PartKind:
        return self.expects.kind

    @property
    def kink_policy(self) -> KinkPolicy | None:
        return self.expects.kink_policy if isinstance(self.expects, ExpressionAnswer) else None


@dataclass(frozen=True)
class Parameter:
    """A value a randomised question leaves open: `alpha` takes one of `values` (exact numbers)."""

    name: str
    values: tuple[Expression, ...]
    where: Where


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    statement: str
    function: Expression | None
    parts: tuple[Part, ...]
    group_asks: Mapping[str, str]  # what a part that only groups sub-parts asks, by its address
    where: Where
    parameters: tuple[Parameter, ...] = ()  # randomised: the values each parameter may take
    values: tuple[tuple[str, Expression], ...] = ()  # this variant's value of each parameter
    template: Question | None = None  # a variant: the question as written ({alpha}, `alpha`); see sheets.variants
    variables: tuple[str, ...] = ()  # its own `variables:`, in place of the sheet's; empty: the sheet's
    letter_products: bool | None = None  # `wx` as w*x with its own variables (None: as the sheet)


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    path: str
    variables: tuple[str, ...]
    definitions: tuple[Definition, ...]
    questions: tuple[Question, ...]
    # Parameters an answer may name (`α` for 0.1), with their values: those of the one randomised
    # question being graded (grader.sheets.variants.scoped); empty otherwise, as names differ in meaning by question.
    scope: tuple[tuple[str, sympy.Expr], ...] = ()
    letter_products: bool = False  # `wx` reads as w*x (`letter_products:`; on for several one-letter variables)

    @property
    def randomised(self) -> bool:
        """Some question has more than one variant (grader.sheets.variants)."""
        return any(len(p.values) > 1 for q in self.questions for p in q.parameters)

    @cached_property
    def parts(self) -> dict[str, Part]:
        """Every gradable part by address, in sheet order."""
        return {p.address: p for q in self.questions for p in q.parts}

    def part(self, address: str) -> Part:
        parts = self.parts
        if address in parts:
            return parts[address]
        close = difflib.get_close_matches(address, list(parts), n=1, cutoff=0.5)
        groups = [a for a in parts if a.startswith(address + ".")]
        if groups:
            fix = f"`{address}` has sub-parts: {', '.join(groups)}"
        elif close:
            fix = f"did you mean `{close[0]}`?"
        else:
            fix = f"parts of this sheet: {', '.join(parts)}"
        raise UsageError(f"no part `{address}` in sheet `{self.id}`", fix)

    def parse_context(self, *, author: bool = False, variables: tuple[str, ...] | None = None) -> ParseContext:
        return ParseContext(
            variables=(*(self.variables if variables is None else variables), *(name for name, _ in self.scope)),
            parameters=tuple(name for name, _ in self.scope),
            functions=tuple(SheetFunction(d.name, d.aliases, len(d.params)) for d in self.definitions),
            author=author,
            letter_products=self.letter_products,
        )

    def expand(self, expr: sympy.Basic) -> sympy.Basic:
        """Replace calls of the sheet's functions by their definitions (and parameters in scope by values)."""
        expanded = expand_definitions(expr, self.definitions)
        return expanded.xreplace({symbol(name): value for name, value in self.scope}) if self.scope else expanded


@lru_cache(maxsize=4096)  # a pure function, called for the same reference and mistakes on every answer
def expand_definitions(expr: sympy.Basic, definitions: tuple[Definition, ...]) -> sympy.Basic:
    if not expr.atoms(AppliedUndef):  # nothing to replace: skip the slower tree rewrite
        return expr
    for d in reversed(definitions):  # later definitions may use earlier ones
        lam = sympy.Lambda(tuple(symbol(p) for p in d.params), d.body.expr)
        expr = expr.replace(sheet_function(d.name), lam)
    return expr


caches.register("sheets.expanded_definitions", expand_definitions)
