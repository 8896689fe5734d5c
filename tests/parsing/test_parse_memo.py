"""parse() keeps what it read by (text, context): grading, the fingerprint of a wrong answer and the
server's preview read one answer once between them. A cache must be exact: same Parsed, errors not kept."""

from __future__ import annotations

import pytest

from grader.core import caches
from grader.core.errors import ParseError
from grader.parsing import ParseContext, parse


def test_a_second_reading_is_the_first() -> None:
    caches.clear()
    first = parse("e^-x/(1+e^-x)^2")
    assert parse("e^-x/(1+e^-x)^2") is first
    caches.clear()
    again = parse("e^-x/(1+e^-x)^2")
    assert again is not first and again == first


def test_the_context_is_part_of_the_key() -> None:
    caches.clear()
    assert str(parse("2y", ParseContext(variables=None)).expr) == "2*y"
    with pytest.raises(ParseError):
        parse("2y", ParseContext(variables=("x",)))


def test_errors_are_raised_each_time() -> None:
    caches.clear()
    for _ in range(2):
        with pytest.raises(ParseError):
            parse("e^(-x)/(1+e^(-x)")
