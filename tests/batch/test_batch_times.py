"""When a submission says it was handed in (grader.batch.times): the formats LMS and form exports write."""

from __future__ import annotations

from datetime import datetime

import pytest

from grader.batch import times

NOON = datetime(2026, 12, 7, 9, 15).timestamp()


@pytest.mark.parametrize("text", [
    "2026-12-07 09:15", "2026-12-07T09:15:00", "2026-12-07 09:15:00.000", "2026/12/07 09:15",
    "7 December 2026, 9:15 AM", "December 7, 2026 9:15 AM", "Dec 7, 2026 09:15",
    "Monday, 7 December 2026, 9:15 AM", "07.12.2026 09:15",
    "  2026-12-07   09:15 ",
])
def test_the_formats_exports_write(text: str) -> None:
    assert times.parse(text) == NOON


def test_a_zone_is_kept() -> None:
    assert times.parse("2026-12-07T09:15:00Z") == datetime.fromisoformat("2026-12-07T09:15:00+00:00").timestamp()


def test_a_slashed_date_is_read_only_when_its_order_is_known() -> None:
    assert times.parse("12/7/2026 9:15:00") is None  # July 12th or December 7th: not guessed
    assert times.parse("12/7/2026 9:15:00", "month") == NOON
    assert times.parse("7/12/2026 9:15:00", "day") == NOON
    assert times.parse("7/7/2026") == datetime(2026, 7, 7).timestamp()  # the same either way
    assert times.order_of(["12/7/2026 9:15", "12/13/2026 10:00"]) == "month"
    assert times.order_of(["7/12/2026 9:15", "13/12/2026 10:00"]) == "day"
    assert times.order_of(["7/12/2026", "12/7/2026"]) is None
    assert times.ambiguous("12/7/2026", None) and not times.ambiguous("12/7/2026", "day")


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "31 Foo 2026", "13:00 PM 1/1/2026", "x" * 100])
def test_what_is_no_time(text: str) -> None:
    assert times.parse(text) is None


def test_a_modification_time_is_shown_in_utc() -> None:
    assert times.shown(0) == "1970-01-01 00:00:00 UTC"
