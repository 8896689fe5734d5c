"""Each name a sheet gives names one thing: a clash between variables, functions, their aliases and
the notation's own names is an error at the second name, saying what the first is."""

from __future__ import annotations

import pytest

from grader.core.errors import SheetErrors
from grader.sheets.files import load_text

SHEET = """\
id: s
title: S
variables: [{variables}]
definitions:
  - name: sigma
    aliases: [sigmoid]
    params: [t]
    body: 1/(1 + e^(-t))
  - name: {name}
    aliases: [{aliases}]
    body: x^2
questions:
  - id: q
    statement: Let $f(x) = x^2$.
    function: x^2
    parts:
      - id: a
        kind: expression
        answer: 2*x
        derivative: x
"""


def sheet(variables: str = "x, y", name: str = "sq", aliases: str = "square") -> str:
    return SHEET.format(variables=variables, name=name, aliases=aliases)


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        (sheet(name="y"), 9, 11, "`y` cannot be the name of a function: it is already a variable (line 3)"),
        (sheet(name="sigma"), 9, 11, "`sigma` cannot be the name of a function: it is already the name of a "
                                     "function (line 5)"),
        (sheet(name="sigmoid"), 9, 11, "it is already another name of `sigma` (line 6)"),
        (sheet(aliases="y"), 10, 15, "`y` cannot be another name of `sq`: it is already a variable (line 3)"),
        (sheet(aliases="sigma"), 10, 15, "it is already the name of a function (line 5)"),
        (sheet(aliases="sq"), 10, 15, "`sq` cannot be another name of `sq`"),
        (sheet(aliases="sin"), 10, 15, "it is already a built-in function"),
        (sheet(variables="x, y, x"), 3, 19, "`x` cannot be a variable: it is already a variable (line 3)"),
        (sheet(variables="x, e"), 3, 16, "`e` cannot be a variable: it is already a constant"),
        (sheet(variables="x, tanh"), 3, 16, "it is already a built-in function"),
    ],
)
def test_a_clash_is_reported_at_the_second_name(text: str, line: int, col: int, words: str) -> None:
    with pytest.raises(SheetErrors) as err:
        load_text(text)
    found = [(e.line, e.col, e.problem) for e in err.value.errors]
    assert any((ln, c) == (line, col) and words in problem for ln, c, problem in found), found


def test_distinct_names_load() -> None:
    assert load_text(sheet()).parts["q.a"].kind == "expression"
