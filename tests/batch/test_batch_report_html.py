"""report.html (issue 26): one page an instructor opens from a file. Same class, same bytes; student
text never becomes markup; and in Chromium, from file://, its charts are drawn, its maths typeset, with
no console error and no request anywhere (GRADER_SCREENSHOTS=1 refreshes docs/report*.png)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None
HOSTILE = "</script><img src=x onerror=alert(1)>"
ANSWERS = {
    "ana": {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2", "relu.a": "Heaviside(x)"},
    "ben": {"sigmoid.a": "-σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2", "relu.a": "x"},
    "cai": {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 + tanh(x)^2", "relu.a": "x"},
    "dee": {"sigmoid.a": HOSTILE, "tanh.a": "$x$ <b>bold</b>", "relu.a": "sign(x)"},
    "<i>eve</i>": {"sigmoid.a": "-e^(-x)/(1+e^(-x))^2"},
}


def _class(folder: Path) -> Path:
    subs = folder / "subs"
    subs.mkdir()
    for i, (student, answers) in enumerate(ANSWERS.items()):
        body = "".join(f"  {part}: {text!r}\n".replace("'", '"') if '"' not in text else f"  {part}: '{text}'\n"
                       for part, text in answers.items())
        (subs / f"{i}.yaml").write_text(f"student: '{student}'\nanswers:\n{body}", encoding="utf-8")
    return subs


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    subs = _class(folder)
    ran = CliRunner().invoke(app, ["grade", str(subs), "--out", str(folder / "out"), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    return folder / "out" / "report.html"


@pytest.mark.system  # grades with batch's worker pool: forks its worker processes
def test_same_class_same_bytes(report: Path, tmp_path: Path) -> None:
    ran = CliRunner().invoke(app, ["grade", str(report.parents[1] / "subs"), "--out", str(tmp_path), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    assert (tmp_path / "report.html").read_bytes() == report.read_bytes()


def test_student_text_never_becomes_markup_and_nothing_is_fetched(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    page = text[text.index("<body>"):text.index("<script")]  # what the report writes (then the vendored scripts)
    assert HOSTILE not in text and "<img" not in page and "<b>bold</b>" not in page and "<i>eve</i>" not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert len(re.findall(r"<script\b", text)) == 3  # the figures (JSON), the vendored scripts, the start
    assert "default-src 'none'" in text  # the page may fetch nothing at all, from anywhere
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", text)
    for student in ("ana", "ben", "cai", "dee", "&lt;i&gt;eve&lt;/i&gt;"):  # each in the table, with a section
        assert text.count(f">{student}</a></td>") == 1 and f"<h3>{student}</h3>" in text


@pytest.mark.system
@pytest.mark.parametrize("width", [1100, 390])
def test_chromium_draws_it_from_a_file(report: Path, chromium: Callable[[], Any], width: int, tmp_path: Path,
                                       page_checks: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # a 390 px window, as test_serve_phone.py's
                            {"width": width, "height": 1300, "deviceScaleFactor": 1, "mobile": False})
    browser.get(report.as_uri())
    WebDriverWait(browser, 20).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && document.querySelectorAll('canvas').length === 2"))
    painted = page_checks.drawn_charts(browser)
    assert len(painted) == 2 and all(n > 1000 for n in painted), painted  # the histogram and the parts chart
    assert browser.execute_script("return document.querySelectorAll('.tex .katex, .math-text .katex').length") > 3
    assert browser.execute_script(  # KaTeX's own fonts, from the page itself
        "return document.fonts.check('16px KaTeX_Main') && [...document.fonts].some(f => f.status === 'loaded')")
    assert page_checks.console_errors(browser) == []
    asked = page_checks.requested(browser)  # (and the browser's own chrome:// new-tab page)
    assert report.as_uri() in asked
    assert [url for url in asked if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:"))] == []
    width_now, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width_now <= inner == width, f"report.html is {width_now} px wide at {inner} px"
    shot = (SHOTS or tmp_path) / ("report.png" if width > 500 else "report-phone.png")
    browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")

