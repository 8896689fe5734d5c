"""A practice session: ask each part of a sheet, grade what the student types, keep the score.

No terminal here: the session reads through an injected `read_line(prompt)` (which raises EOFError
or KeyboardInterrupt like `input()`) and shows rich renderables through `show`, so whole sessions
run in tests without a terminal. `grader.cli.practice` wires it to the real one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from rich.console import RenderableType

from grader.core.errors import UsageError
from grader.grading.results import Result
from grader.practice import render as view
from grader.practice.records import Ending, Record, Summary
from grader.sheets import variants
from grader.sheets.model import Part, Question, Sheet
from grader.sheets.select import Plan, covers, select
from grader.sheets.solutions import Solution, SolutionFile

ReadLine = Callable[[str], str]
Show = Callable[[RenderableType], None]
Grade = Callable[[Sheet, str, str], Result]

COMMANDS = ("hint", "solution", "skip", "quit", "help")
__all__ = ["Plan", "Session", "command_of", "commands_starting", "select", "solution_for", "warm_up"]
_ALIASES = {"?": "help", "h": "hint", "q": "quit", "exit": "quit"}  # `:h` is the one asked for most


def command_of(line: str) -> str | None:
    """The command a line names (`:hint`, `:so`, `:q`), "" for an unknown one, None for an answer."""
    word = line.strip()
    if not word.startswith(":"):
        return None
    word = word[1:].strip().lower()
    if word in _ALIASES:
        return _ALIASES[word]
    matches = commands_starting(word)
    return matches[0] if len(matches) == 1 else ""


def commands_starting(word: str) -> list[str]:
    """The commands a typed prefix could mean (`s`: skip and solution)."""
    return [c for c in COMMANDS if word and c.startswith(word)]


def solution_for(solutions: SolutionFile | None, address: str) -> Solution | None:
    return solutions.for_part(address) if solutions is not None else None


def warm_up() -> None:
    """Load the pretty printer before the first prompt, not after the student's first Enter. (Not in
    a thread: an import still running there when Ctrl-C arrives could hang the exit.) Through
    grader.text.pretty, as grading prints, which spares the ~0.3 s import of sympy.physics."""
    import sympy

    from grader.text.pretty import pretty

    a, b = sympy.symbols("a b")
    pretty(a * b)


class _Quit(Exception):
    """`:quit` at a prompt."""


@dataclass
class Session:
    sheet: Sheet
    read_line: ReadLine
    show: Show
    solutions: SolutionFile | None = None
    attempts: int = 3
    seed: int = 0
    only: Sequence[str] = ()
    working: Callable[[], AbstractContextManager[object]] = nullcontext  # e.g. a spinner while grading
    grade: Grade | None = None  # injected in tests; default grader.grading.grade.grade
    plan: Plan = field(init=False)
    records: dict[str, Record] = field(init=False)
    answers: dict[str, str] = field(init=False, default_factory=dict)  # the last graded answer per part (--save)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise UsageError("--attempts must be at least 1")
        self.sheet = variants.pick(self.sheet, self.seed)  # a randomised question: the variant of this seed
        self.solutions = variants.fill_solutions(self.solutions, self.sheet)
        self.plan = select(self.sheet, self.only)
        random.Random(self.seed).shuffle(self.plan)  # questions move; parts keep their order (b builds on a)
        self.records = {p.address: Record(p.address, p.points) for _, parts in self.plan for p in parts}
        self._shown_solutions: set[str] = set()
        self._shown_groups: set[str] = set()
        self._eof_after_grading = False

    def run(self) -> Summary:
        """Ask every part; end with the score table however the session ends."""
        ended: Ending = "finished"
        try:
            self.show(view.header(self.sheet, list(self.records.values()), self.attempts, self.seed))
            for number, (question, parts) in enumerate(self.plan, 1):
                self.show(view.question_block(question, number, len(self.plan)))
                for part in parts:
                    self._ask(question, part)
        except _Quit:
            ended = "quit"
        except EOFError:
            ended = "eof"
        except KeyboardInterrupt:
            ended = "interrupt"
        summary = Summary(list(self.records.values()), ended)
        self.show(view.score_table(summary.records, ended))
        return summary

    # --- one part --------------------------------------------------------------------------------

    def _ask(self, question: Question, part: Part) -> None:
        for group, ask in question.group_asks.items():
            if covers(group, part.address) and group not in self._shown_groups:
                self._shown_groups.add(group)
                self.show(view.group_ask(group, ask))
        record = self.records[part.address]
        record.status = "unfinished"
        self.show(view.part_intro(part))
        while True:
            answer = self._read_answer(part, record)
            if answer == ":skip":
                record.status = "skipped"
                self.show(view.note("Skipped."))
                return
            if answer == ":solution":
                record.status = "solution"
                self._show_solution(part, full=True, explicit=True)
                return
            if self._grade_once(part, record, answer):
                return

    def _grade_once(self, part: Part, record: Record, answer: str) -> bool:
        """Grade one answer; True when the part is over (correct, or no attempts left)."""
        from grader.grading import plots  # lazy, as grading is: the first prompt appears before sympy is loaded

        with self.working():
            scoped = variants.scoped(self.sheet, part.address)  # its parameters may be named (α)
            result = (self.grade or _default_grade)(scoped, part.address, answer)
            words = plots.words(scoped, part.address, answer, result)  # a few words in place of the plot
        self.answers[part.address] = answer
        counts = result.status != "invalid"  # an unreadable answer costs no attempt
        record.attempts += counts
        record.points = max(record.points, result.points)
        left = self.attempts - record.attempts
        self.show(view.verdict(result, attempts_left=left if counts else None, words=words))
        if not counts and answer.strip().lower() in COMMANDS:
            self.show(view.note(f"Commands start with a colon: :{answer.strip().lower()}", "yellow"))
        done = result.status == "correct" or left <= 0
        if done:
            record.status = "correct" if result.status == "correct" else "incorrect"
            self._show_solution(part, full=result.status != "correct", explicit=False)
        if self._eof_after_grading:
            raise EOFError
        return done

    def _read_answer(self, part: Part, record: Record) -> str:
        """One answer (several lines for a derivation), or ":skip" / ":solution". Hints and help are
        handled here, so they work on any line of a derivation without losing the lines typed."""
        lines: list[str] = []
        while True:
            prompt = view.prompt(part.address, record.attempts + 1, self.attempts, continued=bool(lines))
            try:
                line = self.read_line(prompt)
            except EOFError:
                if not lines:
                    raise
                self._eof_after_grading = True  # grade what was typed, then end the session
                return "\n".join(lines)
            command = command_of(line)
            if command == "quit":
                raise _Quit
            if command in ("skip", "solution"):
                return f":{command}"
            if command == "":
                self._unknown(line)
            elif command is not None:
                self._command(command, part, record)
            elif not line.strip():
                if lines:
                    return "\n".join(lines)
            elif part.kind != "derivation":
                return line
            else:
                lines.append(line)

    def _command(self, command: str, part: Part, record: Record) -> None:
        if command == "hint":
            if record.hints < len(part.hints):
                record.hints += 1
                self.show(view.hint(part.hints[record.hints - 1], record.hints, len(part.hints)))
            else:
                self.show(view.no_more_hints(bool(part.hints)))
        elif command == "help":
            self.show(view.help_text(part.kind == "derivation"))

    def _unknown(self, line: str) -> None:
        typed = line.strip()
        meant = commands_starting(typed[1:].strip().lower())
        if len(meant) > 1:
            options = " or ".join(f":{c}" for c in meant)
            self.show(view.note(f"`{typed}` could be {options}: type a letter more.", "yellow"))
        else:
            known = " ".join(f":{c}" for c in COMMANDS)
            self.show(view.note(f"Unknown command. Commands: {known}", "yellow"))

    def _show_solution(self, part: Part, *, full: bool, explicit: bool) -> None:
        solution = solution_for(self.solutions, part.address)
        if solution is None:
            if explicit or full:
                self.show(view.no_solution(part))
            return
        if solution.address in self._shown_solutions:
            if explicit:
                self.show(view.note(f"The worked solution of {solution.address} is shown above."))
            return
        # A group's solution answers all its sub-parts: keep it for the last of them, unless asked.
        last = [a for a in self.records if covers(solution.address, a)][-1]
        if not explicit and part.address != last:
            if full:
                self.show(view.expected(part))
            return
        self._shown_solutions.add(solution.address)
        self.show(view.solution_block(solution, full=full))


def _default_grade(sheet: Sheet, address: str, answer: str) -> Result:
    from grader.grading.grade import grade  # lazy: the first prompt appears before sympy is loaded

    return grade(sheet, address, answer)
