"""One part's worked solution, step by step: every display and chain link is a claim to check.

A step's `math` is a statement (`A = B = C`, `A \\Rightarrow B`, `A, \\quad B`), a `chain` is one
statement written over several lines; each link `A = B` is checked (grader.verify.claim_equal). Helper
names from `define:` stay in scope for the rest of the part. A step whose text ends in
"for $<condition>$:" ("For $x < 0$:") makes its claims under that condition.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded, ParseError, describe
from grader.parsing import (
    KNOWN_FUNCTIONS,
    ParseContext,
    Parsed,
    SheetFunction,
    parse_condition,
    parse_statement,
    symbol,
)
from grader.parsing import sheet_function as helper_function
from grader.parsing.names import CONSTANTS
from grader.sheets.model import Sheet
from grader.sheets.solutions import Math, Solution, SolutionStep
from grader.sheets.yaml_nodes import Where
from grader.verify.claim_equal import Verdict, claim_equal
from grader.verify.claim_math import Env, Unchecked, resolve
from grader.verify.problems import Problem

CLAIM_SECONDS = 10.0
_CONDITION = re.compile(r"(?:^|[,.;:]\s*)[Ff]or \$([^$]*(?:<|>|\\neq?|\\[lg]eq?|[≠≤≥])[^$]*)\$\s*[:,]?\s*$")
_HELPER = re.compile(r"[A-Za-z][A-Za-z0-9]*")
AUTHOR_NOTATION = ("author notation: \\frac{d}{dx} f, \\frac{du}{dx}, f'(x), \\lim_{h \\to 0^-} ..., helper names "
                   "from `define:`, \\Rightarrow, \\boxed{...}")


@dataclass
class Counts:
    claims: int = 0  # links `A = B` checked, and each comparison of the result with the sheet
    displays: int = 0  # `math` displays, chain lines and results read
    prose: int = 0  # steps marked `prose: true`
    steps: int = 0


@dataclass(frozen=True)
class Piece:
    parsed: Parsed
    math: Math


@dataclass
class PartCheck:
    """Checks one Solution against its sheet; `run()` fills `problems` and `counts`."""

    sheet: Sheet
    solution: Solution
    lines: list[str]
    problems: list[Problem] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    chains: list[list[Piece]] = field(default_factory=list)  # every claim read, in order
    # a variant's solution has its values written in: offset in its math -> offset in the file's text
    unfill: Callable[[Math, int], int] | None = None

    def __post_init__(self) -> None:
        self.env = Env(self.sheet, symbol(self.sheet.variables[0]))
        self.helpers: list[str] = []
        self.defined_here: dict[str, Math] = {}

    def run(self) -> Piece | None:
        """Check every step and read the result; return the result's final claim, for the check
        against the sheet (grader.verify.final_result), or None when there is none to check."""
        for step in self.solution.steps:
            self.step(step)
        result = self.solution.result
        if result is None:
            self.problem(self.solution.where, 0, f"the solution of `{self.solution.address}` has no `result`",
                         "add `result:` with the final answer")
            return None
        self.defined_here = {}
        chains = self.statement(result, None, final=True)
        return chains[-1][-1] if chains else None

    # --- context --------------------------------------------------------------------------------

    def ctx(self) -> ParseContext:
        base = self.sheet.parse_context(author=True)
        several = len(self.sheet.variables) > 1
        helpers = tuple(SheetFunction(h, (), 1, bare=True, bare_only=several) for h in self.helpers)
        return ParseContext(variables=base.variables, functions=base.functions + helpers, author=True)

    def problem(self, at: Math | Where, offset: int, message: str, fix: str = "") -> None:
        where = at.where if isinstance(at, Math) else at
        if isinstance(at, Math) and self.unfill is not None:
            offset = self.unfill(at, offset)
        line, col = locate(self.lines, where.line, where.col, offset)
        self.problems.append(Problem(where.path, line, col, f"{message} ({fix})" if fix else message))

    # --- steps ----------------------------------------------------------------------------------

    def step(self, step: SolutionStep) -> None:
        self.counts.steps += 1
        self.defined_here = {}
        for name, math in step.define:  # also in a prose step ("Let $u = w x + b$."): it names what follows
            self.define(name, math)
        if step.prose:
            self.counts.prose += 1
            return
        domain = self.condition(step)
        if step.math is not None:
            self.statement(step.math, domain)
        if step.chain:
            pieces: list[Piece] = []
            for line in step.chain:
                self.counts.displays += 1
                claims = self.parse(line)
                if claims is None:
                    return
                if len(claims) != 1:
                    self.problem(line, 0, "a chain line holds one expression (or `= ...`), not several claims")
                    return
                pieces += [Piece(p, line) for p in claims[0]]
            self.check_chain(pieces, domain)

    def condition(self, step: SolutionStep) -> tuple[sympy.Basic, str] | None:
        m = _CONDITION.search(step.say)
        if m is None:
            return None
        try:
            return parse_condition(m.group(1), self.ctx()), m.group(1)
        except ParseError as err:
            self.problem(step.where, 0, f"the condition `{m.group(1)}` in this step's text cannot be read: "
                                        f"{describe(err)}")
            return None

    def define(self, name: str, math: Math) -> None:
        taken = {*self.sheet.variables, *KNOWN_FUNCTIONS, *CONSTANTS,
                 *(n for d in self.sheet.definitions for n in (d.name, *d.aliases))}
        if not _HELPER.fullmatch(name) or name in taken:
            self.problem(math, 0, f"`{name}` cannot be a helper name", "choose a name such as u, N or D that "
                         "is not a variable, constant or function")
            return
        body: sympy.Basic | None = None
        claims = self.parse(math)
        if claims is not None and (len(claims) != 1 or len(claims[0]) != 1):
            self.problem(math, 0, f"the definition of `{name}` must be one expression in "
                                  f"{', '.join(self.sheet.variables)}")
        elif claims is not None:
            try:
                body = resolve(claims[0][0].expr, self.env)
            except Unchecked as err:
                self.problem(math, 0, f"the definition of `{name}` cannot be evaluated: {err}")
        self.env = self.env.with_helper(name, body if isinstance(body, sympy.Expr) else None)
        if name not in self.helpers:
            self.helpers.append(name)
        self.defined_here[name] = math

    def parse(self, math: Math) -> list[list[Parsed]] | None:
        try:
            return parse_statement(math.latex, self.ctx())
        except ParseError as err:
            self.problem(math, err.offset, f"this math does not parse: {describe(err)}",
                         f"write it in the grader's LaTeX; {AUTHOR_NOTATION}")
            return None

    def statement(self, math: Math, domain: tuple[sympy.Basic, str] | None, final: bool = False
                  ) -> list[list[Piece]]:
        """The claims of one display, each checked; `final`: the result, where the answer alone (`4`)
        is a claim too: that it is the part's answer (grader.verify.final_result)."""
        self.counts.displays += 1
        claims = self.parse(math)
        if claims is None:
            return []
        chains = [[Piece(p, math) for p in claim] for claim in claims]
        for chain in chains:
            if final and len(chain) == 1:
                self.chains.append(chain)
                continue
            self.check_chain(chain, domain)
        return chains

    def check_chain(self, chain: list[Piece], domain: tuple[sympy.Basic, str] | None) -> None:
        self.chains.append(chain)
        if len(chain) < 2:
            self.problem(chain[0].math, chain[0].parsed.start, f"`{chain[0].parsed.text}` states nothing to "
                         "check", "write an equation, or move it to `say` and mark the step `prose: true`")
            return
        links = list(itertools.pairwise(chain))
        verdicts: dict[int, Verdict | None] = {}  # each link judged once: None when it holds

        def judged(i: int) -> Verdict | None:
            if i not in verdicts:
                verdicts[i] = self.link(*links[i], domain)
            return verdicts[i]

        i = 0
        while i < len(links):
            a, b = links[i]
            verdict = judged(i)
            if verdict is not None:
                # one wrong expression inside a chain breaks both its links: say it once, at it
                if i + 1 < len(links) and judged(i + 1) is not None and self.holds(a, links[i + 1][1], domain):
                    self.problem(b.math, b.parsed.start, f"`{a.parsed.text} = {b.parsed.text}` does not hold"
                                 f"{self.under(domain)}: {verdict.detail}; the expressions before and after "
                                 f"`{b.parsed.text}` are equal, so this one breaks the chain")
                    i += 2
                    continue
                self.false_link(a, b, domain, verdict)
            i += 1

    @staticmethod
    def under(domain: tuple[sympy.Basic, str] | None) -> str:
        return f" for {domain[1]}" if domain else ""

    def link(self, a: Piece, b: Piece, domain: tuple[sympy.Basic, str] | None) -> Verdict | None:
        """Judge `a = b`: None when it holds or could not be checked (that is reported here); else its
        false verdict, for the caller to report (grader.verify.steps.PartCheck.false_link)."""
        self.counts.claims += 1
        claim = f"`{a.parsed.text} = {b.parsed.text}`"
        try:
            with limits.time_limit(CLAIM_SECONDS):
                verdict = claim_equal(a.parsed.expr, b.parsed.expr, self.env, domain[0] if domain else None)
        except Unchecked as err:
            self.problem(b.math, b.parsed.start, f"{claim} cannot be checked: {err}",
                         "write it so that both sides can be evaluated, or move it to `say`")
            return None
        except BudgetExceeded:
            self.problem(b.math, b.parsed.start, f"checking {claim} took longer than {CLAIM_SECONDS:g} s")
            return None
        return None if verdict.ok else verdict

    def holds(self, a: Piece, c: Piece, domain: tuple[sympy.Basic, str] | None) -> bool:
        try:
            with limits.time_limit(CLAIM_SECONDS):
                return claim_equal(a.parsed.expr, c.parsed.expr, self.env, domain[0] if domain else None).ok
        except (Unchecked, BudgetExceeded):
            return False

    def false_link(self, a: Piece, b: Piece, domain: tuple[sympy.Basic, str] | None, verdict: Verdict) -> None:
        claim = f"`{a.parsed.text} = {b.parsed.text}`"
        self.problem(b.math, b.parsed.start, f"{claim} does not hold{self.under(domain)}: {verdict.detail}")
        helper = self.restates(a.parsed.expr)
        if helper is not None:
            self.problem(self.defined_here[helper], 0, f"`define: {helper}` disagrees with the display "
                         f"{claim} at line {b.math.where.line}")

    def restates(self, expr: sympy.Basic) -> str | None:
        """The helper this step defines, when `expr` is just that helper (`u(x)` in `u(x) = ...`)."""
        for name in self.defined_here:
            if expr == helper_function(name)(self.env.x):
                return name
        return None


def locate(lines: list[str], line: int, col: int, offset: int) -> tuple[int, int]:
    """File line and column of character `offset` of the one-line scalar starting at (line, col)."""
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    i = col - 1
    if offset <= 0 or i >= len(src) or src[i] in "|>":
        return line, col
    quote = src[i] if src[i] in "'\"" else ""
    j = i + 1 if quote else i
    for _ in range(offset):
        if j >= len(src):
            return line, col  # the scalar goes on over several lines
        j += 2 if (quote == "'" and src.startswith("''", j)) or (quote == '"' and src[j] == "\\") else 1
    return line, j + 1
