"""Errors an author can act on: did-you-mean for a misspelt `kind`, applied to check that it fixes."""

from __future__ import annotations

import pytest

from grader.core.errors import SheetErrors
from grader.sheets.files import load_text

SHEET = """\
id: s
title: S
questions:
  - id: q
    statement: Let $f(x) = x^2$.
    function: x^2
    parts:
      - id: a
        kind: {kind}
        answer: 2*x
        derivative: true
"""


def test_misspelt_kind_gets_a_fix_that_works() -> None:
    with pytest.raises(SheetErrors) as err:
        load_text(SHEET.format(kind="expresion"))
    errors = err.value.errors
    assert len(errors) == 1 and errors[0].line == 9 and errors[0].fix == "did you mean `expression`?"
    assert load_text(SHEET.format(kind="expression")).parts["q.a"].kind == "expression"


def test_unrelated_kind_lists_the_kinds() -> None:
    with pytest.raises(SheetErrors) as err:
        load_text(SHEET.format(kind="banana"))
    assert "one of expression, derivation, number, choice" in err.value.errors[0].problem


KINKS = SHEET.replace("        derivative: true\n", "        derivative: true\n        at_kinks: {policy}\n")


@pytest.mark.parametrize(("typo", "meant"), [("betwen", "between"), ("undefind", "undefined"), ("Any", "any")])
def test_misspelt_at_kinks_gets_a_fix_that_works(typo: str, meant: str) -> None:
    with pytest.raises(SheetErrors) as err:
        load_text(KINKS.format(kind="expression", policy=typo))
    (error,) = err.value.errors
    assert error.line == 12 and error.fix == f"did you mean `{meant}`?"
    load_text(KINKS.format(kind="expression", policy=meant))


def test_unrelated_at_kinks_lists_the_policies_without_a_guess() -> None:
    with pytest.raises(SheetErrors) as err:
        load_text(KINKS.format(kind="expression", policy="banana"))
    (error,) = err.value.errors
    assert "one of between, left, right, undefined, any" in error.problem and error.fix == ""


def test_a_sheet_without_variables_is_an_error_not_a_traceback() -> None:
    """Found by the verify mutation test: `variables: []` made `derivative: true` (and the solution
    checker) raise IndexError."""
    text = SHEET.format(kind="expression").replace("title: S\n", "title: S\nvariables: []\n")
    with pytest.raises(SheetErrors) as info:
        load_text(text, "s.yaml")
    (error,) = info.value.errors
    assert (error.line, error.problem, error.fix) == (3, "the sheet lists no variables",
                                                      "list at least one, e.g. `variables: [x]`")
