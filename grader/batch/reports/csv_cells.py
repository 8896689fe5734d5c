"""CSV text that spreadsheets and LMS importers read as written."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (a student id may start with =)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()
