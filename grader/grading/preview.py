"""How an answer reads before it is graded: each line as LaTeX, or why it cannot be read (with the
caret and the hint a student sees). The browser's live preview and the notebook's share it."""

from __future__ import annotations

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded, ParseError, caret_lines, parse_error_parts
from grader.grading.labels import strip_label
from grader.parsing import parse
from grader.parsing.typed import typed_latex
from grader.sheets.model import Sheet

PREVIEW_SECONDS = 1.0  # a preview is one parse and one latex(): cheap, or not worth waiting for


def preview_lines(sheet: Sheet, address: str, text: str) -> list[dict[str, str]]:
    """Each line of `text` (one for most parts, several for a derivation) as
    {"text", "latex"}, {"text", "plain"} (a choice) or {"text", "error", "caret", "hint"}.
    `sheet` is the variant being answered, scoped to `address` (grader.sheets.variants.scoped)."""
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
