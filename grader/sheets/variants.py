"""Randomised questions: their parameters, their variants, and which variant a seed picks.

A question may declare `parameters: {alpha: [0.01, 0.1, 0.2]}`. Its expressions use the name
(`Piecewise((alpha, x < 0), (1, x > 0))`) and its texts the placeholder `{alpha}`. A variant is the
question with one value per parameter: substituted exactly into every expression, and written into
every text (inside `$...$` and in worked-solution math as LaTeX). A seed picks one variant per
question through sha256 (never Python's salted hash()), so a seed means the same variants in
`grader check`, `grader practice` and batch grading, on every machine and every run.

Without a seed a question is its first variant, which is what `grader.sheets.load` returns: code
that knows nothing of variants still grades a consistent sheet.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import math
import re
from dataclasses import replace
from typing import assert_never

import sympy
import yaml

from grader.core import caches
from grader.core.errors import ParseError, describe
from grader.equivalence import KinkPolicy
from grader.parsing import ParseContext, parse, symbol
from grader.parsing.names import CONSTANTS, FORBIDDEN, GREEK, KEYWORDS, KNOWN_FUNCTIONS
from grader.sheets.model import (
    ChoiceAnswer,
    DerivationAnswer,
    Expects,
    Expression,
    ExpressionAnswer,
    IntervalAnswer,
    Mistake,
    NumberAnswer,
    Parameter,
    Part,
    Question,
    Sheet,
)
from grader.sheets.solutions import Math, Solution, SolutionFile
from grader.sheets.yaml_nodes import Reader

Values = tuple[tuple[str, Expression], ...]  # parameter name -> its value in one variant

MAX_VERIFIED = 16  # `grader verify` checks every variant up to this many per question, else a spread sample
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)
_LITERAL = re.compile(r"-?\d+(?:\.\d+)?")
_RESERVED = frozenset({"d", "dx"})  # `\frac{d}{dx}`: a parameter named d would be filled into every derivative


# --- reading `parameters:` -------------------------------------------------------------------------


def read_parameters(r: Reader, node: yaml.Node, ctx: ParseContext) -> tuple[Parameter, ...]:
    """`{alpha: [0.01, 0.1], k: [2, 3]}` -> Parameters; problems are reported on the reader."""
    keys = [k.value for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    m = r.mapping(node, "`parameters`", tuple(keys)) or {}
    taken = {*(ctx.variables or ()), *KNOWN_FUNCTIONS, *CONSTANTS, *KEYWORDS, *FORBIDDEN,
             *_RESERVED, *(n for f in ctx.functions for n in (f.name, *f.aliases))}
    const = ParseContext(variables=(), functions=ctx.functions, author=True)
    out: list[Parameter] = []
    for name, values_node in m.items():
        if not _NAME.fullmatch(name) or name in taken:
            r.error(values_node, f"`{name}` cannot name a parameter", "use a name such as alpha or k that is not a "
                    "variable, constant or function of the sheet")
            continue
        values: list[Expression] = []
        for value_node in r.sequence(values_node, f"the values of `{name}`"):
            value = _value(r, value_node, name, const)
            if value is not None and any(v.expr == value.expr for v in values):
                r.error(value_node, f"`{name}` lists the value `{value.text}` twice")
            elif value is not None:
                values.append(value)
        if not values and isinstance(values_node, yaml.SequenceNode):
            r.error(values_node, f"`{name}` needs at least one value", "e.g. `alpha: [0.01, 0.1, 0.2]`")
        if values:
            out.append(Parameter(name, tuple(values), r.where(values_node)))
    return tuple(out)


def _value(r: Reader, node: yaml.Node, name: str, ctx: ParseContext) -> Expression | None:
    text = r.text(node, f"a value of `{name}`")
    if text is None:
        return None
    assert isinstance(node, yaml.ScalarNode)
    try:
        expr = parse(text, ctx).expr
    except ParseError as err:
        r.error(r.where_in_scalar(node, err.offset), f"a value of `{name}` does not parse: {describe(err)}")
        return None
    if expr.free_symbols or not expr.is_real or not expr.is_finite:
        r.error(node, f"a value of `{name}` must be a real number, not `{text}`", "e.g. 0.1, 1/5 or sqrt(2)")
        return None
    return Expression(text.strip(), expr, r.where(node))


def check_shown(r: Reader, question: Question, node: yaml.Node) -> None:
    """A student must be able to see every value: each parameter's `{name}` is in the statement or an ask.
    A placeholder that misspells one (`{alpah}`) would reach students as written: it is an error too."""
    shown = [question.statement, *question.group_asks.values(), *(p.ask for p in question.parts)]
    for p in question.parameters:
        if not any(f"{{{p.name}}}" in t for t in shown):
            r.error(node, f"question `{question.id}` never shows its parameter `{p.name}`",
                    f"write `{{{p.name}}}` in its `statement` (or an `ask`), e.g. `with $\\alpha = {{{p.name}}}$`")
    names = [p.name for p in question.parameters]
    texts = [*shown, question.title, *(t for p in question.parts for t in (*p.hints, p.correct_feedback)),
             *(m.message for p in question.parts for m in p.mistakes)]
    for word in sorted({w for t in texts for w in _PLACEHOLDER.findall(t)} - set(names)):
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        if close and len(word) > 1:
            r.error(node, f"question `{question.id}` has a placeholder `{{{word}}}`, which is no parameter",
                    f"did you mean `{{{close[0]}}}`?")


# --- variants ---------------------------------------------------------------------------------------


def parameterised(sheet: Sheet) -> bool:
    """Some question has parameters (perhaps one value each, as named constants)."""
    return any(q.parameters for q in sheet.questions)


def variant_count(question: Question) -> int:
    t = question.template or question
    return math.prod(len(p.values) for p in t.parameters)


def assignments(question: Question) -> list[Values]:
    """Every variant's values, in a fixed order: the product of the parameters' lists, first varying last."""
    t = question.template or question
    names = [p.name for p in t.parameters]
    return [tuple(zip(names, combo, strict=True)) for combo in itertools.product(*(p.values for p in t.parameters))]


def index_for(seed: int, sheet_id: str, question_id: str, count: int) -> int:
    """The variant a seed picks for one question; stable across runs, machines and Python versions."""
    if count <= 1:
        return 0
    digest = hashlib.sha256(f"grader-variant:{seed}:{sheet_id}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def seed_for_student(student: str) -> int:
    """The seed batch grading uses for a student who gives none: a stable hash of the id (6 digits)."""
    digest = hashlib.sha256(f"grader-student:{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 1_000_000


def chosen(sheet: Sheet, seed: int | None) -> tuple[int, ...]:
    """The variant `seed` picks for each question (None: the first): two seeds with the same choice
    pick the same sheet (`pick`), so what is made from it can be kept by the choice."""
    return tuple(0 if seed is None else index_for(seed, sheet.id, q.id, variant_count(q)) for q in sheet.questions)


def pick(sheet: Sheet, seed: int | None) -> Sheet:
    """The sheet with each randomised question at the variant `seed` picks (None: the first)."""
    if not parameterised(sheet):
        return sheet
    questions = tuple(at(q, index) for q, index in zip(sheet.questions, chosen(sheet, seed), strict=True))
    if all(a is b for a, b in zip(questions, sheet.questions, strict=True)):
        return sheet
    return replace(sheet, questions=questions)


def at(question: Question, index: int) -> Question:
    """Variant number `index` of a question (a question without parameters is its own only variant)."""
    t = question.template or question
    if not t.parameters:
        return question
    key = (id(t), index)
    cached = _variant_cache.get(key)
    if cached is None or cached[0] is not t:
        cached = (t, instantiate(t, assignments(t)[index]))
        if len(_variant_cache) > 256:
            _variant_cache.clear()
        _variant_cache[key] = cached
    return cached[1]


_variant_cache: dict[tuple[int, int], tuple[Question, Question]] = {}  # batch workers ask for the same few variants
caches.register("sheets.variants", _variant_cache)


def unfilled(question: Question) -> Question:
    """A randomised question as everyone's blank template shows it: each parameter's `{alpha}` in its
    texts (title, statement, asks) as `⟨alpha⟩`, since the value differs per student; expressions as
    written. A question with one variant is returned as it is."""
    t = question.template or question
    if variant_count(t) <= 1:
        return question
    names = {p.name for p in t.parameters}

    def mark(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: f"⟨{m[1]}⟩" if m[1] in names else m[0], text)

    return replace(t, title=mark(t.title), statement=mark(t.statement),
                   group_asks={a: mark(text) for a, text in t.group_asks.items()},
                   parts=tuple(replace(p, ask=mark(p.ask)) for p in t.parts))


def with_question(sheet: Sheet, question: Question) -> Sheet:
    return replace(sheet, questions=tuple(question if q.id == question.id else q for q in sheet.questions))


def at_index(sheet: Sheet, question_id: str, index: int) -> Sheet:
    """The sheet with one question at variant `index` (batch workers grade one part of one variant)."""
    question = next(q for q in sheet.questions if q.id == question_id)
    return with_question(sheet, at(question, index))


def scoped(sheet: Sheet, address: str) -> Sheet:
    """The sheet to grade an answer to `address` with: that question's parameters are names the answer
    may use (`α` for its value). Without this, naming a parameter is an unknown name (invalid), never wrong."""
    sheet = narrowed(sheet, address)
    question = question_of(sheet, address)
    scope = tuple((name, value.expr) for name, value in question.values) if question is not None else ()
    return replace(sheet, scope=scope) if scope != sheet.scope else sheet


def narrowed(sheet: Sheet, address: str) -> Sheet:
    """The sheet with the variables of the question of `address` (its own `variables:`), if it has some."""
    question = question_of(sheet, address)
    if question is None or not question.variables or question.variables == sheet.variables:
        return sheet
    letters = sheet.letter_products if question.letter_products is None else question.letter_products
    return replace(sheet, variables=question.variables, letter_products=letters)


def for_task(sheet: Sheet, address: str, index: int) -> Sheet:
    """Batch grading: the sheet at variant `index` of the question of `address`, scoped to it."""
    question = question_of(sheet, address)
    if question is None or not (question.template or question).parameters:
        return sheet
    return scoped(with_question(sheet, at(question, index)), address)


def question_of(sheet: Sheet, address: str) -> Question | None:
    qid = address.split(".", 1)[0]
    return next((q for q in sheet.questions if q.id == qid), None)


def label(values: Values) -> str:
    """`alpha=0.1`, `k=2, beta=1/2`: how reports and item names show a variant."""
    return ", ".join(f"{name}={value.text}" for name, value in values)


def described(sheet: Sheet, address: str, seed: int | None) -> dict[str, object]:
    """`{"variant": {"seed": 7, "values": {"alpha": "0.1"}}}` for a part of a randomised question, else {}."""
    question = question_of(sheet, address)
    if question is None or variant_count(question) <= 1:
        return {}
    return {"variant": {"seed": seed, "values": {name: value.text for name, value in question.values}}}


def note(sheet: Sheet, address: str, seed: int | None) -> str | None:
    """`Variant alpha=0.1 (seed 7)`: the line `grader check` prints above a randomised question's result."""
    question = question_of(sheet, address)
    if question is None or variant_count(question) <= 1:
        return None
    which = f"seed {seed}" if seed is not None else "the first variant; --seed N picks a student's"
    return f"Variant {label(question.values)} ({which})"


def verified(sheet: Sheet, question: Question) -> list[tuple[str, Sheet, Question]]:
    """The variants `grader verify` checks, each with its label (`[alpha=0.1]`, "" when not randomised):
    all of them, or MAX_VERIFIED spread evenly from the first to the last."""
    count = variant_count(question)
    if count <= 1:
        return [("", sheet, question)]
    step = (count - 1) / (MAX_VERIFIED - 1)
    indices = range(count) if count <= MAX_VERIFIED else sorted({round(i * step) for i in range(MAX_VERIFIED)})
    out = []
    for i in indices:
        q = at(question, i)
        out.append((f"[{label(q.values)}]", with_question(sheet, q), q))
    return out


# --- filling in values --------------------------------------------------------------------------------


def instantiate(t: Question, values: Values) -> Question:
    fill = Filler(values)
    return replace(
        t, title=fill.markdown(t.title), statement=fill.markdown(t.statement), function=fill.expression(t.function),
        parts=tuple(_part(p, fill) for p in t.parts),
        group_asks={a: fill.markdown(s) for a, s in t.group_asks.items()}, values=values, template=t,
    )


def _part(p: Part, fill: Filler) -> Part:
    return replace(
        p, ask=fill.markdown(p.ask), expects=_expects(p.expects, fill), hints=tuple(fill.markdown(h) for h in p.hints),
        correct_feedback=fill.markdown(p.correct_feedback), mistakes=tuple(_mistake(m, fill) for m in p.mistakes),
        forms=tuple(replace(f, message=fill.markdown(f.message)) for f in p.forms),
    )


def _expects(expects: Expects, fill: Filler) -> Expects:
    match expects:
        case ExpressionAnswer() as e:
            policy = e.kink_policy
            if policy is not None and policy.value is not None:
                policy = KinkPolicy(policy.kind, fill.expr(policy.value))
            return ExpressionAnswer(fill.exact(e.answer), policy)
        case NumberAnswer() as e:
            return NumberAnswer(fill.exact(e.answer))
        case IntervalAnswer() as e:
            return IntervalAnswer(fill.expr(e.low), fill.expr(e.high))
        case DerivationAnswer() as e:
            form = replace(e.final_form, message=fill.markdown(e.final_form.message)) if e.final_form else None
            return DerivationAnswer(fill.exact(e.start), fill.exact(e.target), form, e.min_lines)
        case ChoiceAnswer() as e:
            return e  # choices are names, with no values to fill in
        case _ as e:
            assert_never(e)


def _mistake(m: Mistake, fill: Filler) -> Mistake:
    answer = m.answer if isinstance(m.answer, str) else fill.exact(m.answer)
    return replace(m, answer=answer, message=fill.markdown(m.message))


class Filler:
    """Writes one variant's values into expressions (exactly) and texts (as the author wrote them)."""

    def __init__(self, values: Values) -> None:
        self.values = dict(values)
        self.sub = {symbol(name): value.expr for name, value in values}
        self.names = {name: re.compile(rf"(?<![A-Za-z0-9_]){_spellings(name)}(?![A-Za-z0-9_])") for name in self.values}

    def expr(self, e: sympy.Expr) -> sympy.Expr:
        return e.xreplace(self.sub)

    def expression(self, e: Expression | None) -> Expression | None:
        return None if e is None else self.exact(e)

    def exact(self, e: Expression) -> Expression:
        """The expression with the values substituted exactly; its text with them written in."""
        text = e.text
        for pattern in self.names.values():
            text = pattern.sub(self._typed, text)
        return Expression(text, e.expr.xreplace(self.sub), e.where)

    def _typed(self, m: re.Match[str]) -> str:
        """A value in student notation: `0.01` alone, `(0.01)` after a digit or `)` (2alpha) or if not plain."""
        value = next(v.text for name, v in self.values.items() if self.names[name].fullmatch(m[0]))
        before = m.string[:m.start()].rstrip()[-1:]
        plain = _LITERAL.fullmatch(value) is not None and not value.startswith("-")
        return value if plain and not (before.isdigit() or before in (".", ")")) else f"({value})"

    def latex(self, text: str) -> str:
        return self._fill(text, latex=True)

    def markdown(self, text: str) -> str:
        """LaTeX values inside `$...$`, plain ones outside."""
        out, last = [], 0
        for m in _MATH.finditer(text):
            out += [self._fill(text[last:m.start()], latex=False), self._fill(m.group(0), latex=True)]
            last = m.end()
        return "".join([*out, self._fill(text[last:], latex=False)])

    def template_offset(self, template: str, offset: int) -> int:
        """Where character `offset` of `self.latex(template)` came from in `template` (a character of a
        value written in: its `{name}`), so that a problem in the filled text points into the file."""
        t = f = 0  # positions in the template and in the filled text
        for m in _PLACEHOLDER.finditer(template):
            gap = m.start() - t
            if offset < f + gap:
                break
            value = self._fill(m[0], latex=True)
            f, t = f + gap, m.start()
            if offset < f + len(value):
                return t
            f, t = f + len(value), m.end()
        return t + (offset - f)

    def _fill(self, text: str, *, latex: bool) -> str:
        return _PLACEHOLDER.sub(lambda m: shown(self.values[m[1]], latex) if m[1] in self.values else m[0], text)


def shown(value: Expression, latex: bool) -> str:
    """How a value reads in text: a plain number as the author wrote it (0.01), else `1/5` in prose and
    `\\frac{1}{5}` in LaTeX; a negative one in parentheses, so `-{alpha}` and `{alpha}x` stay right."""
    literal = _LITERAL.fullmatch(value.text) is not None
    core = value.text if literal else (sympy.latex(value.expr) if latex else sympy.sstr(value.expr))
    negative = value.text.startswith("-") or (not literal and bool(value.expr.is_negative))
    return f"({core})" if negative else core


def _spellings(name: str) -> str:
    """The name and its Greek letter (`alpha` or `α`) as a regex alternative."""
    letters = [re.escape(c) for c, n in GREEK.items() if n == name]
    return "(?:" + "|".join([re.escape(name), *letters]) + ")"


def fill_solutions(file: SolutionFile | None, sheet: Sheet) -> SolutionFile | None:
    """Worked solutions with the values of the sheet's chosen variants written in ({alpha} -> 0.1)."""
    if file is None or not parameterised(sheet):
        return file
    fills = {q.id: Filler(q.values) for q in sheet.questions if q.values}
    out = {}
    for address, solution in file.solutions.items():
        fill = fills.get(address.split(".", 1)[0])
        out[address] = fill_solution(solution, fill) if fill else solution
    return replace(file, solutions=out)


def fill_solution(s: Solution, fill: Filler) -> Solution:
    def math(m: Math | None) -> Math | None:
        return replace(m, latex=fill.latex(m.latex)) if m is not None else None

    steps = tuple(
        replace(step, say=fill.markdown(step.say), math=math(step.math),
                chain=tuple(replace(c, latex=fill.latex(c.latex)) for c in step.chain),
                define=tuple((name, replace(d, latex=fill.latex(d.latex))) for name, d in step.define))
        for step in s.steps
    )
    return replace(s, title=fill.markdown(s.title), intro=fill.markdown(s.intro), steps=steps,
                   result=math(s.result))
