"""A suggested fix is offered only when applying it makes that error go away: the hint for an
operator whose reach is ambiguous (`\\frac{d}{dx}\\left(x^2\\right) \\sin x`) is applied, both ways."""

from __future__ import annotations

import re

import pytest

from grader.core.errors import ParseError
from grader.parsing import parse_statement
from grader.parsing.context import ParseContext

AUTHOR = ParseContext(author=True)


@pytest.mark.parametrize(
    "text",
    [
        r"\frac{d}{dx}\left(x^2\right) \sin x",
        r"\frac{d}{dx} x^2 \sin x",
        r"\frac{d}{dx}(x^2)(x+1)",
        r"2\frac{d}{dx}(x^2)(x+1)",
        r"\frac{d}{dx} e^x x",
        r"\lim_{h \to 0} (h+1) \sin x",
    ],
)
def test_each_suggested_bracketing_parses(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_statement(text, AUTHOR)
    hint = caught.value.hint
    match = re.search(r"brackets, `(.+?)\\left\(\.\.\.\\right\)`; if not, write `\\left\((.+)\\right\)`$", hint)
    assert match, hint
    head, alone = match.groups()
    assert alone in text and head in text
    # if not: bracket the operator with its operand
    parse_statement(text.replace(alone, rf"\left({alone}\right)", 1), AUTHOR)
    # if it does: bracket everything after the operator
    start = text.index(head) + len(head)
    parse_statement(text[:start] + rf"\left({text[start:].strip()}\right)", AUTHOR)


def test_the_hint_does_not_ask_for_brackets_already_there() -> None:
    with pytest.raises(ParseError) as caught:
        parse_statement(r"\frac{d}{dx}\left(x^2\right) \sin x", AUTHOR)
    assert r"\left(\frac{d}{dx}\left(x^2\right)\right)" in caught.value.hint
