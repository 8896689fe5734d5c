"""Exercise sheets: YAML files -> typed, checked models. Authors get file:line:col errors.

Every expression in a sheet goes through the same safe parser as student answers.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import sympy
from sympy.core.function import AppliedUndef

from grader.equivalence import KinkPolicy
from grader.errors import SheetError, SheetErrors, UsageError
from grader.forms import FormRule
from grader.parsing import ParseContext, SheetFunction, sheet_function, symbol
from grader.yamlnodes import Reader, Where, compose

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
class Part:
    address: str
    ask: str
    kind: PartKind
    points: float
    where: Where
    answer: Expression | None = None  # expression / number
    interval: tuple[sympy.Expr, sympy.Expr] | None = None  # number
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # choice: canonical -> spellings
    choice: str | None = None  # choice: the right one
    kink_policy: KinkPolicy | None = None
    start: Expression | None = None  # derivation: the expression it starts from
    target: Expression | None = None  # derivation: what it must reach
    final_form: FormRule | None = None  # derivation: the form its last line must have
    forms: tuple[FormRule, ...] = ()  # any part: rules the answer must follow
    min_lines: int = 2
    derivative: bool = False  # the answer (or a derivation's start) is d/dx of the question's function
    hints: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    correct_feedback: str = ""


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
    template: Question | None = None  # a variant: the question as written ({alpha}, `alpha`); see grader.variants


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    path: str
    variables: tuple[str, ...]
    definitions: tuple[Definition, ...]
    questions: tuple[Question, ...]
    # Parameters an answer may name (`α` for 0.1), with their values: those of the one randomised
    # question being graded (grader.variants.scoped); empty otherwise, as names differ in meaning by question.
    scope: tuple[tuple[str, sympy.Expr], ...] = ()

    @property
    def randomised(self) -> bool:
        """Some question has more than one variant (grader.variants)."""
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
            functions=tuple(SheetFunction(d.name, d.aliases, len(d.params)) for d in self.definitions),
            author=author,
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


# --- finding sheets ----------------------------------------------------------------------------

DEFAULT_SHEET = "activation-derivatives"


def bundled_dir(kind: str = "exercises") -> Path:
    """Where the bundled sheets are: inside the installed package, or at the top of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled" / kind, here.parent / kind):
        if candidate.is_dir():
            return candidate
    return here / "_bundled" / kind


def bundled_sheets() -> list[Path]:
    return sorted(bundled_dir().glob("*.yaml"))


def resolve(spec: str | None) -> Path:
    """A sheet given as a path or as the id of a bundled sheet."""
    spec = spec or DEFAULT_SHEET
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise UsageError(f"no sheet file `{spec}`", "give the path of a .yaml sheet or a bundled sheet id")
        return path
    candidate = bundled_dir() / f"{spec}.yaml"
    if candidate.is_file():
        return candidate
    ids = [p.stem for p in bundled_sheets()]
    raise UsageError(f"no bundled sheet `{spec}`", f"bundled sheets: {', '.join(ids) or 'none'}")


def load(spec: str | None = None) -> Sheet:
    """Load and check a sheet by path or bundled id; raise SheetErrors listing every problem."""
    path = resolve(spec)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SheetErrors([SheetError(shown, 1, 1, f"the file is not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise UsageError(f"cannot read `{shown}`: {exc.strerror}") from None
    return load_text(text, shown)


def load_text(text: str, path: str = "<sheet>") -> Sheet:
    try:
        root = compose(path, text)
    except SheetError as err:
        raise SheetErrors([err]) from None
    from grader.sheet_reader import Builder  # it builds the models of this module

    builder = Builder(Reader(path, text))
    sheet = builder.sheet(root)
    if builder.r.errors or sheet is None:
        raise SheetErrors(builder.r.errors or [SheetError(path, 1, 1, "the sheet could not be read")])
    from grader.variants import pick  # variants builds on this module

    return pick(sheet, None)  # a randomised question comes as its first variant until a seed picks another


# --- reading YAML (grader.sheet_reader builds the models) ---------------------------------------

_SHEET_KEYS = ("id", "title", "variables", "definitions", "questions")
_DEF_KEYS = ("name", "aliases", "params", "body", "about")
_QUESTION_KEYS = ("id", "title", "statement", "function", "parts", "parameters")
_PART_KEYS = (
    "id", "ask", "kind", "answer", "points", "hints", "mistakes", "at_kinks", "interval", "choices",
    "correct_feedback", "start", "target", "final_form", "min_lines", "parts", "forms", "derivative",
)
_MISTAKE_KEYS = ("answer", "message", "score")
_FORM_KEYS = ("only", "forbid", "decimals", "message", "score")
