"""report.html as an instructor's cold trial found it (issue 26): printed right after load with every
student's maths typeset; a diagnosis told from the sheet's known mistake, in the words summary.md
uses; statuses and messages with their `code` as <code>, never raw backticks; summary.md's warnings
and per-part counts; "1 student", never "1 students"."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grader.cli import app

RIGHT = {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2", "relu.a": "Heaviside(x)"}


def _answers(i: int) -> dict[str, str]:
    answers = dict(RIGHT)
    if i % 3 == 0:
        answers["sigmoid.a"] = "σ(x)"  # the function itself: the grader's diagnosis
    if i % 4 == 0:
        answers["sigmoid.a"] = "-σ(x)(1-σ(x))"  # the sheet's known mistake (its message has $…$)
    if i % 5 == 0:
        answers["tanh.a"] = "((x"
    if i == 29:
        answers["relu.a"] = "x"  # one student wrong
    return answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trial")
    subs = folder / "subs"
    subs.mkdir()
    for i in range(1, 31):
        body = "".join(f"  {part}: '{text}'\n" for part, text in _answers(i).items())
        extra = "extra: 1\n" if i == 2 else ""
        (subs / f"s{i:02}.yaml").write_text(f"student: s{i:02}\n{extra}answers:\n{body}", encoding="utf-8")
    (subs / "s05-again.yaml").write_text("student: s05\nanswers:\n  sigmoid.a: 'x'\n", encoding="utf-8")
    (subs / "noname.yaml").write_text("answers:\n  sigmoid.a: 'x'\n", encoding="utf-8")
    ran = CliRunner().invoke(app, ["grade", str(subs), "--out", str(folder / "out"), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    return folder / "out"


def _body(out: Path) -> str:
    text = (out / "report.html").read_text(encoding="utf-8")
    return text[text.index("<body>"):text.index("<script")]  # what the report writes, not the vendored scripts


def test_a_diagnosis_is_not_called_a_known_mistake_and_both_reports_agree(graded: Path) -> None:
    body, summary = _body(graded), (graded / "summary.md").read_text(encoding="utf-8")
    diagnosed = "Diagnosed (one broken differentiation rule, proven): This is the function itself"
    known = "Known mistake (the sheet&#x27;s <code>mistakes:</code>): The sign is wrong."
    assert diagnosed in body and known in body
    assert diagnosed in summary and "Known mistake (the sheet's `mistakes:`): The sign is wrong." in summary
    assert "Misconception" not in summary and "Known mistake: " not in body


def test_markdown_code_is_code_never_raw_backticks(graded: Path) -> None:
    body = _body(graded)
    assert "`" not in body  # statuses, notes, warnings, flags, parse messages
    assert "no <code>student:</code> in the file" in body  # noname's status and the warning
    assert "unknown key <code>extra</code> ignored" in body


def test_the_warnings_and_the_counts_per_part_of_summary_md(graded: Path) -> None:
    body = _body(graded)
    assert '<h2 id="warnings">Warnings</h2>' in body and '<a href="#warnings">' in body
    assert "student <code>s05</code> has 2 files:" in body
    table = body[body.index('<table id="part-counts">'):]
    table = table[:table.index("</table>")]
    heads = re.findall(r"<th[^>]*>([^<]+)</th>", table)
    assert heads == ["part", "points", "mean", "correct", "incorrect", "invalid", "error", "missing"]
    rows = {m[0]: m[1:] for m in re.findall(
        r"<code>([^<]+)</code></td>" + r'<td class="n">([^<]+)</td>' * 7, table)}
    summary = (graded / "summary.md").read_text(encoding="utf-8")
    for address, cells in rows.items():  # the same figures as summary.md's Parts table
        assert f"| `{address}` | {' | '.join(cells)} |" in summary
    assert rows["relu.a"] == ("2", "1.81", "29", "1", "0", "0", "2")  # 2 × 29 / 32: two files did not answer it


def test_one_student_is_one_student(graded: Path) -> None:
    for text in (_body(graded), (graded / "summary.md").read_text(encoding="utf-8")):
        assert not re.search(r"\b1 (students|files|submissions|known mistakes)\b", text)
        assert "(s)" not in text
    assert "1 student wrong" in _body(graded)


@pytest.mark.system
def test_printing_right_after_load_typesets_every_student(graded: Path, chromium: Callable[[], Any]) -> None:
    """The sections far below are typeset lazily, when they near the screen; printing (here the
    DevTools' Page.printToPDF, as File → Print) must typeset them all first."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium()
    browser.get((graded / "report.html").as_uri())
    WebDriverWait(browser, 20).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && document.querySelectorAll('canvas').length === 2"))
    raw = ("return [...document.querySelectorAll('section.student .math-text')]"
           ".filter(el => el.textContent.includes('$') && !el.querySelector('.katex')).length")
    assert browser.execute_script(raw) > 0  # far below, not yet typeset: what a print would show
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {})
    assert pdf["data"]
    assert browser.execute_script(raw) == 0
    typeset = "return document.querySelectorAll('section.student .math-text .katex').length"
    assert browser.execute_script(typeset) >= 7  # the seven students with the sheet's mistake: its $…$


@pytest.mark.system
def test_print_media_typesets_every_student(graded: Path, chromium: Callable[[], Any]) -> None:
    """A browser that says it prints only through matchMedia('print') (no beforeprint event)."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium()
    browser.get((graded / "report.html").as_uri())
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState === 'complete'"))
    raw = ("return [...document.querySelectorAll('section.student .math-text')]"
           ".filter(el => el.textContent.includes('$') && !el.querySelector('.katex')).length")
    assert browser.execute_script(raw) > 0
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    WebDriverWait(browser, 5).until(lambda b: b.execute_script(raw) == 0)
