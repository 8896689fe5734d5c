"""`grader.practice.session`: whole sessions driven in-process through injected input and output (fast)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from rich.console import Console, RenderableType

from grader.core.errors import UsageError
from grader.practice.session import Session, Summary, command_of, select, solution_for
from grader.sheets import solutions
from grader.sheets.model import Sheet
from grader.sheets.solutions import SolutionFile

Line = str | type[BaseException]

SIGMOID_B = ["e^-x/(1+e^-x)^2", "= 1/(1+e^-x) * e^-x/(1+e^-x)", "= σ(x)(1-σ(x))", ""]


@pytest.fixture(scope="module")
def worked(sheet: Sheet) -> SolutionFile | None:
    return solutions.load_for(sheet)


def play(sheet: Sheet, lines: Sequence[Line], worked: SolutionFile | None = None, **options: object) -> tuple[
        Summary, str, list[str]]:
    """Run a session on scripted lines (an exception class is raised at that prompt); return the
    summary, everything shown (answers echoed after their prompts) and the prompts."""
    out = Console(file=io.StringIO(), no_color=True, width=100, highlight=False)
    script, prompts = iter(lines), []

    def read_line(prompt: str) -> str:
        prompts.append(prompt)
        line = next(script, EOFError)
        if isinstance(line, type):
            raise line
        out.print(prompt + line, markup=False)
        return line

    def show(renderable: RenderableType) -> None:
        out.print(renderable)

    session = Session(sheet, read_line, show, solutions=worked, **options)  # type: ignore[arg-type]
    summary = session.run()
    assert isinstance(out.file, io.StringIO)
    return summary, out.file.getvalue(), prompts


def record(summary: Summary, address: str) -> tuple[str, float, int, int]:
    r = next(r for r in summary.records if r.address == address)
    return r.status, r.points, r.attempts, r.hints


def test_correct_first_try_echoes_then_verdict_then_steps(sheet: Sheet, worked: SolutionFile) -> None:
    summary, text, _ = play(sheet, ["σ(x)(1-σ(x))", ":quit"], worked, only=["sigmoid"])
    assert record(summary, "sigmoid.a") == ("correct", 2.0, 1, 0)
    assert text.index("You entered:") < text.index("(1 - σ(x))⋅σ(x)") < text.index("✓ correct")
    assert "Worked solution (steps) of sigmoid.a" in text
    assert "We are given" in text  # a short lead-in stays with its maths ...
    assert "First, rewrite the function" not in text  # ... a longer explanation is for :solution
    assert summary.ended == "quit"
    assert "You quit the session." in text and "total" in text


def test_the_steps_after_a_right_answer_keep_their_conditions(sheet: Sheet, worked: SolutionFile) -> None:
    _, text, _ = play(sheet, ["1 if x > 0 else 0", ":quit"], worked, only=["relu.a"])
    assert "Worked solution (steps) of relu.a" in text
    # without its condition, `ReLU(x) = 0 ⇒ d/dx ReLU(x) = 0` would read as true for every x (issue 21)
    assert text.index("For x < 0:") < text.index("ReLU(x) = 0") < text.index("For x > 0:")
    assert "The ReLU function is defined piecewise" in text  # every short lead-in, not only conditions


def test_wrong_then_correct_keeps_the_feedback_and_counts_attempts(sheet: Sheet) -> None:
    summary, text, prompts = play(sheet, ["-e^(-x)/(1+e^-x)^2", "e^-x/(1+e^-x)^2"], only=["sigmoid.a"])
    assert "The sign is wrong" in text  # the sheet's message for this known mistake
    assert "2 attempts left" in text
    assert prompts == ["sigmoid.a › ", "sigmoid.a (attempt 2/3) › "]
    assert record(summary, "sigmoid.a") == ("correct", 2.0, 2, 0)
    assert summary.ended == "finished" and summary.points == 2.0


def test_counterexample_is_shown(sheet: Sheet) -> None:
    _, text, _ = play(sheet, ["4/(e^x+e^(-x))^3", ":quit"], only=["tanh.a"])  # no broken rule explains it
    assert "At x = 0" in text


def test_invalid_answer_shows_caret_and_hint_and_costs_no_attempt(sheet: Sheet) -> None:
    summary, text, prompts = play(sheet, ["tahn(x)", "sech(x)^2"], only=["tanh.a"])
    assert "^^^^" in text and "did you mean tanh(x)?" in text
    assert "(no attempt used)" in text
    assert prompts == ["tanh.a › ", "tanh.a › "]
    assert record(summary, "tanh.a") == ("correct", 2.0, 1, 0)


def test_hints_come_one_at_a_time_and_then_run_out(sheet: Sheet) -> None:
    summary, text, _ = play(sheet, [":hint", ":hint", ":hint", ":hint", ":quit"], only=["sigmoid.a"])
    assert "Hint 1/3: Rewrite σ(x) = (1 + e⁻ˣ)⁻¹" in text
    assert "Hint 3/3" in text and "No more hints." in text
    assert record(summary, "sigmoid.a")[3] == 3


def test_solution_command_shows_the_full_solution_and_moves_on(sheet: Sheet, worked: SolutionFile) -> None:
    summary, text, prompts = play(sheet, [":solution", ":quit"], worked, only=["tanh"])
    assert "Worked solution of tanh.a" in text
    assert "The quotient rule states:" in text  # the prose too
    assert "Result: tanh'(x) = 4/(eˣ + e⁻ˣ)²" in text
    assert prompts[-1] == "tanh.b › "
    assert record(summary, "tanh.a")[0] == "solution"


def test_derivation_takes_lines_until_an_empty_one(sheet: Sheet, worked: SolutionFile) -> None:
    summary, text, prompts = play(sheet, [*SIGMOID_B], worked, only=["sigmoid.b"])
    assert "an empty line ends the answer" in text
    assert prompts == ["sigmoid.b › ", "          … ", "          … ", "          … "]
    assert "✓ line 3: (1 - σ(x))·σ(x)" in text
    assert record(summary, "sigmoid.b") == ("correct", 3.0, 1, 0)


def test_derivation_names_the_failing_line(sheet: Sheet) -> None:
    lines = ["e^-x/(1+e^-x)^2", "= 1/(1+e^-x) * 1/(1+e^-x)", "= σ(x)^2", "", ":quit"]
    _, text, _ = play(sheet, lines, only=["sigmoid.b"])
    assert "✗ line 2" in text and "Line 2 does not follow from line 1" in text


def test_hint_inside_a_derivation_keeps_the_lines_typed(sheet: Sheet) -> None:
    lines = [SIGMOID_B[0], ":hint", *SIGMOID_B[1:]]
    summary, text, _ = play(sheet, lines, only=["sigmoid.b"])
    assert "Hint 1/2" in text
    assert record(summary, "sigmoid.b") == ("correct", 3.0, 1, 1)


def test_eof_in_a_derivation_grades_the_lines_then_ends(sheet: Sheet) -> None:
    summary, text, _ = play(sheet, SIGMOID_B[:3], only=["sigmoid.b"])
    assert summary.ended == "eof"
    assert record(summary, "sigmoid.b")[0] == "correct"
    assert "Input ended (Ctrl-D)." in text


def test_ctrl_d_and_ctrl_c_end_with_the_score_table(sheet: Sheet) -> None:
    for signal, words, ended in ((EOFError, "Input ended (Ctrl-D).", "eof"),
                                 (KeyboardInterrupt, "Interrupted (Ctrl-C).", "interrupt")):
        summary, text, _ = play(sheet, ["sech(x)^2", signal], only=["tanh"])
        assert summary.ended == ended
        assert words in text and "Score" in text
        assert record(summary, "tanh.a")[0] == "correct"
        assert record(summary, "tanh.b")[0] == "unfinished"
        assert "Traceback" not in text


def test_ctrl_c_while_grading_still_ends_with_the_table(sheet: Sheet) -> None:
    def interrupted(*_: object) -> object:
        raise KeyboardInterrupt

    summary, text, _ = play(sheet, ["sech(x)^2"], only=["tanh.a"], grade=interrupted)
    assert summary.ended == "interrupt" and "Score" in text


def test_attempts_run_out_then_the_full_solution(sheet: Sheet, worked: SolutionFile) -> None:
    summary, text, _ = play(sheet, ["1", "2", ":quit"], worked, only=["tanh"], attempts=2)
    assert "no attempts left" in text
    assert "Worked solution of tanh.a" in text and "The quotient rule states:" in text
    assert record(summary, "tanh.a") == ("incorrect", 0.0, 2, 0)


def test_skip_and_unknown_command(sheet: Sheet) -> None:
    summary, text, _ = play(sheet, [":frobnicate", ":skip"], only=["relu.a"])
    assert "Unknown command" in text and "Skipped." in text
    assert record(summary, "relu.a")[0] == "skipped"


def test_an_ambiguous_prefix_names_the_commands_it_could_be(sheet: Sheet) -> None:
    summary, text, _ = play(sheet, [":s", ":sk"], only=["relu.a"])
    assert "`:s` could be :solution or :skip: type a letter more." in text and "Unknown command" not in text
    assert record(summary, "relu.a")[0] == "skipped"


def test_a_command_word_without_colon_gets_a_tip(sheet: Sheet) -> None:
    _, text, _ = play(sheet, ["hint", ":quit"], only=["sigmoid.a"])
    assert "Commands start with a colon: :hint" in text


def test_help_lists_the_commands(sheet: Sheet) -> None:
    _, text, _ = play(sheet, [":help", ":q"], only=["sigmoid.b"])
    for command in (":hint", ":solution", ":skip", ":quit", ":help"):
        assert command in text
    assert "one expression per line" in text


def test_group_solution_waits_for_the_last_sub_part(sheet: Sheet, worked: SolutionFile) -> None:
    _, text, _ = play(sheet, ["0", "1", "no", "0"], worked, only=["relu.b"])
    # relu.b's solution answers all four sub-parts: it must not appear before the last one
    assert text.count("Worked solution") == 1
    assert text.index("Worked solution (steps) of relu.b") > text.index("relu.b.at_zero › 0")
    assert "relu.b  Discuss what happens" in text  # the group's own question, once
    _, text, _ = play(sheet, ["7", "7", "7", ":quit"], worked, only=["relu.b"])
    assert "A correct answer: 0" in text and "Worked solution" not in text


def test_seed_fixes_the_order_and_the_header_says_it(sheet: Sheet) -> None:
    orders = []
    for seed in (1, 1, 2, 3, 4):
        _, text, prompts = play(sheet, [], seed=seed)
        assert f"seed {seed}" in text
        orders.append(prompts[0])
    assert orders[0] == orders[1]
    assert len(set(orders)) > 1


def test_all_parts_are_in_the_table_even_unreached(sheet: Sheet) -> None:
    summary, text, _ = play(sheet, [":quit"])
    assert len(summary.records) == len(sheet.parts)
    assert "0/16" in text


def test_select_and_solution_lookup(sheet: Sheet, worked: SolutionFile) -> None:
    assert [p.address for _, parts in select(sheet, ["relu.b"]) for p in parts] == [
        "relu.b.left", "relu.b.right", "relu.b.differentiable", "relu.b.at_zero"]
    assert len(select(sheet)) == 3
    with pytest.raises(UsageError, match="sigmoid"):
        select(sheet, ["sigmiod"])
    found = solution_for(worked, "relu.b.left")
    assert found is not None and found.address == "relu.b"
    with pytest.raises(UsageError):
        Session(sheet, input, print, attempts=0)


@pytest.mark.parametrize(
    ("line", "command"),
    [(":hint", "hint"), (" :HINT ", "hint"), (":so", "solution"), (":sk", "skip"), (":q", "quit"),
     (":?", "help"), (":h", "hint"), (":he", "help"), (":s", ""), (":", ""), ("hint", None), ("σ(x)", None)],
)
def test_command_of(line: str, command: str | None) -> None:
    assert command_of(line) == command


def test_an_unreadable_derivation_shows_the_lines_it_read(sheet: Sheet) -> None:
    lines = ["e^-x/(1+e^-x)^2", "= sigmod(x)(1-σ(x))", "= σ(x)(1-σ(x))", "", ":quit"]
    _, text, _ = play(sheet, lines, only=["sigmoid.b"])
    assert "The other lines were read as shown" in text
    assert "line 1: " in text and "line 2: (could not be read)" in text and "line 3: " in text  # shown, as said
    assert "?." not in text  # "did you mean sigmoid(x)?" ends its own sentence


def test_a_wrong_answer_says_where_and_how_it_differs(sheet: Sheet) -> None:
    """The words in place of the plot: on which side of the kink, and the constant values there."""
    _, text, _ = play(sheet, ["sign(x)", "Heaviside(-x)", ":quit"], only=["relu.a"])
    assert "Your answer is -1 for x < 0, where the derivative is 0. It is right for x > 0." in text
    assert "Your answer is 1 for x < 0, where the derivative is 0, and 0 for x > 0, where it is 1." in text
    _, text, _ = play(sheet, ["σ(x)(1+σ(x))", ":quit"], only=["sigmoid.a"])
    assert "Your answer is" not in text  # nothing constant to say: the feedback's sentence stays alone
