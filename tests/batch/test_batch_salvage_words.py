"""The words for an answer whose LaTeX a string escape ate (cold trial of issue 21)."""

from __future__ import annotations

from grader.batch.salvage import eaten_reason


def test_the_example_is_the_escape_the_answer_holds() -> None:
    frac = eaten_reason("YAML", "\x0crac{1}{2}")  # "\frac" in double quotes: a form feed, then `rac`
    assert frac.startswith("This looks like a LaTeX command")
    assert "`\\f` is a form feed, so `\\frac` became a form feed and `rac`" in frac
    assert "\\tanh" not in frac
    tab = eaten_reason("JSON", "\tanh(x)")
    assert "write each backslash twice (`\\\\tanh`)" in tab and "`\\t` is a tab" in tab
