"""What each page shows, as plain data for the templates: sheets, questions, parts, progress.

Built from the sheet (the student's variant) and the student's stored attempts; no HTML here, and no
maths is formatted: the templates escape every piece of text and KaTeX typesets it in the browser.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from grader.core import caches
from grader.core.errors import UsageError
from grader.serve.store import Attempt, Reveal
from grader.sheets import cache, solutions, variants
from grader.sheets.bundled import bundled_sheets
from grader.sheets.course import course_sheets, locate
from grader.sheets.model import Part, Question, Sheet
from grader.sheets.solutions import Solution, SolutionFile

ATTEMPTS = 3  # as `grader practice`


@dataclass(frozen=True)
class Loaded:
    path: str
    sheet: Sheet
    solutions: SolutionFile | None


def load_sheets(specs: list[str], given: str | None = None) -> dict[str, Loaded]:
    """The sheets to serve by id: those named (ids or paths), else those of the course folder here (as
    `grader verify` and `grader grade` find it), else every bundled sheet. Each with its worked
    solutions: from `given` (a solutions file, or a folder of them) where it has the sheet's, else found
    beside the sheet. Raises UsageError when `given` holds the solutions of no sheet served."""
    paths = [locate(s) for s in specs] if specs else (course_sheets(Path.cwd()) or bundled_sheets())
    found: dict[str, Loaded] = {}
    used = False
    for path in paths:
        sheet = cache.load(str(path))
        worked = None
        if given is not None:
            try:
                worked = solutions.load_for(sheet, given)
                used = True
            except UsageError:
                worked = None  # not this sheet's: the one beside it, if any
        found[sheet.id] = Loaded(str(Path(path).resolve()), sheet, worked or solutions.load_for(sheet))
    if given is not None and not used:
        raise UsageError(f"{given} holds the worked solutions of none of the sheets served "
                         f"({', '.join(found)})", "give --solutions a file whose `sheet:` is one of their ids")
    return found


@dataclass(frozen=True)
class SolutionView:
    title: str
    intro: str
    steps: tuple[tuple[str, tuple[str, ...]], ...]  # (prose, LaTeX displays)
    result: str


@dataclass(frozen=True)
class PartView:
    address: str
    ask: str
    group_ask: str
    kind: str
    points: float
    best: float
    used: int
    left: int
    done: bool
    correct: bool
    last: Attempt | None
    hints: tuple[str, ...]  # those shown
    more_hints: bool
    solution: SolutionView | None  # shown: on request, or when the part is over
    expected: str  # an expression part's reference, in the sheet's notation, once the part is over
    ended: bool = False  # over because its worked solution was shown
    expected_latex: str = ""  # `expected`, typeset
    ends: tuple[str, ...] = ()  # the other open parts its "Show the solution" ends (a group's)
    revealed: bool = False  # its worked solution (its own or its group's) was asked for, here or under a sibling
    solution_of: str = ""  # the address of the worked solution that button shows
    tried: int = 0  # answers sent to it (`invalid` ones too): `last` is the how-manyth


@dataclass(frozen=True)
class Row:
    address: str
    question: str
    best: float
    points: float
    used: int
    status: str


def variant_of(sheet: Sheet, question: Question, seed: int) -> str:
    """`alpha=0.1` for a randomised question's variant, "" otherwise."""
    return variants.label(question.values) if variants.variant_count(question) > 1 else ""


_Filled = tuple[SolutionFile | None, dict[str, str]]
_filled: dict[tuple[str, tuple[int, ...]], _Filled] = {}
caches.register("serve.filled_solutions", _filled)
_by_seed: dict[tuple[str, int], _Filled] = {}  # the same, found by seed without hashing the choice again
caches.register("serve.filled_by_seed", _by_seed)
MAX_FILLED = 4096  # (sheet, variants) pairs, and (sheet, seed) pairs: a class of 1000 on four sheets


def _filled_for(loaded: Loaded, seed: int) -> _Filled:
    """This seed's worked solutions (`filled_solutions`) and which of them answers each part
    (`solution_address`), made once per sheet and choice of variants (`variants.chosen`): once per
    sheet for a sheet without parameters, not once per student (300 at a class's first sign-in)."""
    found = _by_seed.get((loaded.path, seed))
    if found is not None:
        return found
    key = (loaded.path, variants.chosen(loaded.sheet, seed))
    if key not in _filled:
        if len(_filled) >= MAX_FILLED:
            _filled.clear()
        filled = variants.fill_solutions(loaded.solutions, variants.pick(loaded.sheet, seed))
        answering = {}
        for part in loaded.sheet.parts:
            worked = filled.for_part(part) if filled is not None else None
            answering[part] = worked.address if worked is not None else part
        _filled[key] = filled, answering
    if len(_by_seed) >= MAX_FILLED:
        _by_seed.clear()
    _by_seed[(loaded.path, seed)] = _filled[key]
    return _filled[key]


def filled_solutions(loaded: Loaded, seed: int) -> SolutionFile | None:
    """The worked solutions with the values of this seed's variants: a third of a question page's
    time on a randomised sheet, so filled once per choice of variants."""
    return _filled_for(loaded, seed)[0]


def solution_address(loaded: Loaded, seed: int, address: str) -> str:
    """The address of the worked solution that answers `address`: its own, or its group's (relu.b).
    Looked up for every pair of parts of a question page, so from a table made with the solutions."""
    return _filled_for(loaded, seed)[1].get(address, address)


def ended_by_solution(loaded: Loaded, seed: int, reveals: dict[str, Reveal]) -> set[str]:
    """The parts whose worked solution the student asked to see: no answer is graded after that. A
    group's solution (relu.b) shown under one sub-part ends every sub-part it answers."""
    answering = _filled_for(loaded, seed)[1]
    shown = {answering.get(address, address) for address, r in reveals.items() if r.solution}
    return {address for address, solution in answering.items() if solution in shown}


def enders(loaded: Loaded, seed: int, address: str) -> tuple[str, ...]:
    """The parts under which "Show the solution" ends `address`: those its worked solution answers too."""
    answering = _filled_for(loaded, seed)[1]
    mine = answering.get(address, address)
    return tuple(a for a, solution in answering.items() if solution == mine)


def _over(attempts: list[Attempt], address: str) -> bool:
    mine = [a for a in attempts if a.part == address]
    return any(a.status == "correct" for a in mine) or sum(a.counted for a in mine) >= ATTEMPTS


def solution_ends(loaded: Loaded, seed: int, address: str, attempts: list[Attempt],
                  reveals: dict[str, Reveal]) -> tuple[str, ...]:
    """The other parts, still open, that showing the solution under `address` ends (a group's
    sub-parts): the button says so, and the server asks again if the list has grown since."""
    ended = ended_by_solution(loaded, seed, reveals)
    return tuple(a for a in enders(loaded, seed, address)
                 if a != address and a not in ended and not _over(attempts, a))


def question_parts(loaded: Loaded, question: Question, seed: int, attempts: list[Attempt],
                   reveals: dict[str, Reveal]) -> list[PartView]:
    filled = filled_solutions(loaded, seed)
    used = {p.address: sum(a.counted for a in attempts if a.part == p.address) for p in question.parts}
    right = {p.address: any(a.status == "correct" for a in attempts if a.part == p.address) for p in question.parts}
    ended = ended_by_solution(loaded, seed, reveals)
    over = {a: right[a] or used[a] >= ATTEMPTS or a in ended for a in used}
    shown_groups: set[str] = set()
    views = []
    for part in question.parts:
        address = part.address
        mine = [a for a in attempts if a.part == address]
        reveal = reveals.get(address, Reveal())
        group_ask = ""
        for group, ask in question.group_asks.items():
            if address.startswith(group + ".") and group not in shown_groups:
                shown_groups.add(group)
                group_ask = ask
        worked = filled.for_part(address) if filled is not None else None
        if worked is not None and not reveal.solution and not _solution_due(worked.address, address, over):
            worked = None
        expected, expected_latex = _expected(part) if over[address] and not right[address] else ("", "")
        views.append(PartView(
            address=address, ask=part.ask, group_ask=group_ask, kind=part.kind, points=part.points,
            best=max((a.points for a in mine), default=0.0), used=used[address],
            left=max(0, ATTEMPTS - used[address]), done=over[address], correct=right[address],
            last=mine[-1] if mine else None, hints=part.hints[:reveal.hints],
            more_hints=reveal.hints < len(part.hints), solution=_solution(worked) if worked else None,
            expected=expected, expected_latex=expected_latex,
            ended=address in ended and not right[address] and used[address] < ATTEMPTS,
            ends=solution_ends(loaded, seed, address, attempts, reveals), revealed=address in ended,
            solution_of=solution_address(loaded, seed, address), tried=len(mine)))
    return views


def _solution_due(solution: str, address: str, over: dict[str, bool]) -> bool:
    """A part's own solution once it is over; a group's (relu.b) only under its last sub-part, once all
    its sub-parts are over, so it never gives away a sub-part still open (as `grader practice`)."""
    covered = [a for a in over if a == solution or a.startswith(solution + ".")]
    return address == covered[-1] and all(over[a] for a in covered)


def score_rows(sheet: Sheet, attempts: list[Attempt], ended: Collection[str] = ()) -> list[Row]:
    rows = []
    for question in sheet.questions:
        for part in question.parts:
            mine = [a for a in attempts if a.part == part.address]
            used = sum(a.counted for a in mine)
            if any(a.status == "correct" for a in mine):
                status = "correct"
            elif used >= ATTEMPTS:
                status = "incorrect"
            elif part.address in ended:
                status = "solution shown"
            elif used:  # wrong so far, with attempts left
                status = f"incorrect, {ATTEMPTS - used} attempt{'s' if ATTEMPTS - used != 1 else ''} left"
            else:
                status = "started" if mine else "not started"  # only unreadable answers: no attempt used
            rows.append(Row(part.address, question.title, max((a.points for a in mine), default=0.0),
                            part.points, used, status))
    return rows


def _expected(part: Part) -> tuple[str, str]:
    """The part's reference in the sheet's notation and as LaTeX (the sheet's own expression: author
    text, already parsed); ("", "") for a part without one."""
    import sympy  # the sheets are loaded, so sympy is too: this only names it

    answer = getattr(part.expects, "answer", None)
    text = answer.text if answer is not None and hasattr(answer, "text") else ""
    expr = getattr(answer, "expr", None)
    return text, sympy.latex(expr) if isinstance(expr, sympy.Basic) else ""


def _solution(s: Solution) -> SolutionView:
    steps = []
    for step in s.steps:
        # A `define:` names what the step's own maths already shows (`u(x) = 1 + e^{-x} ⇒ …`): drawn
        # only for a step that has no maths of its own, as the terminal does.
        shown = step.math is not None or bool(step.chain)
        displays = [] if shown else [f"{name} = {m.latex}" for name, m in step.define]
        if step.math is not None:
            displays.append(step.math.latex)
        if step.chain:
            first, *rest = (m.latex for m in step.chain)
            lines = [f"{first} &= {rest[0]}"] + [f"&= {m}" for m in rest[1:]] if rest else [first]
            displays.append("\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}")
        steps.append((step.say, tuple(displays)))
    return SolutionView(s.title, s.intro, tuple(steps), s.result.latex if s.result else "")
