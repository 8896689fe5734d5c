"""feedback/<student>.md: one file per student to mail or upload, with each answer, its verdict,
the feedback, what the plot of a wrong answer shows in words (report.html draws it) and the worked
solution (with the student's own variant filled in).

Math is written as plain unicode text (`1/(1 + e⁻ˣ)`), not `$…$` LaTeX: a mail client shows it
as it is. Student text appears only inside fenced code blocks whose fence is longer than any
backtick run in it. File names are safe slugs of the student id, unique even on a file system
that ignores case; every row given gets exactly one file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from grader.batch.gradescope import plain_math, solution_text
from grader.batch.model import Answer, Batch, Row
from grader.batch.reports.student_plots import plot_words
from grader.sheets import variants
from grader.sheets.model import Sheet
from grader.sheets.solutions import SolutionFile
from grader.text.numbers import num

VERDICTS = {"correct": "Correct", "incorrect": "Not correct", "invalid": "Could not be read",
            "error": "Not graded automatically (your teacher will check it)", "missing": "No answer"}


def feedback_files(batch: Batch, rows: Sequence[Row], sheet: Sheet | None) -> dict[str, str]:
    """`feedback/<slug>.md` -> text, one per row (the caller gives one row per student)."""
    worked = batch.worked
    files: dict[str, str] = {}
    for row, name in zip(rows, unique_names([r.student for r in rows]), strict=True):
        picked = variants.pick(sheet, row.seed) if sheet is not None and row.seed is not None else sheet
        filled = variants.fill_solutions(worked, picked) if picked is not None else None
        files[f"feedback/{name}.md"] = student_markdown(batch, row, picked, filled)
    return files


def unique_names(students: Sequence[str]) -> list[str]:
    """Safe file names for student ids: `[A-Za-z0-9._-]`, at most 100 characters, no leading dot,
    distinct even when case is ignored (`Ana` and `ana` -> `Ana`, `ana-2`)."""
    taken: set[str] = set()
    names = []
    for student in students:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", student)[:100].lstrip(".") or "_"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def student_markdown(batch: Batch, row: Row, sheet: Sheet | None, worked: SolutionFile | None) -> str:
    lines = [f"# {_line(batch.sheet_title)}: feedback for {_line(row.student)}", ""]
    if not row.readable:
        lines += [f"Your file `{_line(row.file)}` could not be read, so it scored 0 of {num(row.max_total)} points.",
                  "", f"Why: {_line(row.unreadable)}", "",
                  "Ask your teacher how to resubmit (`grader template` writes a file to fill in)."]
        return "\n".join(lines) + "\n"
    lines += [f"Score: **{num(row.total)} / {num(row.max_total)}** points (file `{_line(row.file)}`)."]
    if row.variant:
        lines += ["", f"Your variant: {_line(row.variant_text)}."]
    lines += [f"\nNote: {_line(note)}" for note in row.notes]
    shown: dict[str, str] = {}  # a solution that covers several parts (relu.b): shown once, at the first
    for a in row.answers:
        lines += ["", *_answer(a, sheet, worked, shown, batch.sheet)]
    return "\n".join(lines) + "\n"


def _answer(a: Answer, sheet: Sheet | None, worked: SolutionFile | None, shown: dict[str, str],
            batch_sheet: Sheet | None) -> list[str]:
    lines = [f"## `{a.address}`: {VERDICTS[a.status]} ({num(a.points)} / {num(a.max_points)})"]
    ask = _ask(sheet, a.address)
    if ask:
        lines += ["", f"Question: {ask}"]
    if a.text is not None:
        lines += ["", "Your answer:", "", *_fenced(a.text)]
    words = a.error if a.error and a.result is None else (a.result.feedback if a.result is not None else a.error)
    if words:
        lines += ["", plain_math(words)]
    said = plot_words(batch_sheet, a)  # what report.html's plot shows, in words
    if said:
        lines += ["", said]
    solution = worked.for_part(a.address) if worked is not None else None
    if solution is not None and a.status != "correct":
        if solution.address in shown:
            lines += ["", f"Worked solution: see `{shown[solution.address]}` above."]
        else:
            shown[solution.address] = a.address
            lines += ["", "Worked solution:", "", *solution_text(solution)]
    return lines


def _ask(sheet: Sheet | None, address: str) -> str:
    if sheet is None:
        return ""
    try:
        return _line(plain_math(sheet.part(address).ask))
    except (KeyError, ValueError, LookupError):
        return ""


def _fenced(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "".join(c if c.isprintable() or c == "\n" else "\ufffd" for c in text.strip("\n"))
    return [fence, *body.splitlines(), fence]


def _line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
