"""The practice widget's logic, driven as a student drives it: type into the Text, click the Buttons."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

import grader.notebook as gn
from grader.batch.submissions import Submission, read
from grader.notebook import widget


@pytest.fixture(autouse=True)
def fresh_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(widget, "_sessions", {})


def test_typing_previews_then_wrong_then_right() -> None:
    p = gn.practice("activation-derivatives", question="sigmoid")
    assert list(p.parts) == ["sigmoid.a", "sigmoid.b"]
    box = p.parts["sigmoid.a"]
    assert "Score 0/5 points" in p.score.value and "0 of 2 parts done" in p.score.value
    box.input.value = "e^-x/(1+e^-x"  # unreadable: the caret and the hint, before any attempt
    assert "<pre" in box.preview.value and "^" in box.preview.value and "never closed" in box.preview.value
    box.input.value = "e^-x/(1+e^-x)"
    assert r"\[\frac{e^{- x}}{1 + e^{- x}}\]" in box.preview.value
    box.check.click()
    assert "✗ incorrect" in box.verdict.value and "2 of 3 attempts left" in box.left.value
    box.input.value = "e^-x/(1+e^-x"
    box.check.click()
    assert "! invalid" in box.verdict.value and "2 of 3 attempts left" in box.left.value  # no attempt used
    box.input.value = "σ(x)(1-σ(x))"
    box.check.click()
    assert "✓ correct" in box.verdict.value and box.left.value.endswith("Done.</span>")
    assert box.input.disabled and box.check.disabled
    assert "Score 2/5 points" in p.score.value and "1 of 2 parts done" in p.score.value
    assert gn.answers() == {"sigmoid.a": "σ(x)(1-σ(x))"}  # the last graded answer, for save


def test_three_wrong_answers_end_the_part_with_the_worked_solution() -> None:
    p = gn.practice(question="tanh.a", attempts=2)
    box = p.parts["tanh.a"]
    for _ in range(2):
        box.input.value = "1+tanh(x)^2"
        box.check.click()
    assert "No attempts left." in box.left.value and box.input.disabled
    assert "Worked solution of tanh.a" in box.worked.value


def test_hints_one_at_a_time_and_the_solution_ends_the_part() -> None:
    p = gn.practice(question="sigmoid.a")
    box = p.parts["sigmoid.a"]
    box.hint.click()
    assert "Hint 1 of 3" in box.hints.value and "Hint 2" not in box.hints.value
    for _ in range(3):
        box.hint.click()
    assert "Hint 3 of 3" in box.hints.value and "That was the last hint." in box.hints.value
    assert box.hint.disabled
    box.solution.click()
    assert "Worked solution of sigmoid.a" in box.worked.value and box.input.disabled
    assert "Ended: the worked solution was shown." in box.left.value and "1 of 1 parts done" in p.score.value


def test_a_derivation_takes_lines_in_a_textarea() -> None:
    p = gn.practice(question="sigmoid.b")
    box = p.parts["sigmoid.b"]
    assert type(box.input).__name__ == "Textarea"
    box.input.value = "e^-x/(1+e^-x)^2\n= σ(x)(1-σ(x))"
    assert box.preview.value.count(r"\[") == 2
    box.check.click()
    assert "✓ line 1" in box.verdict.value or "correct" in box.verdict.value


def test_state_is_kept_for_the_kernel_session_and_saved_on_request(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = gn.practice(question="relu")
    box = first.parts["relu.b.differentiable"]
    box.input.value = "no"
    box.check.click()
    again = gn.practice(question="relu")  # the cell run again
    kept = again.parts["relu.b.differentiable"]
    assert kept.input.value == "no" and "✓ correct" in kept.verdict.value and kept.input.disabled
    assert "Score 1/6 points" in again.score.value
    monkeypatch.chdir(tmp_path)
    again.parts["relu.b.at_zero"].input.value = "0.5"
    again.parts["relu.b.at_zero"].check.click()
    again.widget.children[-2].children[0].click()  # Save answers
    assert "Saved 2 answer(s)" in again.message.value
    back = read(str(tmp_path / "activation-derivatives-answers.yaml"))
    assert isinstance(back, Submission) and back.answers == {"relu.b.differentiable": "no", "relu.b.at_zero": "0.5"}


def test_enter_checks_a_one_line_answer() -> None:
    box = gn.practice(question="sigmoid.a").parts["sigmoid.a"]
    box.input.value = "σ(x)(1-σ(x))"
    box.input._handle_string_msg(None, {"event": "submit"}, [])  # what the browser sends on Enter
    assert "✓ correct" in box.verdict.value


def test_save_takes_what_is_typed_but_not_yet_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    p = gn.practice(question="sigmoid")
    p.parts["sigmoid.a"].input.value = "σ(x)(1-σ(x))"  # typed, never checked: a student expects it saved
    p.parts["sigmoid.b"].input.value = "e^-x/(1+e^-x)^2"
    p.parts["sigmoid.b"].check.click()
    p.parts["sigmoid.b"].input.value = ""  # an emptied box keeps the answer checked in it
    assert "Saved 2 answer(s)" in p.save().plain()
    back = read(str(tmp_path / "activation-derivatives-answers.yaml"))
    assert isinstance(back, Submission)
    assert back.answers == {"sigmoid.a": "σ(x)(1-σ(x))", "sigmoid.b": "e^-x/(1+e^-x)^2"}


def test_the_preview_waits_for_typing_to_pause() -> None:
    p = gn.practice(question="sigmoid.a")
    box = p.parts["sigmoid.a"]
    drawn: list[str] = []
    box._debounce.fire = lambda: drawn.append(box.input.value)

    async def type_fast() -> None:
        for text in ("s", "si", "sig", "σ(x)"):
            box.input.value = text
            await asyncio.sleep(0)
        await asyncio.sleep(widget.PREVIEW_DELAY * 2)

    asyncio.run(type_fast())
    assert drawn == ["σ(x)"]


def test_without_ipywidgets_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(gn.NotebookError, match=r"%pip install 'grader\[notebook\]'"):
        gn.practice()


def test_a_groups_ask_is_shown_once_above_its_first_sub_part() -> None:
    p = gn.practice(question="relu")
    shown = [box.ask.value.count("<strong>relu.b</strong> Discuss") for box in p.parts.values()]
    assert shown == [0, 1, 0, 0, 0]
