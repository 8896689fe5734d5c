"""A wrong answer's plot for report.html's per-student feedback: the student's function against the
right one, as inline SVG (grader.grading.plots, drawn by grader.grading.plot_svg), and its words for
report.html and feedback/*.md."""

from __future__ import annotations

from grader.batch.model import Answer
from grader.core import caches
from grader.grading.plot_svg import svg
from grader.grading.plots import Plot, plot
from grader.sheets import variants
from grader.sheets.model import Sheet


def plot_svg(sheet: Sheet | None, answer: Answer) -> str | None:
    """An inline `<svg>` of `answer` (wrong) against the right function, or None when there is none:
    a right, invalid, missing or ungraded answer, a part that is not an expression, no sheet (a
    `Batch` read back without one), or a plot the engine cannot draw within its budget.

    `sheet` is the batch's sheet (`Batch.sheet`); the answer is drawn against the variant it was graded
    with (`Answer.variant`, of the question of its part)."""
    drawn = student_plot(sheet, answer)
    return svg(drawn) if drawn is not None else None


def plot_words(sheet: Sheet | None, answer: Answer) -> str:
    """What the plot shows, in words ("Your answer is 1 for x < 0, where the derivative is 0."), for
    feedback/*.md and under report.html's plot; "" when there is no plot or the counterexample says it."""
    drawn = student_plot(sheet, answer)
    return drawn.words if drawn is not None else ""


def student_plot(sheet: Sheet | None, answer: Answer) -> Plot | None:
    """The Plot of a wrong answer (see plot_svg), drawn once for all the reports."""
    if sheet is None or answer.result is None or answer.text is None or answer.status != "incorrect":
        return None
    key = (id(sheet), answer.address, answer.variant, answer.text)
    hit = _drawn.get(key)
    if hit is not None and hit[0] is sheet:  # a class writes the same wrong answer many times: drawn once
        return hit[1]
    graded = variants.for_task(sheet, answer.address, answer.variant)
    drawn = plot(graded, answer.address, answer.text, answer.result)
    if len(_drawn) >= MAX_DRAWN:
        _drawn.clear()
    _drawn[key] = (sheet, drawn)
    return drawn


# (the sheet's id, part, variant, answer text) -> (that sheet, its Plot): the sheet is kept and compared, so an id
# reused by another sheet never hits. Each distinct text is graded once per variant, to the same Result.
_drawn: dict[tuple[int, str, int, str], tuple[Sheet, Plot | None]] = {}
MAX_DRAWN = 4096
caches.register("batch.student_plots", _drawn)
