"""The notebook's functions: check, show, hint, solution, answer, save, use. State (the sheet in use,
the answers recorded, the hints shown) lives in this module for the kernel's session."""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.core.errors import GraderError, describe
from grader.grading import grade as grading
from grader.grading.render import MARKS
from grader.grading.results import Result
from grader.grading.submission_file import PLACEHOLDER_STUDENT, submission_text, write_submission
from grader.notebook import views
from grader.notebook.doc import Block, Prose, Shown, Table, Verdict
from grader.sheets import cache as sheet_cache
from grader.sheets import solutions as solution_files
from grader.sheets import variants
from grader.sheets.model import Sheet
from grader.sheets.select import select
from grader.sheets.solutions import SolutionFile
from grader.text.escapes import eaten, example, visible
from grader.text.numbers import score


class NotebookError(Exception):
    """A mistake in a call (an unknown part, a sheet that cannot be read): one line in the notebook,
    not a traceback (IPython shows `_render_traceback_` instead of the stack)."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31mgrader:\x1b[0m {self}"]


@dataclass
class State:
    sheet: str | None = None  # a sheet file or bundled id; None: the default sheet, as `grader check`
    seed: int | None = None
    student: str | None = None
    solutions: str | None = None
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet id -> part -> text, as recorded
    hints: dict[tuple[str, str], int] = field(default_factory=dict)  # (sheet id, part) -> hints shown


state = State()


def use(sheet: str | None = None, *, seed: int | None = None, student: str | None = None,
        solutions: str | None = None) -> Shown:
    """Set the sheet (a file or bundled id), the variant (`seed`, or the `student` id's, as batch grading
    picks it) and the worked solutions that the other calls use when they are not given their own."""
    if seed is not None and student is not None:
        raise NotebookError("give seed= or student=, not both (a student's variants come from the id)")
    if student is not None and (not student.strip() or not student.isprintable()):
        raise NotebookError("student= must be a printable id")
    state.sheet, state.seed, state.solutions = sheet, seed, solutions
    state.student = _real(student)
    loaded, _ = load(None, None)
    which = f", the variants of {state.student}" if state.student else (f", seed {seed}" if seed is not None else "")
    return Shown([Prose(f"Using **{loaded.title}** (sheet `{loaded.id}`, {len(loaded.parts)} parts{which}).")])


def _real(student: str | None) -> str | None:
    """The id, or None for none or the placeholder a blank notebook or template holds."""
    if student is None or student.strip().lower() == PLACEHOLDER_STUDENT:
        return None
    return student.strip()


def load(sheet: str | None, seed: int | None) -> tuple[Sheet, int | None]:
    """The sheet and variant a call uses: its own, else those `use` set."""
    if seed is None:
        seed = state.seed if state.seed is not None else (
            variants.seed_for_student(state.student) if state.student else None)
    try:
        return variants.pick(sheet_cache.load(sheet if sheet is not None else state.sheet), seed), seed
    except GraderError as err:
        raise NotebookError(describe(err)) from None


def part_of(sheet: Sheet, address: str) -> None:
    try:
        sheet.part(address)
    except GraderError as err:
        raise NotebookError(describe(err)) from None


def answer_text(answer: object) -> str:
    """An answer as the grader reads it: text as it is; a sympy expression through the grader's own
    printer (never the other way: text is never made into code); a list of lines for a derivation."""
    if isinstance(answer, str):
        if eaten(answer):
            command, said = example(answer)
            raise NotebookError(f"in a Python string a backslash starts an escape: {said}; the answer reached the "
                                f"grader as `{visible(answer)}`. Write it as a raw string, r\"\\{command}\", or "
                                "double each backslash")
        return answer
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, int | float):
        return repr(answer)
    if isinstance(answer, list | tuple) and answer:
        return "\n".join(answer_text(line) for line in answer)
    sympy = sys.modules.get("sympy")
    if sympy is not None and isinstance(answer, sympy.Basic):
        from grader.text.pretty import text

        return text(answer)
    raise NotebookError(f"an answer is text (such as 'σ(x)(1-σ(x))'), a sympy expression, or a list of lines for "
                        f"a derivation; not {type(answer).__name__}")


class Checked(Shown):
    """A graded answer: shown richly in a notebook, its Result in `.result` (`.status`, `.points`, ...)."""

    def __init__(self, result: Result, shown: Shown) -> None:
        super().__init__(shown.blocks, shown.plain())
        self.result = result

    @property
    def correct(self) -> bool:
        return self.result.status == "correct"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "result":  # copy and pickle look before __init__ ran
            raise AttributeError(name)
        return getattr(self.result, name)  # status, points, max_points, feedback, ...


def check(part: str, answer: object, *, sheet: str | None = None, seed: int | None = None) -> Checked:
    """Grade one answer to one part, as `grader check` does, and show why (typeset where the front end can)."""
    loaded, seed = load(sheet, seed)
    part_of(loaded, part)
    text = answer_text(answer)
    scoped = variants.scoped(loaded, part)
    result = grading.grade(scoped, part, text)
    return Checked(result, views.checked(result, scoped, text, _variant_note(loaded, part, seed)))


def _variant_note(sheet: Sheet, part: str, seed: int | None) -> str | None:
    """`Variant alpha=0.1 (seed 7)` above a randomised question's result, as `grader check` prints it;
    without a seed, how a student picks their own here (not a command-line option)."""
    question = variants.question_of(sheet, part)
    if question is None or variants.variant_count(question) <= 1:
        return None
    which = f"seed {seed}" if seed is not None else 'the first variant; gn.use(student="your id") picks yours'
    return f"Variant {variants.label(question.values)} ({which})"


def show(name: str | None = None, *, sheet: str | None = None, seed: int | None = None) -> Shown:
    """A question, a group (relu.b) or a part as `grader show` shows it; a whole sheet without a name,
    or given a sheet's id or file instead (`gn.show("piecewise-activations")`)."""
    loaded, _ = load(sheet, seed)
    try:
        plan = select(loaded, [name] if name else [])
    except GraderError as err:
        if sheet is None and name is not None and _a_sheet(name):  # gn.show("piecewise-activations")
            return show(sheet=name, seed=seed)
        raise NotebookError(describe(err)) from None
    blocks: list[Block] = []
    if not name:
        blocks.append(Prose(f"**{loaded.title}**"))
    for question, parts in plan:
        blocks += views.question_blocks(question, parts)
    return Shown(blocks)


def _a_sheet(name: str) -> bool:
    try:
        sheet_cache.load(name)
    except GraderError:
        return False
    return True


def hint(part: str, *, sheet: str | None = None, seed: int | None = None) -> Shown:
    """The part's hints so far and one more each time it is called (they stay counted for the session)."""
    loaded, _ = load(sheet, seed)
    part_of(loaded, part)
    found = loaded.part(part)
    key = (loaded.id, part)
    state.hints[key] = min(state.hints.get(key, 0) + 1, len(found.hints))
    return Shown(views.hint_blocks(found, state.hints[key]))


def worked_solutions(loaded: Sheet) -> SolutionFile | None:
    try:
        given = Path(state.solutions) if state.solutions else None
        return variants.fill_solutions(solution_files.load_for(loaded, given), loaded)
    except GraderError as err:
        raise NotebookError(describe(err)) from None


def solution(part: str, *, sheet: str | None = None, seed: int | None = None) -> Shown:
    """The worked solution of the part (or of its group), typeset; a correct answer when there is none."""
    loaded, _ = load(sheet, seed)
    part_of(loaded, part)
    found = worked_solutions(loaded)
    return Shown(views.solution_blocks(found.for_part(part) if found else None, loaded.part(part)))


def answer(part: str, text: object, *, student: str | None = None, sheet: str | None = None) -> Shown:
    """Record the answer to a part for `save` (the last one given counts) and show how it reads, without
    grading it. In a notebook handed in, `grader grade` reads these calls' text without running them:
    write the answer as a plain string there."""
    if student is not None:
        if not student.strip() or not student.isprintable():
            raise NotebookError("student= must be a printable id")
        state.student = _real(student) or state.student
    loaded, _ = load(sheet, None)
    part_of(loaded, part)
    written = answer_text(text)
    record(loaded, part, written)
    scoped = variants.scoped(loaded, part)
    blocks: list[Block] = [Verdict("note", f"Recorded for {part}.")]
    blocks += views.preview_blocks(scoped, part, written) or [Prose("(blank: no answer)", quiet=True)]
    return Shown(blocks)


def check_all(*, sheet: str | None = None) -> Shown:
    """Grade every answer recorded with `answer` (and in the practice widget) and show the score table:
    what `grader grade` gives the notebook handed in (every check is the real one; none is hidden)."""
    loaded, _ = load(sheet, None)
    given = answers(sheet)
    rows: list[tuple[str, str, str]] = []
    got = 0.0
    for address, part in loaded.parts.items():
        if address not in given:
            rows.append((address, "no answer", score(0, part.points)))
            continue
        result = grading.grade(variants.scoped(loaded, address), address, given[address])
        got += result.points
        rows.append((address, f"{MARKS[result.status]} {result.status}", score(result.points, part.points)))
    total = sum(p.points for p in loaded.parts.values())
    missing = sum(1 for a in loaded.parts if a not in given)
    words = f"Total {score(got, total)}" + (f" · {missing} part(s) without an answer" if missing else "")
    return Shown([Table(("part", "verdict", "points"), tuple(rows)), Verdict("note", words)])


def record(sheet: Sheet, part: str, text: str) -> None:
    answers = state.answers.setdefault(sheet.id, {})
    answers.pop(part, None)
    if text.strip():
        answers[part] = text


def answers(sheet: str | None = None) -> dict[str, str]:
    """The answers recorded for the sheet, in sheet order."""
    loaded, _ = load(sheet, None)
    given = state.answers.get(loaded.id, {})
    return {a: given[a] for a in loaded.parts if a in given}


def save(path: str | os.PathLike[str] = "answers.yaml", *, student: str | None = None,
         sheet: str | None = None) -> Shown:
    """Write the recorded answers (from `answer` and the practice widget) as the submission file
    `grader practice --save` writes; `grader grade FILE` grades it. Written whole or not at all."""
    loaded, seed = load(sheet, None)
    who = _real(student) or state.student or ""
    ordered = answers(sheet)
    spec = sheet if sheet is not None else state.sheet
    ref = shlex.quote(spec) if spec and Path(spec).suffix in (".yaml", ".yml") else loaded.id  # as typed: it works
    text = submission_text(who or PLACEHOLDER_STUDENT, loaded.id, ordered,
                           None if who or not loaded.randomised else seed, loaded.title, ref, by="grader.notebook.save")
    target = Path(path)
    try:
        write_submission(target, text)
    except OSError as exc:
        raise NotebookError(f"cannot write `{target}`: {exc.strerror or exc}") from None
    words = f"Saved {len(ordered)} answer(s) to `{target}`." + ("" if who else " Set `student:` in it to your id.")
    return Shown([Verdict("note", words), Prose(f"Check it with: `grader grade {target} --sheet {ref}`", quiet=True)])
