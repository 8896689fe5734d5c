"""A wrong answer's plot for report.html's per-student feedback.

Placeholder: helper session pics26b builds the real one (the student's function against the right
one, as SVG); its version replaces this file at merge. Until then no answer has a plot.
"""

from __future__ import annotations

from grader.batch.model import Answer, Row
from grader.sheets.model import Sheet


def plot_svg(sheet: Sheet | None, row: Row, answer: Answer) -> str | None:
    """An inline `<svg>` of `answer` (wrong) against the right function, or None when there is none."""
    del sheet, row, answer
    return None
