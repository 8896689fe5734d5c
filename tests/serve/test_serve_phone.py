"""Phones and accessibility (issue 22, item 6), in headless Chromium at 390 x 844 against a real
class server: no page scrolls sideways, axe-core (vendored in tests/serve/axe/, from the npm registry)
finds no serious or critical violation, KaTeX keeps its MathML, and the practice flow works with the
keyboard alone. GRADER_SCREENSHOTS=1 refreshes the screenshots in docs/."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "axe" / "axe.min.js"
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None
SHEET = "activation-derivatives"
ROSTER = "student id,name\ns001,Ada Lovelace\ns002,Émile Borel\n"

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("phone")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", SHEET, "--class", str(folder / "roster.csv"),
                                "--db", str(folder / "class.sqlite"), "--links", str(folder / "links.csv"),
                                "--port", "0", "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+/", process.stdout.readline())
    try:
        assert found
        with (folder / "links.csv").open(encoding="utf-8") as file:
            links = {row["student_id"]: row["link"] for row in csv.DictReader(file)}
        yield found.group(0).rstrip("/"), links
    finally:
        process.terminate()
        process.wait(timeout=30)


def _phone(chromium: Callable[[], Any]) -> Any:
    browser = chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False})
    return browser


def _settle(browser: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && (typeof katex === 'undefined' || "
        "!document.querySelector('.tex:not(:has(.katex))'))"))


def _fits(browser: Any) -> tuple[int, int]:
    """The page's width and the window's. (A mobile emulation would widen the layout viewport to fit
    the page, hiding the problem: this is a 390 px window, where anything wider scrolls.)"""
    return browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")  # type: ignore[no-any-return]


def _axe(browser: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, as `rule: target` lines."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))  # through the driver: no page script, CSP untouched
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => "
        "[v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])));")
    return [f"{rule}: {where}" for rule, impact, where in found if impact in ("serious", "critical")]


def _sign_in(browser: Any, link: str) -> None:
    browser.get(link)
    _settle(browser)


def _answered_on_a_phone(chromium: Callable[[], Any], url: str, link: str, address: str, text: str) -> Any:
    """A student signed in on a phone who has answered `address` with `text` (the page after it)."""
    from selenium.webdriver.common.by import By

    phone = _phone(chromium)
    _sign_in(phone, link)
    phone.get(f"{url}/sheets/{SHEET}/q/{address.split('.')[0]}")
    _settle(phone)
    box = phone.find_element(By.CSS_SELECTOR, f'section[data-part="{address}"] input[name=answer]')
    box.send_keys(text)
    box.submit()
    _settle(phone)
    return phone


def test_pages_fit_a_phone_and_have_no_serious_accessibility_violation(server, chromium, page_checks) -> None:
    from selenium.webdriver.common.by import By

    url, links = server
    ada = _answered_on_a_phone(chromium, url, links["s001"], "sigmoid.a", "e^(-x)/(1+e^(-x))^2")
    assert "Worked solution" in ada.find_element(By.ID, "sigmoid.a").text
    assert ada.find_elements(By.CSS_SELECTOR, ".katex .katex-mathml math")  # MathML kept for screen readers
    # How the answer was read is a formula at full size (display style), not the small maths of a sentence.
    assert ada.find_elements(By.CSS_SELECTOR, '.read-as .katex-mathml mstyle[displaystyle="true"]')
    if SHOTS is not None:
        ada.save_screenshot(str(SHOTS / "serve-phone.png"))
    pages = {"question with its solution": f"{url}/sheets/{SHEET}/q/sigmoid", "sheet list": f"{url}/",
             "score table": f"{url}/sheets/{SHEET}"}
    problems = {}
    for name, address in pages.items():
        ada.get(address)
        _settle(ada)
        width, inner = _fits(ada)
        assert width <= inner == 390, f"{name}: {width} px wide at {inner}"
        problems[name] = _axe(ada)
    teacher = _phone(chromium)
    _sign_in(teacher, links["*instructor*"])
    teacher.get(f"{url}/instructor")
    _settle(teacher)
    assert "Ada Lovelace" in teacher.find_element(By.ID, "class-students").text  # names, not only ids
    painted = page_checks.drawn_charts(teacher)  # the histogram and the parts chart, at a phone's width
    assert len(painted) == 2 and all(n > 500 for n in painted), painted
    assert page_checks.console_errors(teacher) == []
    width, inner = _fits(teacher)
    assert width <= inner == 390, f"instructor page: {width} px wide at {inner}"
    problems["instructor page"] = _axe(teacher)
    if SHOTS is not None:
        teacher.save_screenshot(str(SHOTS / "serve-instructor-phone.png"))
    assert all(not found for found in problems.values()), problems


def test_the_practice_flow_works_with_the_keyboard_alone(server, chromium) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, links = server
    emile = _phone(chromium)
    _sign_in(emile, links["s002"])
    emile.get(f"{url}/")
    _settle(emile)

    def keys(*sent: str) -> None:
        ActionChains(emile).send_keys(*sent).perform()

    def tab_to(what: str, most: int = 40) -> None:
        """Tab until the focused element is `what` (a link's text, or an element's name)."""
        seen = []
        for _ in range(most):
            keys(Keys.TAB)
            focused = emile.execute_script(
                "const e = document.activeElement; return e.matches('a, button') ? e.textContent.trim() : "
                "[e.name || '', e.closest('section') ? e.closest('section').dataset.part : ''].join('|')")
            if what in focused:
                return
            seen.append(focused)
        pytest.fail(f"Tab never reached {what} on {emile.current_url}: {seen[:12]}")

    tab_to("Derivatives of Common Activation Functions")
    keys(Keys.ENTER)
    _settle(emile)
    tab_to("Hyperbolic Tangent (Tanh)")
    keys(Keys.ENTER)
    _settle(emile)
    tab_to("answer|tanh.a")
    keys("1-tanh(x)^2", Keys.ENTER)
    _settle(emile)
    assert "correct" in emile.execute_script(
        "return document.querySelector('section[data-part=\"tanh.a\"] .status').textContent")
    tab_to("Show the solution")  # tanh.b's: ends that part, says so on the button
    keys(Keys.ENTER)
    _settle(emile)
    assert "Worked solution" in emile.execute_script("return document.getElementById('tanh.b').textContent")


def test_the_instructor_s_wrong_answers_are_readable_on_a_phone(server, chromium) -> None:
    """The cold trial: at 390 px the "Common wrong answers" column was ~112 px (a word a line) and the
    sheet's id filled every Part cell. Now each part is a block with its wrong answers the full width,
    and the sheet is named once, on the first page and after each refresh alike."""
    from selenium.webdriver.support.ui import WebDriverWait

    url, links = server
    _answered_on_a_phone(chromium, url, links["s001"], "relu.a", "max(0, x) + 0*x")
    teacher = _phone(chromium)
    _sign_in(teacher, links["*instructor*"])
    teacher.get(f"{url}/instructor")
    _settle(teacher)
    measure = ("const table = document.querySelector('#class-stats');"
               "const cell = table.querySelector('.wrong-group').closest('td');"
               "return [cell.getBoundingClientRect().width,"
               " table.tBodies[0].textContent.split(arguments[0]).length - 1,"
               " [...table.querySelectorAll('tbody td:first-child')].map(td => td.textContent.trim())];")
    for when in ("first page", "refreshed"):
        if when == "refreshed":  # the page replaces its rows from stats.json every 5 s
            teacher.execute_script("document.querySelector('#class-stats tbody tr').dataset.old = '1';")
            WebDriverWait(teacher, 15).until(lambda b: b.execute_script(
                "return !document.querySelector('#class-stats tbody tr[data-old]');"))
        width, named, parts = teacher.execute_script(measure, SHEET)
        assert width >= 300, f"{when}: the wrong answers are {width} px wide at 390"
        assert named == 1 and "relu.a" in parts and not any(SHEET in p for p in parts), (when, named, parts)
        assert _fits(teacher)[0] <= 390
    if SHOTS is not None:
        teacher.execute_script("document.querySelector('#class-stats').scrollIntoView()")
        teacher.save_screenshot(str(SHOTS / "serve-instructor-phone-answers.png"))
