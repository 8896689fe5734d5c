"""A wrong answer's plot in the practice page, in headless Chromium (Debian's, through the shared
`chromium` fixture): drawn for a wrong answer once the page has asked for it, at desktop and at phone
width (390 px) without scrolling sideways; none for a right or an unreadable one; no console error (the
page's CSP allows the inline SVG as drawn). GRADER_SCREENSHOTS=1 refreshes docs/serve-plot.png and
docs/serve-plot-phone.png."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "axe" / "axe.min.js"
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None

pytestmark = pytest.mark.system


def _answer(browser: Any, address: str, text: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    css = "#" + address.replace(".", "\\.")
    part = browser.find_element(By.CSS_SELECTOR, css)
    field = part.find_element(By.NAME, "answer")
    field.clear()
    field.send_keys(text)
    before = part.find_elements(By.CSS_SELECTOR, ".verdict code")
    old = before[0].text if before else None
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, css + " .verdict code")
                                     and b.find_element(By.CSS_SELECTOR, css + " .verdict code").text != old)
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState") == "complete")
    return browser.find_element(By.CSS_SELECTOR, css)


def _plotted(browser: Any, address: str) -> Any:
    """The plot's SVG once the page's script has put it under the verdict (the page asks for it after
    it is shown: grader.serve.app plot_page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    css = "#" + address.replace(".", "\\.") + " .verdict figure.plot svg"
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, css))
    return browser.find_element(By.CSS_SELECTOR, css)


def _errors(browser: Any) -> list[str]:
    """Severe console messages (a CSP refusal, a script error), but the favicon the server has none of."""
    return [e["message"] for e in browser.get_log("browser")
            if e["level"] == "SEVERE" and "favicon" not in e["message"]]


def _axe(browser: Any) -> list[str]:
    """axe-core's serious and critical violations on the page (as test_serve_phone runs it)."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => "
        "[v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])));")
    return [f"{rule}: {where}" for rule, impact, where in found if impact in ("serious", "critical")]


def test_a_wrong_answer_shows_its_plot_a_right_or_unreadable_one_none(
    practice_server: str, chromium: Callable[[], Any], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    shots = SHOTS or tmp_path
    browser = chromium()
    browser.get(practice_server + "sheets/activation-derivatives/q/relu")
    part = _answer(browser, "relu.a", "sign(x)")
    svg = _plotted(browser, "relu.a")
    assert svg.get_attribute("role") == "img"
    assert svg.size["width"] > 300 and svg.size["height"] > 150  # drawn, not collapsed
    assert len(svg.find_elements(By.CSS_SELECTOR, "path")) >= 4  # both curves and the markers
    caption = part.find_element(By.CSS_SELECTOR, "figure.plot figcaption").text
    assert caption == "Your answer is -1 for x < 0, where the derivative is 0. It is right for x > 0."
    assert not _errors(browser)  # no CSP report, no script error
    assert not _axe(browser)  # the plot is an image with a name (its <title>) and a description
    browser.execute_script("arguments[0].scrollIntoView()", part)
    browser.save_screenshot(str(shots / "serve-plot.png"))

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False})
    browser.get(practice_server + "sheets/activation-derivatives/q/relu")
    svg = _plotted(browser, "relu.a")
    assert svg.size["width"] <= 390
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    browser.save_screenshot(str(shots / "serve-plot-phone.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    part = _answer(browser, "relu.a", "Heaviside(x")  # unreadable: no attempt used, no plot
    assert not part.find_elements(By.CSS_SELECTOR, "figure.plot, .plot-slot")
    part = _answer(browser, "relu.a", "Heaviside(x)")  # right
    assert "correct" in part.find_element(By.CSS_SELECTOR, ".status").text.lower()
    assert not part.find_elements(By.CSS_SELECTOR, "figure.plot, .plot-slot")


def test_at_phone_width_a_huge_answer_stays_inside_the_screen_and_the_plot_text_readable(
    practice_server: str, chromium: Callable[[], Any]
) -> None:
    """10^100 written out (101 digits) made the page 1077 px wide at 390 px; the plot's text was about 8 px."""

    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # a phone: headless Chromium's window is ≥ 500 px
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    browser.get(practice_server + "sheets/activation-derivatives/q/sigmoid")
    _answer(browser, "sigmoid.a", "10^100")
    svg = _plotted(browser, "sigmoid.a")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    heights = browser.execute_script(
        "return [...arguments[0].querySelectorAll('text.tick, text.notes')].map(t => t.getBoundingClientRect().height)",
        svg)
    assert heights and min(heights) >= 13  # 17 units at about 0.69 px a unit: 11.7 px type (13 units was 8.4 px)
    assert not _errors(browser)


def test_a_plot_that_cannot_be_fetched_leaves_its_link(practice_server: str, chromium: Callable[[], Any]) -> None:
    """The server restarting when the page asked for the plot: the slot was removed without a word."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = chromium()
    browser.get(practice_server + "sheets/activation-derivatives/q/tanh")
    _answer(browser, "tanh.a", "1+tanh(x)^2")
    _plotted(browser, "tanh.a")
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/plot?n=*"]})
    try:
        browser.refresh()
        css = "#tanh\\.a .verdict p.plot-none a"
        WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, css))
        link = browser.find_element(By.CSS_SELECTOR, css)
        assert link.text == "The plot could not be loaded: open it"
        assert "/parts/tanh.a/plot?n=1" in link.get_attribute("href")
        assert not browser.find_elements(By.CSS_SELECTOR, "#tanh\\.a .plot-slot")
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
