"""What a batch worker process does with one task. Only worker processes run this (it evaluates
student text with sympy); the batch's parent process only reads files and writes reports.

Two kinds of task: grade one distinct (part, answer), and decide whether two wrong answers to a
part are the same function (to group them in the summary). `handle` is the default handler; a
test may give the pool another one (see `grader.batch.grade.grade_paths(handler=...)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grader.grading.grade import grade
from grader.grading.results import Result
from grader.grading.wrong_answers import fingerprint, same
from grader.sheets import variants
from grader.sheets.model import Sheet


@dataclass(frozen=True)
class GradeTask:
    address: str
    text: str
    variant: int = 0  # of the part's question, for a randomised one (grader.batch.variants)


@dataclass(frozen=True)
class SameTask:
    """Are two wrong answers to one part the same function? (for grouping the summary)"""

    address: str
    a: str
    b: str
    variant: int = 0  # both answer this variant of the part's question (`α` names its value)


Task = GradeTask | SameTask


@dataclass(frozen=True)
class Graded:
    result: Result
    fingerprint: tuple[str, ...] | None  # values at fixed points, for wrong expressions and numbers


Handler = Callable[[Sheet, Task, float], "Graded | bool"]


def handle(sheet: Sheet, task: Task, seconds: float) -> Graded | bool:
    """Run one task with a budget of `seconds` (a fingerprint gets FINGERPRINT_SECONDS more)."""
    sheet = variants.for_task(sheet, task.address, task.variant)  # its variant; `α` names its value
    if isinstance(task, SameTask):
        return same(sheet, task.address, task.a, task.b, seconds)
    result = grade(sheet, task.address, task.text, seconds=seconds, pretty=False)  # exports drop `pretty`
    wanted = result.status == "incorrect" and sheet.part(task.address).kind in ("expression", "number")
    return Graded(result, fingerprint(sheet, task.address, task.text) if wanted else None)
