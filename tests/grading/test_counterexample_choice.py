"""A counterexample teaches most where the answer is wrong on a whole interval, not only at a kink."""

from __future__ import annotations

import pytest

from grader.grading.grade import grade
from grader.sheets.model import Sheet


@pytest.mark.parametrize("answer", ["1 if x>0 else 2", "1 if x > 0 else 1/2", "Heaviside(x, 7) + 1"])
def test_wrong_on_an_interval_is_shown_off_the_kink(sheet: Sheet, answer: str) -> None:
    result = grade(sheet, "relu.a", answer)
    assert result.status == "incorrect"
    assert result.counterexample is not None and result.counterexample.where() != "x = 0"
    assert "jump" not in result.feedback


def test_wrong_only_at_the_kink_is_shown_at_the_kink(sheet: Sheet) -> None:
    result = grade(sheet, "relu.a", "1 if x > 0 else (5 if x == 0 else 0)")
    assert result.status == "incorrect"
    assert result.counterexample is not None and result.counterexample.where() == "x = 0"
