"""When a submission was handed in, read from its own words: a `submitted:` key or a CSV's timestamp
column (`grader grade --duplicates latest` keeps the latest).

Read: ISO 8601 (`2026-12-07 09:15`, `2026-12-07T09:15:00Z`, `2026/12/07 09:15`), dates with month
names (`7 December 2026, 9:15 AM`, `Dec 7, 2026 09:15`), `07.12.2026 09:15` (day first) and
slashed dates (`12/7/2026 9:15:00`). A slashed date is month first (a US form's export) or day
first: a column decides by a value that can only be one (`13/12/2026` is day first); a column
where every value could be either is not guessed (`ambiguous`), and the files' modification times
are used instead. A time without a zone is local time, as the export was written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

Order = Literal["day", "month"]  # which comes first in a slashed date

_MONTHS = {name: i + 1 for i, names in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
    "september sep sept", "october oct", "november nov", "december dec")) for name in names.split()}
_TIME = r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_SLASHED = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})" + _TIME)
_DAY_MONTH = re.compile(r"(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})" + _TIME)
_MONTH_DAY = re.compile(r"(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME)


def order_of(texts: Sequence[str]) -> Order | None:
    """Which comes first in the slashed dates of one column: a value > 12 in one place decides it;
    None if no value decides (or two values contradict each other)."""
    orders: set[Order] = set()
    for text in texts:
        m = _SLASHED.fullmatch(text.strip())
        if m and m[2] == "/":
            first, second = int(m[1]), int(m[3])
            if first > 12 >= second:
                orders.add("day")
            elif second > 12 >= first:
                orders.add("month")
    return next(iter(orders)) if len(orders) == 1 else None


def ambiguous(text: str, order: Order | None) -> bool:
    """A slashed date that could be day or month first, and nothing said which."""
    m = _SLASHED.fullmatch(text.strip())
    return order is None and m is not None and m[2] == "/" and m[1] != m[3]


def parse(text: str, order: Order | None = None) -> float | None:
    """Seconds since the epoch, or None when the text is no date and time read here (or is ambiguous)."""
    text = " ".join(text.split())
    if not text or len(text) > 60:
        return None
    found = _iso(text) or _named(text) or _slashed(text, order)
    if found is None:
        return None
    try:
        return found.timestamp()  # naive: local time
    except (OverflowError, OSError, ValueError):
        return None


def _iso(text: str) -> datetime | None:
    if re.match(r"\d{4}/\d{1,2}/\d{1,2}", text):
        date, _, rest = text.partition(" ")
        y, mo, d = date.split("/")
        text = f"{y}-{int(mo):02d}-{int(d):02d}" + (f" {rest}" if rest else "")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _named(text: str) -> datetime | None:
    m = _DAY_MONTH.fullmatch(text)
    if m and m[2].lower() in _MONTHS:
        return _at(int(m[3]), _MONTHS[m[2].lower()], int(m[1]), m.groups()[3:])
    m = _MONTH_DAY.fullmatch(text)
    if m and m[1].lower() in _MONTHS:
        return _at(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), m.groups()[3:])
    return None


def _slashed(text: str, order: Order | None) -> datetime | None:
    m = _SLASHED.fullmatch(text)
    if m is None:
        return None
    a, b = int(m[1]), int(m[3])
    if m[2] == "." or order == "day":
        day, month = a, b
    elif order == "month":
        month, day = a, b
    elif a == b:
        day = month = a
    else:
        return None  # 3/4/2026: March 4th or 3 April; not guessed
    return _at(int(m[4]), month, day, m.groups()[4:])


def _at(year: int, month: int, day: int, clock: Sequence[str | None]) -> datetime | None:
    hour, minute, second, half = clock
    h = int(hour) if hour else 0
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower().startswith("p") else 0)
    try:
        return datetime(year, month, day, h, int(minute) if minute else 0, int(second) if second else 0)
    except ValueError:
        return None


def shown(seconds: float) -> str:
    """A file's modification time for reports: UTC, to the second (the same on every machine)."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
