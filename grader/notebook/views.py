"""Results, questions, hints and worked solutions as blocks (grader.notebook.doc). The words are the
grader's own: a Result's feedback and detail, the sheet's prose, `grader check`'s verdict line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

import sympy

from grader.grading import plot_svg, plots
from grader.grading.feedback import method_words
from grader.grading.preview import preview_lines
from grader.grading.render import MARKS, result_text
from grader.grading.results import Result
from grader.notebook.doc import Block, Display, Figure, Head, Pre, Prose, Shown, Verdict
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
from grader.sheets.solutions import Solution
from grader.text.numbers import points, score


def verdict_words(result: Result) -> str:
    """`✗ incorrect  sigmoid.a  0 / 2`: `grader check`'s first line."""
    return f"{MARKS[result.status]} {result.status}  {result.part}  {score(result.points, result.max_points)}"


def result_blocks(result: Result, sheet: Sheet, answer: str, *, verdict: bool = True) -> list[Block]:
    """A graded answer: the verdict, how the answer was read (typeset), the feedback, how it was decided.
    `sheet` is the variant graded, scoped to the part (its preview reads as grading read)."""
    blocks: list[Block] = [Verdict(result.status, verdict_words(result))] if verdict else []
    if result.parse_error is not None:
        blocks.append(Pre(result.parse_error.caret))
    elif result.interpreted is not None and sheet.part(result.part).kind != "choice":
        lines = [line.get("latex", "") for line in preview_lines(sheet, result.part, answer)]
        if result.steps and len(lines) == len(result.steps) and all(lines):
            for number, (step, latex) in enumerate(zip(result.steps, lines, strict=True), start=1):
                lead = f"{'✓' if step.ok else '✗'} line {number}" + ("" if step.ok else
                                                                         ": does not follow from the line before")
                blocks.append(Display(latex, lead))
        elif lines and all(lines):  # one line, or a derivation's lines before its steps could be checked
            blocks += [Display(latex, "Read as:" if n == 0 else "") for n, latex in enumerate(lines)]
        else:
            blocks.append(Pre(result.pretty or result.interpreted))
    blocks.append(Prose(result.feedback))
    drawn = plots.plot(sheet, result.part, answer, result)  # a wrong expression: it against the right one
    if drawn is not None:
        blocks.append(Figure(plot_svg.svg(drawn), drawn.words, drawn.description))
    if result.parse_error is not None and result.parse_error.hint and result.parse_error.hint not in result.feedback:
        blocks.append(Prose(result.parse_error.hint))
    blocks.append(Prose(f"Decided by: {result.decided_by}: {result.detail or method_words(result.decided_by)}",
                        quiet=True))
    return blocks


def checked(result: Result, sheet: Sheet, answer: str, note: str | None) -> Shown:
    """What `check` shows: text/plain is `grader check`'s output, word for word."""
    shown = result_blocks(result, sheet, answer)
    words = next((b.words for b in shown if isinstance(b, Figure)), "")  # the plot's, as `grader check` says them
    plain = (note + "\n" if note else "") + result_text(result, words).plain
    blocks: list[Block] = [Prose(note, quiet=True)] if note else []
    return Shown([*blocks, *shown], plain)


def preview_blocks(sheet: Sheet, address: str, text: str) -> list[Block]:
    """How a typed answer reads, before it is graded: typeset, or the caret and hint."""
    blocks: list[Block] = []
    for line in preview_lines(sheet, address, text):
        if "latex" in line:
            blocks.append(Display(line["latex"]))
        elif "plain" in line:
            blocks.append(Prose(f"`{line['plain']}`"))
        else:
            if line["caret"]:
                blocks.append(Pre(line["caret"]))
            blocks.append(Verdict("invalid", line["error"]))
            if line["hint"]:
                blocks.append(Prose(line["hint"]))
    return blocks


def part_blocks(part: Part) -> list[Block]:
    blocks: list[Block] = [Prose(f"**{part.address}** ({points(part.points)}) {part.ask}")]
    if isinstance(part.expects, DerivationAnswer):
        blocks.append(Prose(f"One step per line (at least {part.expects.min_lines}).", quiet=True))
    if isinstance(part.expects, ChoiceAnswer):
        blocks.append(Prose(f"One of: {', '.join(part.expects.choices)}.", quiet=True))
    return blocks


def question_blocks(question: Question, parts: Sequence[Part]) -> list[Block]:
    """A question as `grader show` shows it: title, statement, then each part asked (its group's ask first)."""
    blocks: list[Block] = [Head(question.title), Prose(question.statement)]
    asked: set[str] = set()
    for part in parts:
        for group, ask in question.group_asks.items():
            if part.address.startswith(group + ".") and group not in asked:
                asked.add(group)
                blocks.append(Prose(f"**{group}** {ask}"))
        blocks += part_blocks(part)
    return blocks


def hint_blocks(part: Part, shown: int) -> list[Block]:
    if not part.hints:
        return [Prose(f"There are no hints for {part.address}.", quiet=True)]
    blocks: list[Block] = [Prose(f"Hint {n} of {len(part.hints)}: {h}") for n, h in enumerate(part.hints[:shown], 1)]
    if shown >= len(part.hints):
        blocks.append(Prose("That was the last hint.", quiet=True))
    return blocks


def solution_blocks(solution: Solution | None, part: Part) -> list[Block]:
    """A worked solution, step by step (its prose and its displays); without one, a correct answer."""
    if solution is None:
        return [Prose(f"There is no worked solution for {part.address}."), *expected_blocks(part)]
    blocks: list[Block] = [Head(f"Worked solution of {solution.address}" +
                                (f": {solution.title}" if solution.title else ""), level=4)]
    if solution.intro:
        blocks.append(Prose(solution.intro))
    for step in solution.steps:
        if step.say:
            blocks.append(Prose(step.say))
        for name, math in step.define:
            blocks.append(Display(f"{name} = {math.latex}"))
        if step.math is not None:
            blocks.append(Display(step.math.latex))
        if step.chain:
            first, *rest = (m.latex for m in step.chain)
            body = " \\\\ ".join([f"& {first}", *(f"&= {r}" for r in rest)])
            blocks.append(Display(f"\\begin{{aligned}} {body} \\end{{aligned}}"))
    if solution.result is not None:
        blocks.append(Display(solution.result.latex, "Result:"))
    return blocks


def expected_blocks(part: Part) -> list[Block]:
    """A correct answer to the part, typeset where it is an expression."""
    match part.expects:
        case ChoiceAnswer() as e:
            return [Prose(f"A correct answer: `{e.choice}`")]
        case DerivationAnswer() as e:
            return [Display(f"{sympy.latex(e.start.expr)} = \\dots = {sympy.latex(e.target.expr)}",
                            "A correct answer is a chain of equal lines:")]
        case IntervalAnswer() as e:
            return [Display(f"[{sympy.latex(e.low)}, {sympy.latex(e.high)}]", "A correct answer: any number in")]
        case ExpressionAnswer() | NumberAnswer() as e:
            return [Display(sympy.latex(e.answer.expr), "A correct answer:")]
        case _ as e:
            assert_never(e)
