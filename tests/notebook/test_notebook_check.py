"""gn.check, show, hint, solution, answer, save: what each mime type carries, and the CLI's words."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import grader.notebook as gn
from grader.batch.submissions import Submission, read
from grader.grading import grade as grading
from grader.grading.render import result_text
from grader.sheets import cache


def test_check_text_plain_is_the_cli_words_and_the_other_forms_typeset_the_maths() -> None:
    checked = gn.check("sigmoid.a", "e^-x/(1+e^-x)")
    bundle = checked._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "text/markdown", "text/latex"}
    same = grading.grade(cache.load(None), "sigmoid.a", "e^-x/(1+e^-x)")
    assert bundle["text/plain"] == result_text(same).plain  # `grader check`'s output, word for word
    assert checked.status == "incorrect" and not checked.correct and checked.points == 0
    html = bundle["text/html"]
    assert "✗ incorrect  sigmoid.a  0/2 points" in html and "grader-incorrect" in html
    assert r"Read as:</div><div>\[\frac{e^{- x}}{1 + e^{- x}}\]</div>" in html  # display maths for MathJax
    assert r"\(\frac{d}{dx}u^{-1} = -u^{-2}u'\)" in html  # the feedback's $…$ as inline maths
    assert "The square in the denominator was dropped" in html
    md = bundle["text/markdown"]
    assert "$$\n\\frac{e^{- x}}{1 + e^{- x}}\n$$" in md and "$\\frac{d}{dx}u^{-1} = -u^{-2}u'$" in md
    latex = bundle["text/latex"]
    assert latex.startswith(r"\textbf{✗ incorrect  sigmoid.a  0/2 points}") and r"\[\frac{e^{- x}}" in latex


def test_a_right_answer_and_a_sympy_expression() -> None:
    x = sympy.Symbol("x")
    assert gn.check("sigmoid.a", "σ(x)(1-σ(x))").correct
    checked = gn.check("sigmoid.a", sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2)
    assert checked.correct and checked.points == 2
    assert gn.check("relu.a", sympy.Piecewise((0, x < 0), (1, True))).correct
    assert gn.check("relu.b.differentiable", False).status in ("correct", "invalid", "incorrect")


def test_student_text_is_never_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"__import__('pathlib').Path('{marker}').touch()"
    checked = gn.check("sigmoid.a", text)
    assert checked.status == "invalid" and not marker.exists()
    assert "<pre" in checked.html() and "^" in checked.plain()  # the caret line


def test_an_unreadable_answer_shows_the_caret_and_escapes_html() -> None:
    checked = gn.check("sigmoid.a", "<b>e^-x/(1+e^-x</b>")
    html = checked.html()
    assert "<b>e^" not in html and "&lt;b&gt;" in html
    assert checked.status == "invalid"


def test_colab_gets_no_html_so_it_shows_the_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    bundle = gn.check("sigmoid.a", "σ(x)(1-σ(x))")._repr_mimebundle_()
    assert "text/html" not in bundle and "$" in bundle["text/markdown"]


def test_show_hint_solution() -> None:
    shown = gn.show("relu.b")
    assert "relu.b.left" in shown.markdown() and "relu.a" not in shown.markdown()
    assert r"\(\lim_{h \to 0^-}" in shown.html()
    assert "Derivatives of Common Activation Functions" in gn.show().plain()
    first, second = gn.hint("sigmoid.a").plain(), gn.hint("sigmoid.a").plain()
    assert "Hint 1 of 3" in first and "Hint 2" not in first and "Hint 2 of 3" in second
    for _ in range(3):
        last = gn.hint("sigmoid.a").plain()
    assert "Hint 3 of 3" in last and "That was the last hint." in last
    solution = gn.solution("tanh.a")
    assert "Worked solution of tanh.a" in solution.plain() and r"\begin{aligned}" in solution.html()
    assert r"\[\begin{aligned}" in solution.latex()


def test_a_mistake_in_a_call_is_one_line_not_a_traceback() -> None:
    with pytest.raises(gn.NotebookError) as caught:
        gn.check("sigmoid.c", "1")
    assert "no part `sigmoid.c`" in str(caught.value) and "did you mean `sigmoid.b`" in str(caught.value)
    assert caught.value._render_traceback_() == [f"\x1b[31mgrader:\x1b[0m {caught.value}"]
    with pytest.raises(gn.NotebookError, match="a sympy expression"):
        gn.check("sigmoid.a", object())


@pytest.mark.system  # grades the saved file with `python -m grader grade` in a subprocess
def test_answer_and_save_write_the_file_practice_save_writes(tmp_path: Path) -> None:
    shown = gn.answer("sigmoid.a", "e^-x/(1+e^-x)^2", student="s1")
    assert "Recorded for sigmoid.a." in shown.plain() and r"\[\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}\]" \
        in shown.html()
    gn.answer("tanh.a", "\\frac{4}{(e^x+e^{-x})^2}")
    gn.answer("sigmoid.a", "σ(x)(1-σ(x))")  # the last one counts
    gn.answer("relu.a", "  ")  # blank: no answer
    saved = gn.save(tmp_path / "answers.yaml")
    assert "Saved 2 answer(s)" in saved.plain()
    back = read(str(tmp_path / "answers.yaml"))
    assert isinstance(back, Submission)
    assert back.student == "s1" and back.sheet == "activation-derivatives"
    assert back.answers == {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "\\frac{4}{(e^x+e^{-x})^2}"}
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path / "answers.yaml"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert gn.answers() == back.answers


def test_use_picks_the_sheet_and_variant(tmp_path: Path) -> None:
    used = gn.use("piecewise-activations", student="s1234")
    assert "the variants of s1234" in used.plain()
    checked = gn.check("leaky_relu.a", "α if x < 0 else 1")
    assert checked.plain().startswith("Variant alpha=")


def test_the_placeholder_id_of_a_blank_notebook_is_no_id(tmp_path: Path) -> None:
    gn.answer("relu.a", "Heaviside(x)", student="your-student-id")
    assert "Set `student:` in it to your id." in gn.save(tmp_path / "a.yaml").plain()
    back = read(str(tmp_path / "a.yaml"))
    assert isinstance(back, Submission) and back.student == "a"  # the file name, as for a template


def test_latex_eaten_by_a_python_escape_is_refused_with_the_fix() -> None:
    with pytest.raises(gn.NotebookError, match=r'`\\t` is a tab.*raw string, r"\\tanh"'):
        gn.check("tanh.a", "1 - \tanh(x)^2")  # a tab and `anh`: what the student typed is not what arrives
    with pytest.raises(gn.NotebookError, match=r'`\\f` is a form feed, so `\\frac` became.*r"\\frac"'):
        gn.answer("sigmoid.a", "\frac{1}{2}")  # the message names the escape the answer holds, not always `\t`
    assert gn.check("tanh.a", r"1 - \tanh(x)^2").correct


def test_check_all_grades_the_recorded_answers_as_grade_will() -> None:
    gn.answer("sigmoid.a", "σ(x)(1-σ(x))")
    gn.answer("relu.a", "x")
    table = gn.check_all()
    lines = table.plain().splitlines()
    assert lines[0].split() == ["part", "verdict", "points"]
    assert lines[1].split() == ["sigmoid.a", "✓", "correct", "2/2", "points"]
    assert lines[5].split() == ["relu.a", "✗", "incorrect", "0/2", "points"]
    assert "Total 2/16 points · 7 part(s) without an answer" in table.plain()
    assert "<td>✓ correct</td>" in table.html() and "| sigmoid.a | ✓ correct | 2/2 points |" in table.markdown()


def test_show_takes_a_sheet_too() -> None:
    shown = gn.show("piecewise-activations").plain()
    assert shown.startswith("Derivatives of Activation Functions with Kinks") and "leaky_relu.a" in shown
    with pytest.raises(gn.NotebookError, match="no question or part `sigmod`"):
        gn.show("sigmod")


def test_a_randomised_question_without_an_id_says_how_to_pick_yours() -> None:
    first = gn.check("leaky_relu.a", "0.1 if x < 0 else 1", sheet="piecewise-activations")
    assert first.plain().startswith("Variant alpha=")
    assert 'the first variant; gn.use(student="your id") picks yours' in first.plain().splitlines()[0]
    assert "--seed" not in first.plain()


def test_a_checked_result_copies_and_pickles() -> None:
    import copy
    import pickle

    checked = gn.check("sigmoid.a", "σ(x)(1-σ(x))")
    assert copy.copy(checked).status == "correct"
    assert pickle.loads(pickle.dumps(checked)).result == checked.result


def test_a_wrong_answer_has_its_plot_in_the_html_only_and_its_words_in_every_form() -> None:
    bundle = gn.check("relu.a", "sign(x)")._repr_mimebundle_()
    words = "Your answer is -1 for x < 0, where the derivative is 0. It is right for x > 0."
    html = bundle["text/html"]
    found = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', html)
    assert found and html.count("<img") == 1  # an image: it stays when JupyterLab sanitises the output
    svg = base64.b64decode(found.group(1)).decode()
    assert svg.startswith("<svg") and 'role="img"' in svg and "<script" not in svg
    assert found.group(2).startswith("Your answer and the derivative, plotted against x from")  # the alt text
    assert all("data:image/svg" not in bundle[k] for k in ("text/plain", "text/markdown", "text/latex"))
    assert words in bundle["text/plain"]  # `grader check`'s words, word for word
    assert words.replace("<", "\\<").replace(">", "\\>") in bundle["text/markdown"]
    assert "Your answer is -1 for x" in bundle["text/latex"]
    for right_or_unreadable in ("Heaviside(x)", "Heaviside(x"):
        assert "<img" not in gn.check("relu.a", right_or_unreadable)._repr_mimebundle_()["text/html"]
