"""report.html's per-student plots (grader.batch.reports.student_plots.plot_svg): an SVG for a wrong
expression answer, drawn against the variant the student answered; None for everything else.

Seeds pick the leaky_relu variant (piecewise-activations): 4 -> alpha=0.01, 0 -> alpha=0.2."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

import pytest

from grader.batch.grade import grade_paths
from grader.batch.model import Answer, Batch
from grader.batch.reports.student_plots import plot_svg

SHEET = "piecewise-activations"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("plots")
    for student, seed, answers in (
        ("ana", 4, {"leaky_relu.a": "Heaviside(x)", "hardtanh.a": "1"}),  # alpha=0.01
        ("dan", 0, {"leaky_relu.a": "Heaviside(x)", "leaky_relu.b.left": "7"}),  # alpha=0.2
        ("eve", 4, {"leaky_relu.a": "0.01 if x < 0 else 1", "hardtanh.a": "Heaviside(x"}),  # right; unreadable
    ):
        data = {"student": student, "sheet": SHEET, "seed": seed, "answers": answers}
        (folder / f"{student}.json").write_text(json.dumps(data), encoding="utf-8")
    return grade_paths([str(folder)], jobs=1)


def _answer(batch: Batch, student: str, address: str) -> Answer:
    row = next(r for r in batch.rows if r.student == student)
    return next(a for a in row.answers if a.address == address)


def test_a_wrong_answer_is_drawn_against_its_own_variant(batch: Batch) -> None:
    for student, alpha in (("ana", "0.01"), ("dan", "0.2")):
        answer = _answer(batch, student, "leaky_relu.a")
        svg = plot_svg(batch.sheet, answer)
        assert svg is not None
        desc = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}desc")
        assert desc is not None and desc.text is not None
        assert f"Your answer is 0 for x < 0, where the derivative is {alpha}." in desc.text


def test_nothing_for_right_unreadable_missing_or_number_answers_or_without_a_sheet(batch: Batch) -> None:
    assert plot_svg(batch.sheet, _answer(batch, "eve", "leaky_relu.a")) is None  # right
    assert plot_svg(batch.sheet, _answer(batch, "eve", "hardtanh.a")) is None  # unreadable
    assert plot_svg(batch.sheet, _answer(batch, "ana", "relu6.a")) is None  # missing
    assert plot_svg(batch.sheet, _answer(batch, "dan", "leaky_relu.b.left")) is None  # a number part
    assert plot_svg(None, _answer(batch, "ana", "leaky_relu.a")) is None  # a Batch without its sheet
    assert plot_svg(batch.sheet, _answer(batch, "ana", "hardtanh.a")) is not None


def test_the_svg_is_the_same_every_time(batch: Batch) -> None:
    answer = _answer(batch, "ana", "hardtanh.a")
    assert plot_svg(batch.sheet, answer) == plot_svg(batch.sheet, answer)


def test_the_same_wrong_answer_is_drawn_once_per_sheet_and_variant(batch: Batch) -> None:
    from grader.batch.reports import student_plots

    answer = _answer(batch, "ana", "leaky_relu.a")
    first = plot_svg(batch.sheet, answer)
    assert any(k[1:] == ("leaky_relu.a", answer.variant, "Heaviside(x)") for k in student_plots._drawn)
    same_text = _answer(batch, "dan", "leaky_relu.a")  # the same text, another variant: its own plot
    assert plot_svg(batch.sheet, same_text) != first


def test_the_words_are_shown_in_report_html_and_in_the_feedback_files(batch: Batch) -> None:
    """The words were only in the SVG's hidden <desc>, and feedback/*.md had neither plot nor words."""
    from grader.batch.reports.feedback import feedback_files
    from grader.batch.reports.html import report_html

    said = "Your answer is 0 for x < 0, where the derivative is 0.01. It is right for x > 0."
    page = report_html(batch)
    assert f'<figcaption class="math-text">{html.escape(said)}</figcaption></figure>' in page  # visible
    files = feedback_files(batch, batch.rows, batch.sheet)
    ana = next(text for name, text in files.items() if "ana" in name)
    assert said in ana
    eve = next(text for name, text in files.items() if "eve" in name)
    assert "Your answer is" not in eve  # right or unreadable: no plot, no words
