"""What a worker process runs: grade one answer, draw a wrong one's plot, preview how an answer
reads, or tell whether two wrong answers are equal (to group them on the instructor page). Sheets
load once per worker."""

from __future__ import annotations

from typing import Any

from grader.core import limits
from grader.grading.grade import grade
from grader.grading.plots import plot_at
from grader.grading.preview import PREVIEW_SECONDS, preview_lines
from grader.grading.results import Point
from grader.grading.wrong_answers import fingerprint, same
from grader.sheets import cache, variants
from grader.sheets.model import Sheet

__all__ = ["PREVIEW_SECONDS", "grade_answer", "plot_answer", "preview", "same_answers"]
_sheets: dict[str, Sheet] = {}


def _sheet(path: str, seed: int, address: str) -> Sheet:
    sheet = _sheets.get(path)
    if sheet is None:
        sheet = _sheets[path] = cache.load(path)
    return variants.scoped(variants.pick(sheet, seed), address)


def grade_answer(path: str, seed: int, address: str, answer: str, seconds: float) -> dict[str, Any]:
    """The Result of `grader.grading.grade.grade` as JSON data (the form it crosses processes in);
    a wrong expression or number also gets its `fingerprint`, as batch grading's (it takes at most
    FINGERPRINT_SECONDS more, well within the server's kill grace), and a readable answer the LaTeX
    of each of its lines (`read_latex`, as the preview shows it). No plot: drawing one takes ten times
    as long as grading, so the page asks for it afterwards (`plot_answer`), a job that waits while
    grades wait."""
    sheet = _sheet(path, seed, address)
    result = grade(sheet, address, answer, seconds=seconds, pretty=False)  # pages show `interpreted`, LaTeX
    data = result.to_json()
    if result.status == "incorrect" and sheet.part(address).kind in ("expression", "number"):
        data["fingerprint"] = fingerprint(sheet, address, answer)
    if result.status != "invalid":  # how it was read, typeset on the page as the live preview is
        data["read_latex"] = [line.get("latex", "") for line in preview(path, seed, address, answer)]
    return data


def plot_answer(path: str, seed: int, address: str, answer: str, counterexample: dict[str, Any],
                seconds: float) -> dict[str, Any] | None:
    """A graded wrong answer's plot (grader.grading.plots) as data, from its stored counterexample:
    numbers and short words, never markup (the page draws it: grader.grading.plot_svg); None when
    there is none to draw."""
    point = Point.from_json(counterexample)
    if point is None:
        return None
    drawn = plot_at(_sheet(path, seed, address), address, answer, point, seconds=min(seconds, limits.PLOT_SECONDS))
    return drawn.to_json() if drawn is not None else None


def same_answers(path: str, seed: int, address: str, a: str, b: str, seconds: float) -> bool:
    """Whether two answers to the variant of `address` that `seed` picks are equal (`same`)."""
    return same(_sheet(path, seed, address), address, a, b, seconds)


def preview(path: str, seed: int, address: str, text: str) -> list[dict[str, str]]:
    """Each line of `text` as LaTeX, or why it cannot be read (grader.grading.preview)."""
    return preview_lines(_sheet(path, seed, address), address, text)
