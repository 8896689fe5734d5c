"""`grader serve` as a student uses it: headless Chromium (Debian's chromium and chromium-driver,
driven by selenium; nothing is downloaded) against a real server process on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots are refreshed only when asked (GRADER_SCREENSHOTS=1): a test run leaves the tree clean.
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None

pytestmark = pytest.mark.system  # the `chromium` fixture (conftest.py) skips where there is no browser


@pytest.fixture(scope="module")
def browser(chromium: Callable[[], Any]) -> Any:
    return chromium()


def _wait(driver: Any, condition: Any, seconds: float = 15) -> Any:
    """Until the condition holds. An element found just before the page was replaced (a submit loads
    a new page) is stale: that is "not yet", so look again, as for one not found yet."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # Stale or missing elements, and Chromium's "node does not belong to the document" while a page is being
    # replaced: all "not yet". An error that lasts still fails the test, as a time-out.
    ignored = (WebDriverException,)
    return WebDriverWait(driver, seconds, ignored_exceptions=ignored).until(condition)


def test_a_student_types_sees_the_preview_submits_and_sees_the_verdict(
    practice_server: str, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    shots = SHOTS or tmp_path

    browser.get(practice_server + "sheets/activation-derivatives/q/sigmoid")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".statement .katex"))  # the statement is typeset
    part = browser.find_element(By.ID, "sigmoid.a")
    field = part.find_element(By.NAME, "answer")

    field.send_keys("e^-x/(1+e^-x")  # unreadable: the preview shows the caret and the hint
    caret = _wait(browser, lambda d: part.find_elements(By.CSS_SELECTOR, ".preview-line.bad pre.caret"))
    assert caret[0].text.endswith("^")
    assert "missing" in part.find_element(By.CSS_SELECTOR, ".preview-line.bad .hint-line").text

    field.send_keys(")^2")  # now readable: typeset
    _wait(browser, lambda d: part.find_elements(By.CSS_SELECTOR, ".preview-line.ok .katex"))
    assert not part.find_elements(By.CSS_SELECTOR, ".preview-line.bad")
    browser.save_screenshot(str(shots / "serve-question.png"))
    assert (shots / "serve-question.png").read_bytes().startswith(b"\x89PNG")

    field.clear()
    field.send_keys("-e^(-x)/(1+e^(-x))^2")
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    part = _wait(browser, lambda d: d.find_element(By.ID, "sigmoid.a").find_elements(By.CSS_SELECTOR, ".verdict"))
    verdict = browser.find_element(By.CSS_SELECTOR, "#sigmoid\\.a .verdict")
    assert "INCORRECT" in verdict.text.upper() and "sign is wrong" in verdict.text and "2 attempts left" in verdict.text
    assert verdict.find_elements(By.CSS_SELECTOR, ".katex")  # the feedback's maths is typeset too

    part = browser.find_element(By.ID, "sigmoid.a")
    field = part.find_element(By.NAME, "answer")
    assert field.get_attribute("value") == "-e^(-x)/(1+e^(-x))^2"  # the last answer, to correct
    field.clear()
    field.send_keys("σ(x)(1-σ(x))")
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    _wait(browser, lambda d: "correct" in d.find_element(By.CSS_SELECTOR, "#sigmoid\\.a .status").text.lower()
          and "incorrect" not in d.find_element(By.CSS_SELECTOR, "#sigmoid\\.a .status").text.lower())
    solution = browser.find_element(By.CSS_SELECTOR, "#sigmoid\\.a .solution")
    assert solution.find_elements(By.CSS_SELECTOR, ".tex .katex")  # the worked solution, typeset
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "sigmoid.a"))
    browser.save_screenshot(str(shots / "serve-solution.png"))


def test_a_derivation_box_previews_each_line(practice_server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(practice_server + "sheets/activation-derivatives/q/sigmoid")
    part = browser.find_element(By.ID, "sigmoid.b")
    part.find_element(By.NAME, "answer").send_keys("e^-x/(1+e^-x)^2\n= σ(x)(1-σ(x)")
    _wait(browser, lambda d: len(part.find_elements(By.CSS_SELECTOR, ".preview-line")) == 2
          and part.find_elements(By.CSS_SELECTOR, ".preview-line.bad"))
    lines = part.find_elements(By.CSS_SELECTOR, ".preview-line")
    assert "ok" in lines[0].get_attribute("class") and "bad" in lines[1].get_attribute("class")
