"""What a worker process runs: grade one answer, preview how it reads, or tell whether two wrong
answers are equal (to group them on the instructor page). Sheets load once per worker."""

from __future__ import annotations

from typing import Any

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded, ParseError, caret_lines, parse_error_parts
from grader.grading.grade import grade
from grader.grading.labels import strip_label
from grader.grading.wrong_answers import fingerprint, same
from grader.parsing import parse
from grader.parsing.typed import typed_latex
from grader.sheets import cache, variants
from grader.sheets.model import Sheet

PREVIEW_SECONDS = 1.0  # a preview is one parse and one latex(): cheap, or not worth waiting for
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
    of each of its lines (`read_latex`, as the preview shows it)."""
    sheet = _sheet(path, seed, address)
    result = grade(sheet, address, answer, seconds=seconds)
    data = result.to_json()
    if result.status == "incorrect" and sheet.part(address).kind in ("expression", "number"):
        data["fingerprint"] = fingerprint(sheet, address, answer)
    if result.status != "invalid":  # how it was read, typeset on the page as the live preview is
        data["read_latex"] = [line.get("latex", "") for line in preview(path, seed, address, answer)]
    return data


def same_answers(path: str, seed: int, address: str, a: str, b: str, seconds: float) -> bool:
    """Whether two answers to the variant of `address` that `seed` picks are equal (`same`)."""
    return same(_sheet(path, seed, address), address, a, b, seconds)


def preview(path: str, seed: int, address: str, text: str) -> list[dict[str, str]]:
    """Each line of `text` (one for most parts, several for a derivation) as LaTeX, or why it cannot be read."""
    sheet = _sheet(path, seed, address)
    part = sheet.part(address)
    if part.kind == "choice":
        return [{"text": text, "plain": text.strip()}] if text.strip() else []
    lines = text.split("\n") if part.kind == "derivation" else [text]
    shown: list[dict[str, str]] = []
    for line in lines:
        if line.strip():
            shown.append(_one(sheet, part.address, line, derivation=part.kind == "derivation"))
    return shown


def _one(sheet: Sheet, address: str, line: str, *, derivation: bool) -> dict[str, str]:
    body = line.strip()
    prefix = ""
    if derivation and body.startswith("="):
        body, prefix = body[1:], "= "  # a derivation's next line; `=` joins it to the one before
    else:  # a first line may name what it is (`σ'(x) =`, `d/dx σ(x) =`), as graded
        body, wrong = strip_label(sheet, sheet.part(address), body)
        if wrong is not None:
            return {"text": line, "error": wrong.feedback, "caret": "", "hint": ""}
    try:
        with limits.time_limit(PREVIEW_SECONDS):
            parsed = parse(body, sheet.parse_context())
            latex = typed_latex(body, sheet.parse_context(), lambda: sympy.latex(parsed.expr))  # as typed
    except ParseError as err:
        problem, hint = parse_error_parts(err)
        return {"text": line, "error": problem, "caret": caret_lines(err), "hint": hint}
    except BudgetExceeded:
        return {"text": line, "error": "too costly to preview; Submit grades it", "caret": "", "hint": ""}
    return {"text": line, "latex": prefix + latex}

