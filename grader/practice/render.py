"""What `grader practice`, `grader list` and `grader show` display, as rich renderables.

Nothing is printed here; rich drops the styles when colour is off (NO_COLOR, --no-color, a pipe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from grader.grading.feedback import method_words
from grader.grading.results import Result
from grader.practice.records import Record
from grader.sheets.model import (
    ChoiceAnswer,
    DerivationAnswer,
    ExpressionAnswer,
    IntervalAnswer,
    NumberAnswer,
    Part,
    Question,
    Sheet,
)
from grader.sheets.solutions import Solution, SolutionStep
from grader.text.numbers import num, points, score
from grader.text.terminal import expression_text, markdown_text, math_text

_STATUS = {"correct": ("✓ correct", "bold green"), "incorrect": ("✗ incorrect", "bold red"),
           "invalid": ("! not readable", "bold yellow")}
_RECORD = {"correct": ("✓ correct", "green"), "incorrect": ("✗ incorrect", "red"),
           "solution": ("solution shown", "yellow"), "skipped": ("skipped", "dim"),
           "unfinished": ("unfinished", "dim"), "not reached": ("–", "dim")}
_ENDED = {"quit": "You quit the session.", "eof": "Input ended (Ctrl-D).",
          "interrupt": "Interrupted (Ctrl-C)."}


def note(words: str, style: str = "dim") -> Text:
    return Text(words, style=style)


def header(sheet: Sheet, records: Sequence[Record], attempts: int, seed: int) -> Text:
    total = sum(r.max_points for r in records)
    out = Text(sheet.title + "\n", style="bold")
    plural = "s" if attempts != 1 else ""
    out.append(f"{len(records)} parts · {points(total)} · {attempts} attempt{plural} per part"
               f" · seed {seed}\n", style="dim")
    out.append("Type :help at any prompt for the commands (:hint, :solution, :skip, :quit).", style="dim")
    return out


def question_block(question: Question, number: int, count: int) -> Group:
    title = Text(f"{number}/{count}  {question.title}", style="bold cyan")
    return Group(Text(), Rule(title, align="left", style="cyan"), Text(markdown_text(question.statement)))


def group_ask(address: str, ask: str) -> Text:
    out = Text("\n")
    out.append(address, style="bold")
    out.append(f"  {markdown_text(ask)}")
    return out


def part_intro(part: Part) -> Text:
    out = Text("\n")
    out.append(part.address, style="bold magenta")
    out.append(f"  ({points(part.points)})  ", style="dim")
    out.append(markdown_text(part.ask))
    if isinstance(part.expects, DerivationAnswer):
        out.append(f"\nOne step per line (at least {part.expects.min_lines}); an empty line ends the answer.",
                   style="italic")
    return out


def prompt(address: str, attempt: int, attempts: int, *, continued: bool) -> str:
    """Plain text: the terminal side may style it, and readline must know its width."""
    if continued:
        return " " * cell_len(address) + " … "
    return f"{address} › " if attempt == 1 else f"{address} (attempt {attempt}/{attempts}) › "


@dataclass(frozen=True)
class _Fit:
    """A pretty-printed block, or its one-line form when the block is wider than the terminal
    (a wrapped two-dimensional formula is unreadable)."""

    block: str
    line: str

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = self.block.splitlines()
        if max((cell_len(r) for r in rows), default=0) + 2 <= options.max_width:
            yield Text("\n".join("  " + r for r in rows), no_wrap=True)
        else:
            yield Text("  " + self.line)


def verdict(result: Result, *, attempts_left: int | None, words: str = "") -> Group:
    """The echo of the answer first, then the verdict and the feedback, and for a wrong answer where and
    how it differs (`words`, grader.grading.plots.words). attempts_left is None when the answer cost no
    attempt."""
    parts: list[RenderableType] = []
    if result.parse_error is not None:
        parts.append(Text("\n".join("  " + r for r in result.parse_error.caret.splitlines()), no_wrap=True))
        if result.pretty is not None:  # a derivation: the lines that were read, as the feedback says
            parts.append(Text("\n".join("  " + r for r in result.pretty.splitlines()), no_wrap=True))
    elif result.steps:
        parts.append(Text("You entered:", style="bold"))
        for step in result.steps:
            line = Text("  ")
            line.append("✓" if step.ok else "✗", style="green" if step.ok else "red")
            line.append(f" line {step.line}: {expression_text(step.interpreted)}")
            parts.append(line)
    elif result.pretty is not None:
        parts.append(Text("You entered:", style="bold"))
        parts.append(_Fit(result.pretty, expression_text(result.interpreted or result.pretty)))
    label, style = _STATUS[result.status]
    head = Text("\n" if parts else "")
    head.append(label, style=style)
    if result.status == "correct" or result.points:
        head.append(f"  {score(result.points, result.max_points)}")
    if attempts_left is None:
        head.append("  (no attempt used)", style="dim")
    elif result.status != "correct":
        plural = "s" if attempts_left != 1 else ""
        left = f"{attempts_left} attempt{plural} left" if attempts_left else "no attempts left"
        head.append(f"  {left}", style="dim")
    parts += [head, Text(markdown_text(result.feedback))]
    if words:
        parts.append(Text(words))
    if result.status != "invalid":
        parts.append(Text(f"Decided by: {method_words(result.decided_by)}", style="dim"))
    return Group(*parts)


def hint(text: str, number: int, count: int) -> Text:
    out = Text(f"Hint {number}/{count}: ", style="bold cyan")
    out.append(markdown_text(text))
    return out


def no_more_hints(had_any: bool) -> Text:
    words = "No more hints." if had_any else "This part has no hints."
    return note(words + " :solution shows the worked solution.", "cyan")


def help_text(derivation: bool) -> Text:
    out = Text("Commands (type them at any prompt):\n", style="bold")
    for name, what in (
        (":hint", "the next hint for this part (also :h)"),
        (":solution", "show the worked solution and move on"),
        (":skip", "move on without answering"),
        (":quit", "stop and see the score (also Ctrl-D or Ctrl-C)"),
        (":help", "this list (also :?)"),
    ):
        out.append(f"  {name:<10}", style="bold")
        out.append(what + "\n")
    out.append("Answers may be plain maths (e^(-x)/(1+e^-x)^2), Python (np.exp(-x)), unicode (σ(x)(1−σ(x))) "
               "or LaTeX (\\frac{4}{(e^x+e^{-x})^2}).")
    if derivation:
        out.append("\nA derivation takes one expression per line, each equal to the one before; "
                   "an empty line ends it.")
    return out


# --- worked solutions ----------------------------------------------------------------------------


def _step_math(step: SolutionStep) -> list[str]:
    if step.chain:
        first, *rest = (math_text(m.latex) for m in step.chain)
        return [first] + [f"  = {r}" for r in rest]
    return [math_text(step.math.latex)] if step.math else []


# A step's words kept when only the steps are shown: a short lead-in ("For $x < 0$:", "by the chain rule")
# says where or why the step's maths holds; a longer explanation is for the full solution (`:solution`).
_LEAD_IN = 50


def _condition(say: str) -> bool:
    return 0 < len(say.strip()) <= _LEAD_IN


def solution_block(solution: Solution, *, full: bool) -> Text:
    """The whole worked solution, or (after a correct answer) its steps: the maths, each with its lead-in when
    that is short, without the longer explanations."""
    out = Text("\n")
    out.append("Worked solution" + ("" if full else " (steps)"), style="bold blue")
    out.append(f" of {solution.address}: {markdown_text(solution.title)}\n", style="blue")
    if full and solution.intro:
        out.append(markdown_text(solution.intro) + "\n")
    for step in solution.steps:
        lines = _step_math(step)
        if full and step.say:
            out.append(markdown_text(step.say) + "\n")
        elif not lines or _condition(step.say):  # a prose-only step's words are the step
            out.append("  " + markdown_text(step.say) + "\n", style="italic")
        for line in lines:
            out.append(("      " if full else "  ") + line + "\n")
    if full and solution.result is not None:
        out.append("Result: ", style="bold")
        out.append(math_text(solution.result.latex))
    out.rstrip()
    return out


def expected_answer(part: Part) -> str | None:
    match part.expects:
        case ChoiceAnswer() as e:
            return e.choice
        case DerivationAnswer() as e:
            return f"a chain from {e.start.text} to {e.target.text}"
        case IntervalAnswer() as e:
            return f"any number in [{e.low}, {e.high}]"
        case ExpressionAnswer() | NumberAnswer() as e:
            return e.answer.text
        case _ as e:
            assert_never(e)


def expected(part: Part) -> Text:
    answer = expected_answer(part)
    return note(f"A correct answer: {answer}" if answer else "No answer is recorded for this part.", "blue")


def no_solution(part: Part) -> Text:
    out = note(f"There is no worked solution for {part.address}. ", "blue")
    out.append(expected(part))
    return out


# --- the end of a session ------------------------------------------------------------------------


def score_table(records: Iterable[Record], ended: str) -> Group:
    rows = list(records)
    table = Table(title="Score", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_footer=True, pad_edge=False)
    table.add_column("part", footer="total")
    table.add_column("result")
    table.add_column("points", justify="right",
                     footer=f"{num(sum(r.points for r in rows))}/{num(sum(r.max_points for r in rows))}")
    table.add_column("attempts", justify="right")
    table.add_column("hints", justify="right")
    for r in rows:
        label, style = _RECORD[r.status]
        table.add_row(r.address, Text(label, style=style), f"{num(r.points)}/{num(r.max_points)}",
                      str(r.attempts), str(r.hints))
    lead: list[RenderableType] = [Text()]
    if ended in _ENDED:
        lead.append(note(_ENDED[ended]))
    return Group(*lead, table)


# --- grader list / grader show -------------------------------------------------------------------


def first_line(markdown: str) -> str:
    return " ".join(markdown_text(markdown).split())


def sheet_table(sheet: Sheet, bundled_id: str | None) -> Group:
    title = Text(sheet.title, style="bold")
    title.append(f"  ({bundled_id or sheet.path})", style="dim")
    table = Table(box=None, show_header=True, header_style="dim", pad_edge=False)
    parts = list(sheet.parts.values())
    table.add_column("address", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("asks", ratio=1)
    for part in parts:  # one row a part, cut to the width: `grader show` has the whole question
        ask = Text(first_line(part.ask), no_wrap=True, overflow="ellipsis")
        table.add_row(part.address, part.kind, num(part.points), ask)
    total = sum(p.points for p in sheet.parts.values())
    return Group(title, table, note(f"{len(sheet.parts)} parts, {num(total)} points"), Text())


def sheet_json(sheet: Sheet, bundled_id: str | None) -> dict[str, Any]:
    return {
        "id": sheet.id, "title": sheet.title, "bundled": bundled_id is not None, "path": sheet.path,
        "points": sum(p.points for p in sheet.parts.values()),
        "questions": [
            {"id": q.id, "title": q.title,
             "parts": [{"address": p.address, "kind": p.kind, "points": p.points, "ask": p.ask}
                       for p in q.parts]}
            for q in sheet.questions
        ],
    }


def show_block(question: Question, parts: Sequence[Part], solutions: Sequence[Solution] = ()) -> Group:
    """One question (only the named parts of it), and the worked solutions when asked."""
    items: list[RenderableType] = [Rule(Text(question.title, style="bold cyan"), align="left", style="cyan"),
                                   Text(markdown_text(question.statement))]
    shown_groups: set[str] = set()
    for part in parts:
        for group, ask in question.group_asks.items():
            if part.address.startswith(group + ".") and group not in shown_groups:
                shown_groups.add(group)
                items.append(group_ask(group, ask))
        items.append(part_intro(part))
    for solution in solutions:
        items.append(solution_block(solution, full=True))
    return Group(*items)
