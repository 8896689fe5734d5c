"""What a worker process runs: grade one answer, draw a wrong one's plot, preview how an answer
reads, or tell whether two wrong answers are equal (to group them on the instructor page). Sheets
are loaded once, before any worker is forked, and in class mode their parts prepared (`prepare_parts`,
run in the workers' forkserver by grader.serve.prepared); a sheet not loaded there loads at its first use."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from grader.core import limits
from grader.core.errors import BudgetExceeded
from grader.grading.grade import grade, prepare
from grader.grading.plots import plot_at
from grader.grading.preview import PREVIEW_SECONDS, preview_lines
from grader.grading.results import Point
from grader.grading.wrong_answers import fingerprint, same
from grader.sheets import cache, variants
from grader.sheets.model import Sheet

__all__ = ["PREPARE_SECONDS", "PREVIEW_SECONDS", "grade_answer", "plot_answer", "preparations", "prepare_parts",
           "prepared", "preview", "same_answers"]
_sheets: dict[str, Sheet] = {}
PREPARE_SECONDS = 30.0  # at most this long before a class server opens; the rest are prepared by their first answer
_prepared: list[tuple[str, str, int]] = []  # what prepare_parts did in this process (or the one it was forked from)


def _loaded(path: str) -> Sheet:
    sheet = _sheets.get(path)
    if sheet is None:
        sheet = _sheets[path] = cache.load(path)
    return sheet


def _sheet(path: str, seed: int, address: str) -> Sheet:
    return variants.scoped(variants.pick(_loaded(path), seed), address)


def preparations(sheets: Sequence[tuple[str, Sheet]]) -> list[tuple[str, str, int]]:
    """Every (sheet path, part, variant) of the sheets served, the first variant of every part first,
    then the second of those that have one, and so on: so that a budget that runs out leaves the most
    students' parts prepared."""
    counts = [(path, part.address, variants.variant_count(q)) for path, sheet in sheets
              for q in sheet.questions for part in q.parts]
    most = max((count for _, _, count in counts), default=0)
    return [(path, address, index) for index in range(most) for path, address, count in counts if index < count]


def prepare_parts(paths: Sequence[str], seconds: float, going: Callable[[], bool] = lambda: True) -> int:
    """Load the sheets at `paths` and prepare each of their parts at each variant (`preparations`,
    grader.grading.grade.prepare: the reference and known mistakes compiled and evaluated, the part's
    own answer graded), until `seconds` run out; the rest are prepared by their first answer, as
    without this, or until `going()` says to stop (the server is gone). A sheet that fails to load is
    left to the answers, which say why. Returns how many parts this call prepared."""
    end, before = time.monotonic() + seconds, len(_prepared)
    sheets = []
    for path in paths:
        try:
            sheets.append((path, _loaded(path)))
        except Exception:  # the server loaded it a moment ago; an answer to it will say what is wrong
            continue
    for path, address, index in preparations(sheets):
        left = end - time.monotonic()
        if left <= 0 or not going():
            break
        try:
            with limits.time_limit(left):
                prepare(variants.for_task(_sheets[path], address, index), address)
        except BudgetExceeded:
            break
        except Exception:  # that part is prepared by its first answer instead
            continue
        _prepared.append((path, address, index))
    return len(_prepared) - before


def prepared() -> list[tuple[str, str, int]]:
    """The (sheet path, part, variant) this worker was born with prepared."""
    return list(_prepared)


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
