"""Grading a class: submission files -> a `Batch` (rows, per-part summaries), ready for reports.

    batch = grade_paths(["submissions/"], sheet="activation-derivatives", jobs=4)

The parent process never evaluates student text: files are read, and every distinct (part, answer
text) is graded once, in worker processes (grader.batch.pool), so a hostile file or answer can at
worst cost its own worker. `handler` is the seam for tests: it runs in the workers instead of
`grader.batch.worker.handle` (e.g. to make one answer hang or crash its worker).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from grader.batch.duplicates import Policy, choose
from grader.batch.groups import summarize
from grader.batch.model import Answer, Batch, Row
from grader.batch.pool import Failure, WorkerPool
from grader.batch.responses import read_responses
from grader.batch.submissions import (
    Submission,
    Unreadable,
    default_student,
    find,
    read,
    shown_path,
)
from grader.batch.variants import Chooser, Key
from grader.batch.which_sheet import choose_sheet, fit_sheet
from grader.batch.worker import Graded, GradeTask, Handler, SameTask, Task, handle
from grader.core.errors import UsageError
from grader.core.limits import DEFAULT_SECONDS
from grader.grading.grade import BUDGET, INTERNAL_ERROR, prepare
from grader.grading.submission_file import PLACEHOLDER_STUDENT
from grader.grading.wrong_answers import FINGERPRINT_SECONDS
from grader.sheets.model import Part, Sheet

DEFAULT_MEMORY_MB = 2048
KILL_GRACE_SECONDS = 1.0  # how long past its budget a task may run before its worker is killed
READ_CHUNK = 100  # files per reading task: few enough round trips, small enough to balance the workers
READ_SECONDS = 60.0  # per chunk; a file is at most 1 MB, so only a broken parser gets near this


class Progress(Protocol):
    """Where a batch reports how far it got (the CLI draws a bar or prints lines)."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


class _Silent:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


def grade_paths(
    paths: Sequence[str],
    *,
    sheet: str | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_SECONDS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Progress | None = None,
    handler: Handler = handle,
    skip: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    duplicates: Policy = "error",
) -> Batch:
    """Grade every submission file under `paths`.

    Folders in `skip` are not searched (the report folder). A `.csv` file named in `paths` is a CSV
    of responses (grader.batch.responses; `columns`: header -> part address or `student`). With
    `duplicates` `latest` or `best`, the per-part figures count one file per student (grader.batch.duplicates).
    Raises UsageError (bad paths, no files, a `columns` header a CSV lacks) and SheetErrors /
    UsageError (bad sheet) before any grading starts; nothing in a file raises.
    """
    progress = progress or _Silent()
    jobs = jobs or os.cpu_count() or 1
    found = find(paths, skip)
    tables = [f for f in found if f.lower().endswith(".csv")]
    files = [f for f in found if f not in tables]
    if columns and not tables:
        raise UsageError("--columns is for a CSV of responses, and no .csv file was given")
    progress.phase("reading", len(found))
    items = _read_all(files, jobs, memory_mb, progress) if files else []
    starts = [Path.cwd(), *dict.fromkeys(Path(p) if os.path.isdir(p) else Path(p).parent for p in paths)]
    choice = choose_sheet(sheet, items, starts, bool(tables))  # starts: where a course's exercises/ may be
    chosen = choice.sheet
    parts = chosen.parts  # a property that builds a dict: once, not once per file
    notes: list[str] = []
    for table in tables:  # read here, not in workers: the csv module runs no student text, and rows need the parts
        try:
            responses = read_responses(table, list(parts), columns, chosen.id)
        except UsageError as err:
            if not choice.source and sheet is None:  # the default or a bundled sheet: perhaps not the class's
                raise UsageError(err.problem, f"{err.fix}; or, if the class answered another sheet, give it with "
                                 f"--sheet (this batch grades `{chosen.id}`, {choice.how})") from None
            raise
        items += responses.rows
        if responses.ignored:
            notes.append(f"{shown_path(table)}: columns ignored (neither the student nor a part address): "
                         + ", ".join(f"`{h}`" for h in responses.ignored))
        notes += responses.warnings
        progress.advance(1)
    items = [fit_sheet(item, choice, parts) for item in items]
    chooser = Chooser(chosen)  # randomised questions: each answer is graded against its student's variant
    keys = sorted({(a, t, chooser.index(s, a)) for s in items if isinstance(s, Submission)
                   for a, t in s.answers.items()}, key=_task_order(chosen))
    deadline = timeout + FINGERPRINT_SECONDS + KILL_GRACE_SECONDS
    _warm_up(chosen)
    work = _bind(handler, chosen, timeout)
    pool: WorkerPool[Task, object] = WorkerPool(work, jobs=jobs, deadline=deadline, memory_mb=memory_mb)
    with pool:
        progress.phase("grading", len(keys))
        outputs = pool.run([GradeTask(a, t, v) for a, t, v in keys], lambda _: progress.advance(1))
        graded: dict[Key, object] = dict(zip(keys, outputs, strict=True))
        others = _other_variants(keys, graded, chooser)
        if others:  # a wrong answer right for another variant: a student who answered someone else's question
            progress.phase("rechecking", len(others))
            again = pool.run([GradeTask(a, t, v) for a, t, v in others], lambda _: progress.advance(1))
            right = {key for key, out in zip(others, again, strict=True)
                     if isinstance(out, Graded) and out.result.status == "correct"}
        else:
            right = set()
        rows = tuple(sorted((_row(item, parts, graded, chooser, right) for item in items),
                            key=lambda r: (r.student, r.file)))
        points = tuple((address, part.points) for address, part in parts.items())

        def confirm(tasks: list[SameTask]) -> list[bool]:
            if not tasks:
                return []
            progress.phase("grouping", len(tasks))
            return [out is True for out in pool.run(tasks, lambda _: progress.advance(1))]

        counted = choose(rows, duplicates)  # the figures count what the LMS files hold: one file per student
        summaries = summarize(points, counted.rows, graded, confirm)
    return Batch(chosen.id, chosen.title, points, rows, summaries, len(keys), tuple(notes) + _warnings(rows),
                 chosen, choice.source, counted.dropped, right_elsewhere=_elsewhere(right, chooser))


def _read_all(files: list[str], jobs: int, memory_mb: int, progress: Progress) -> list[Submission | Unreadable]:
    """Read files in worker processes, in chunks: parsing 10,000 YAML files is most of a big batch's
    serial work, and a file that crashes the parser then costs only itself (its chunk is retried
    one file at a time)."""
    chunks = [files[i:i + READ_CHUNK] for i in range(0, len(files), READ_CHUNK)]
    pool: WorkerPool[list[str], list[Submission | Unreadable]] = WorkerPool(
        _read_chunk, jobs=min(jobs, len(chunks)), deadline=READ_SECONDS, memory_mb=memory_mb)
    with pool:
        read_chunks = pool.run(chunks, lambda i: progress.advance(len(chunks[i])))
        retry = [file for chunk, out in zip(chunks, read_chunks, strict=True) if isinstance(out, Failure)
                 for file in chunk]
        alone = dict(zip(retry, pool.run([[file] for file in retry]), strict=True))
    items: list[Submission | Unreadable] = []
    for chunk, out in zip(chunks, read_chunks, strict=True):
        if not isinstance(out, Failure):
            items += out
            continue
        for file in chunk:
            single = alone[file]
            if isinstance(single, Failure):
                shown = shown_path(file)
                items.append(Unreadable(shown, default_student(shown), f"reading the file failed: {single.reason}"))
            else:
                items += single
    return items


def _read_chunk(files: list[str]) -> list[Submission | Unreadable]:
    return [read(file) for file in files]


def _warm_up(sheet: Sheet) -> None:
    """Grade the sheet's own answers here, once, before workers are forked: the first grading in a
    process pays ~0.5 s of lazy imports and caches, which forked workers then inherit instead of
    each paying it again. Only the sheet's text is evaluated here, as sheets.load already does.
    `prepare` also compiles and evaluates the known mistakes; then everything alive is frozen, so
    the cyclic GC of each worker never scans it again (~10 % of grading) nor copies its pages."""
    for address in sheet.parts:
        prepare(sheet, address)
    gc.freeze()


def _bind(handler: Handler, sheet: Sheet, seconds: float) -> Callable[[Task], object]:
    # Workers are forked, so this closure is inherited, never pickled.
    def work(task: Task) -> object:
        return handler(sheet, task, seconds)

    return work


def _task_order(sheet: Sheet) -> Callable[[Key], tuple[int, str, int]]:
    order = {address: i for i, address in enumerate(sheet.parts)}
    return lambda key: (order[key[0]], key[1], key[2])


def _other_variants(keys: Sequence[Key], graded: Mapping[Key, object], chooser: Chooser) -> list[Key]:
    """Each wrong answer to a randomised question, at each other variant (to see if it is right there)."""
    out = set()
    for address, text, index in keys:
        count = chooser.counts.get(address.split(".", 1)[0], 1)
        result = graded[(address, text, index)]
        if count > 1 and isinstance(result, Graded) and result.result.status == "incorrect":
            out |= {(address, text, j) for j in range(count) if j != index}
    return sorted(out, key=_task_order(chooser.sheet))


def _elsewhere(right: set[Key], chooser: Chooser) -> dict[tuple[str, str], tuple[str, ...]]:
    """(part, text) -> the variants a wrong answer is right for, in variant order."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for address, text, j in sorted(right):
        out[(address, text)] = (*out.get((address, text), ()), chooser.label(address, j))
    return out


def _right_elsewhere(answers: Sequence[Answer], chooser: Chooser, right: set[Key]) -> tuple[str, ...]:
    """Notes for wrong answers that are right for another variant of their question."""
    notes = []
    for a in answers:
        if a.status != "incorrect" or a.text is None:
            continue
        count = chooser.counts.get(a.address.split(".", 1)[0], 1)
        elsewhere = [j for j in range(count) if (a.address, a.text, j) in right]
        if elsewhere:
            shown = " or ".join(chooser.label(a.address, j) for j in elsewhere)
            notes.append(f"`{a.address}` is wrong for {chooser.label(a.address, a.variant)}, the variant graded, but "
                         f"right for {shown}: another variant's question was answered (another student's, or a "
                         "template that showed the first variant's values); it scored 0")
    return tuple(notes)


def _row(item: Submission | Unreadable, parts: dict[str, Part], graded: dict[Key, object], chooser: Chooser,
         right: set[Key] | None = None) -> Row:
    max_total = round(sum(p.points for p in parts.values()), 6)
    if isinstance(item, Unreadable):
        return Row(item.student, item.file, (), max_total, item.reason, modified=item.modified, foreign=item.foreign)
    refused = {address: (text, why) for address, text, why in item.refused}
    answers = []
    for address, part in parts.items():
        text = item.answers.get(address)
        if address in refused:
            shown, why = refused[address]
            answers.append(Answer(address, "invalid", 0.0, part.points, shown, error=why))
        elif text is None:
            answers.append(Answer(address, "missing", 0.0, part.points))
        else:
            index = chooser.index(item, address)
            answers.append(replace(_answer(address, part.points, text, graded[(address, text, index)]), variant=index))
    notes = item.notes + _id_note(item, chooser.randomised) + _right_elsewhere(answers, chooser, right or set())
    return Row(item.student, item.file, tuple(answers), max_total, seed=chooser.seed(item),
               variant=chooser.values(item), notes=notes, modified=item.modified, submitted=item.submitted,
               when=item.when, named_by=item.named_by)


def _id_note(item: Submission, randomised: bool) -> tuple[str, ...]:
    """A note for an id that is the file name: it goes to the LMS files, and may pick other variants."""
    if item.named_by == "student":
        return ()
    why = ("no `student:` in the file" if item.named_by == "file" else
           f"`student: {PLACEHOLDER_STUDENT}` is the template's placeholder, not an id")
    variants = (", and picks its variants of the randomised questions (perhaps not those the student answered)"
                if randomised and item.seed is None else "")
    return (f"{why}: its file name is its id in every report and LMS file{variants}; write `student: ID` in it",)


def _answer(address: str, max_points: float, text: str, output: object) -> Answer:
    if isinstance(output, Failure):
        return Answer(address, "error", 0.0, max_points, text, error=f"the grader could not grade it: {output.reason}")
    if not isinstance(output, Graded):
        return Answer(address, "error", 0.0, max_points, text, error="the grader returned no result")
    result = output.result
    if result.decided_by == BUDGET:  # too costly to check: a person should look, not a 0 as `invalid`
        return Answer(address, "error", 0.0, max_points, text, result, f"checking it took too long: {result.feedback}")
    if result.decided_by == INTERNAL_ERROR:
        return Answer(address, "error", 0.0, max_points, text, result, result.feedback)
    return Answer(address, result.status, result.points, max_points, text, result)


def _warnings(rows: Sequence[Row]) -> tuple[str, ...]:
    files: dict[str, list[str]] = {}
    for row in rows:
        files.setdefault(row.student, []).append(row.file)
    twice = [f"student `{student}` has {len(found)} files: {', '.join(found)}"
             for student, found in sorted(files.items()) if len(found) > 1]
    eaten = [f"{row.file} (student `{row.student}`), part `{a.address}`: {a.error}"
             for row in rows for a in row.answers if a.status == "invalid" and a.result is None and a.error]
    notes = [f"{row.file} (student `{row.student}`): {note}" for row in rows for note in row.notes]
    return tuple(twice + eaten + notes)
