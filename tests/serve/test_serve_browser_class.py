"""`grader serve --class` in a browser: signing in with a link, one student kept out of another's
work and of the instructor page, and the instructor page updating itself while students answer.
Headless Chromium (Debian's chromium and chromium-driver, driven by selenium) against a real server
process on 127.0.0.1; two browsers stand for two people."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from markupsafe import escape

ROOT = Path(__file__).resolve().parents[2]
# The README's screenshot is refreshed only when asked (GRADER_SCREENSHOTS=1): a test run leaves the tree clean.
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None
SHEET = "activation-derivatives"
ROSTER = ("student id,name\ns001,Ada Lovelace\ns002,Émile Borel\ns003,Carl Gauss\ns004,Sofia Kovalevskaya\n"
          "s005,Alan Turing\ns006,Grace Hopper\n")
INSTRUCTOR = "*instructor*"
WAIT = 20.0  # seconds for the instructor page's refresh (every 5 s) to show a change

pytestmark = pytest.mark.system  # the `chromium` fixture (conftest.py) skips where there is no browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The server's URL and each roster id's sign-in link."""
    folder = tmp_path_factory.mktemp("class")
    roster, links = folder / "roster.csv", folder / "links.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", SHEET, "--class", str(roster),
                                "--db", str(folder / "class.sqlite"), "--links", str(links), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://\S+/", process.stdout.readline())
    try:
        assert found, "the server printed no URL"
        with links.open(encoding="utf-8") as file:  # written before the URL is printed
            signin = {row["student_id"]: row["link"] for row in csv.DictReader(file)}
        yield found.group(0), signin
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browsers(chromium: Callable[[], Any]) -> tuple[Any, Any]:
    """Two browsers, two people: each test signs in whom it needs (a sign-in replaces the cookie)."""
    return chromium(), chromium()


def _wait(driver: Any, condition: Any, seconds: float = 15) -> Any:
    """Until the condition holds; an element gone stale (its page or table row replaced) is "not yet"."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # Stale or missing elements, and Chromium's "node does not belong to the document" while a page is being
    # replaced: all "not yet". An error that lasts still fails the test, as a time-out.
    ignored = (WebDriverException,)
    return WebDriverWait(driver, seconds, ignored_exceptions=ignored).until(condition)


def _heading(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "h1").text)


def _signed_out(driver: Any, base: str) -> None:
    """A browser with no cookie for the server (cookies are cleared for the page's own site)."""
    driver.get(base + "static/style.css")
    driver.delete_all_cookies()
    assert driver.get_cookies() == []


def _sign_in(driver: Any, link: str, home: str) -> None:
    """Open a sign-in link and let its page move on (to the sheets or the instructor page); when someone
    else is signed in in that browser, press the button that switches, as a person would."""
    from selenium.webdriver.common.by import By

    driver.get(link)
    # the sign-in page moves on by itself: its heading may be gone, or not there yet, when first looked at
    if _wait(driver, lambda d: _heading(d)) == "Someone else is signed in":
        driver.find_element(By.CSS_SELECTOR, "main form button").click()
    _wait(driver, lambda d: d.current_url == home and _heading(d) not in ("Signed in", ""))


def _answer(driver: Any, base: str, address: str, text: str) -> str:
    """Type an answer into a part's form, submit, and return the verdict's text once the page shows it."""
    from selenium.webdriver.common.by import By

    question = address.split(".", 1)[0]
    if not driver.current_url.startswith(f"{base}sheets/{SHEET}/q/{question}"):
        driver.get(f"{base}sheets/{SHEET}/q/{question}")
    part = driver.find_element(By.ID, address)
    field = part.find_element(By.NAME, "answer")
    field.clear()  # it holds the last answer, to correct
    field.send_keys(text)
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    # The new page's verdict on this answer; the old page's elements go stale, which is "not yet".
    verdict = _wait(driver, lambda d: [v for v in d.find_elements(By.CSS_SELECTOR, f"[id='{address}'] .verdict")
                                       if v.find_element(By.CSS_SELECTOR, "code").text == text])
    return str(verdict[0].text)


def _fetch_status(driver: Any, path: str) -> int:
    """The status of a fetch the page itself makes (with its cookie), as a script on it could."""
    return int(driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), () => done(0));", path))


def _class_table(driver: Any) -> dict[str, list[str]]:
    """The instructor's table, read in one script (the page replaces its rows every 5 s): part -> cells."""
    rows = driver.execute_script(
        "const group = g => Array.from(g.childNodes).filter(n => !(n.classList && n.classList.contains('note')))"
        "  .map(n => n.textContent).join('').trim();"  # a group's count and forms, without its feedback
        "let sheet = '';"  # each sheet's name heads its parts, once
        "return Array.from(document.querySelectorAll('#class-stats tbody tr')).map(tr => {"
        "  if (tr.classList.contains('sheet-row')) { sheet = tr.querySelector('code').textContent; return null; }"
        "  return Array.from(tr.cells).map((td, i) => i === 0 ? sheet + ' ' + td.innerText.trim()"
        "    : i < 4 ? td.innerText.trim()"
        "    : Array.from(td.querySelectorAll('.wrong-group')).map(group).join('\\n'));"
        "}).filter(row => row !== null);")
    return {row[0]: row[1:] for row in rows}


def _fit_to_page(driver: Any) -> None:
    """A window just tall enough for the page, so its picture has no empty half."""
    chrome, bottom = driver.execute_script(
        "return [window.outerHeight - window.innerHeight,"
        " document.querySelector('main').getBoundingClientRect().bottom + window.scrollY];")
    driver.set_window_size(driver.get_window_size()["width"], int(chrome + bottom))


class _Student:
    """A student who answers over plain HTTP (the forms the page posts): class activity set up fast."""

    def __init__(self, base: str, link: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        with self.opener.open(link) as reply:
            assert reply.status == 200

    def answer(self, address: str, text: str) -> None:
        with self.opener.open(f"{self.base}sheets/{SHEET}/q/{address.split('.', 1)[0]}") as reply:
            found = re.search(r'name="csrf" value="([^"]+)"', reply.read().decode("utf-8"))
        assert found
        form = urlencode({"csrf": found.group(1), "answer": text}).encode()
        with self.opener.open(f"{self.base}sheets/{SHEET}/parts/{address}/answer", data=form) as reply:
            assert reply.status == 200 and str(escape(text)) in reply.read().decode()  # back on the page, showing it


def test_a_visitor_without_a_link_is_refused_and_a_student_signs_in_and_answers(
    server: tuple[str, dict[str, str]], browsers: tuple[Any, Any]
) -> None:
    from selenium.webdriver.common.by import By

    base, links = server
    browser = browsers[0]
    _signed_out(browser, base)
    browser.get(base)
    assert _heading(browser) == "Sign in first"
    assert not browser.find_elements(By.CSS_SELECTOR, "table.scores")
    assert browser.get_cookies() == []  # no session was handed out

    token = links["s001"].rsplit("/", 1)[1]
    forged = ("B" if token[0] == "A" else "A") + token[1:]
    for link in (f"{base}signin/{forged}", f"{base}signin/s001", f"{base}signin/{'x' * 200}"):
        browser.get(link)
        assert _heading(browser) == "Unknown link"
        assert browser.get_cookies() == []
    browser.get(base)
    assert _heading(browser) == "Sign in first"

    _sign_in(browser, links["s001"], base)  # the sign-in page moves on to the list of sheets by itself
    assert _heading(browser) == "Exercise sheets"
    assert [c["name"] for c in browser.get_cookies()] == ["grader_session"]
    assert browser.find_element(By.CSS_SELECTOR, "header .who").text == "signed in as Ada Lovelace (s001)"
    browser.find_element(By.LINK_TEXT, "Derivatives of Common Activation Functions").click()
    _wait(browser, lambda d: _heading(d) == "Derivatives of Common Activation Functions")
    browser.find_element(By.LINK_TEXT, "Sigmoid Function").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".statement .katex"))  # typeset
    verdict = _answer(browser, base, "sigmoid.a", "σ(x)(1-σ(x))")
    assert "CORRECT" in verdict.upper() and "INCORRECT" not in verdict.upper()
    browser.get(f"{base}sheets/{SHEET}")
    row = browser.find_element(By.XPATH, "//table[@id='scores']//tr[td[1]='sigmoid.a']")
    assert [c.text for c in row.find_elements(By.TAG_NAME, "td")][2:] == ["1", "correct", "2 / 2"]


def test_a_student_never_sees_another_students_work_nor_the_instructor_page(
    server: tuple[str, dict[str, str]], browsers: tuple[Any, Any]
) -> None:
    from selenium.webdriver.common.by import By

    base, links = server
    emile, carl = browsers
    _sign_in(emile, links["s002"], base)
    _sign_in(carl, links["s003"], base)
    distinctive = "e^(-x)/(1+e^(-x))^3"  # a slip no one else makes here
    assert "INCORRECT" in _answer(emile, base, "sigmoid.a", distinctive).upper()
    read_as = emile.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] .read-as .tex").get_attribute("data-tex")
    assert read_as and emile.find_elements(By.CSS_SELECTOR, "[id='sigmoid.a'] .read-as .katex")  # typeset
    emiles_csrf = emile.find_element(By.NAME, "csrf").get_attribute("value")

    def unseen(page: str) -> bool:
        return distinctive not in page and read_as not in page and "^3" not in page

    for path in ("", f"sheets/{SHEET}", f"sheets/{SHEET}/q/sigmoid"):
        carl.get(base + path)
        assert unseen(carl.page_source)
    assert carl.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] form.answer .left").text == "3 of 3 attempts left"

    carl.get(base + "instructor")
    assert _heading(carl) == "Instructors only" and unseen(carl.page_source)
    carl.get(base + "instructor/stats.json")
    assert "instructors only" in carl.page_source and unseen(carl.page_source)
    carl.get(f"{base}sheets/{SHEET}/q/sigmoid")
    assert _fetch_status(carl, "/instructor/stats.json") == 403
    assert _fetch_status(carl, "/instructor") == 403

    # Carl's form carrying Émile's CSRF token is refused, and uses no attempt of either.
    part = carl.find_element(By.ID, "sigmoid.a")
    carl.execute_script("arguments[0].value = arguments[1];", part.find_element(By.NAME, "csrf"), emiles_csrf)
    part.find_element(By.NAME, "answer").send_keys("σ(x)(1-σ(x))")
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    _wait(carl, lambda d: _heading(d) == "Refused")
    assert "CSRF" in carl.find_element(By.CSS_SELECTOR, ".message").text
    carl.get(f"{base}sheets/{SHEET}/q/sigmoid")
    assert carl.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] form.answer .left").text == "3 of 3 attempts left"
    emile.get(f"{base}sheets/{SHEET}/q/sigmoid")
    assert emile.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] .verdict code").text == distinctive
    assert emile.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] form.answer .left").text == "2 of 3 attempts left"


def _figures(cells: list[str]) -> tuple[int, int, float, list[str]]:
    """A table row's figures, the mean as a number."""
    return int(cells[0]), int(cells[1]), float(cells[2].split(" / ")[0]), cells[3].splitlines()


def _row_becomes(driver: Any, address: str, expected: tuple[int, int, float, list[str]]) -> None:
    """Wait for the instructor page to show these figures for a part; if it never does, fail with
    what it showed."""
    from selenium.common.exceptions import TimeoutException

    def shown(d: Any) -> tuple[int, int, float, list[str]] | None:
        cells = _class_table(d).get(f"{SHEET} {address}")
        return _figures(cells) if cells else None

    with contextlib.suppress(TimeoutException):  # the assertion below says what was shown instead
        _wait(driver, lambda d: shown(d) == expected, WAIT)
    assert shown(driver) == expected


def test_the_instructor_page_shows_the_class_and_updates_while_students_answer(
    server: tuple[str, dict[str, str]], browsers: tuple[Any, Any], tmp_path: Path, page_checks: Any
) -> None:
    base, links = server
    teacher, student = browsers
    # Some class activity first; the same mistake written two ways is one group.
    carl, sofia, alan, ada = (_Student(base, links[s]) for s in ("s003", "s004", "s005", "s001"))
    carl.answer("sigmoid.a", "1/(1+e^(-x))^2")
    sofia.answer("sigmoid.a", "-e^(-x)/(1+e^(-x))^2")
    alan.answer("sigmoid.a", "-(e^(-x))/(1 + e^(-x))^2")
    alan.answer("sigmoid.a", "e^(-x)/(1+e^(-x))^2")
    ada.answer("relu.a", "max(0, x)")
    ada.answer("relu.a", "Heaviside(x)")
    sofia.answer("relu.a", "sign(x)")
    alan.answer("relu.a", "1 if x > 0 else 0")

    page_checks.console_errors(teacher)  # what earlier tests left in this browser's console (their 403s)
    _sign_in(teacher, links[INSTRUCTOR], base + "instructor")
    assert _heading(teacher) == "Instructor"
    before = _class_table(teacher)
    attempted, correct, mean, wrong = _figures(before[f"{SHEET} relu.a"])
    assert (attempted, correct) == (3, 2) and mean == pytest.approx(4 / 3, abs=0.001)
    assert sorted(wrong) == ["1 × max(0, x)", "1 × sign(x)"]
    assert _figures(before[f"{SHEET} sigmoid.a"])[3][0] == "2 × -e^(-x)/(1+e^(-x))^2, -(e^(-x))/(1 + e^(-x))^2"
    assert before[f"{SHEET} tanh.a"] == ["0", "0", "0 / 2", ""]  # no one has answered it yet
    teacher.execute_script("window.notReloaded = true;")  # gone if the page were loaded again

    _sign_in(student, links["s006"], base)
    _answer(student, base, "tanh.a", "sech(x)")
    _row_becomes(teacher, "tanh.a", (1, 0, 0.0, ["1 × sech(x)"]))
    _answer(student, base, "tanh.a", "sech(x)^2")
    _row_becomes(teacher, "tanh.a", (1, 1, 2.0, ["1 × sech(x)"]))
    assert teacher.execute_script("return window.notReloaded === true;")
    # The sheet's figures: the histogram of totals and the parts chart drawn (uPlot), from this server only.
    totals = teacher.execute_script("return document.querySelector('.sheet-figures .totals').textContent")
    assert re.match(r"\d+ students; totals \(of 16\): mean \d+\.\d\d", totals), totals
    painted = page_checks.drawn_charts(teacher)
    assert len(painted) == 2 and all(n > 1000 for n in painted), painted
    assert page_checks.console_errors(teacher) == []
    asked = page_checks.requested(teacher)
    assert [url for url in asked if url.startswith(("http:", "https:")) and not url.startswith(base)] == []

    shots = SHOTS or tmp_path
    _fit_to_page(teacher)
    teacher.save_screenshot(str(shots / "serve-instructor.png"))
    assert (shots / "serve-instructor.png").read_bytes().startswith(b"\x89PNG")


def test_a_page_elsewhere_that_sends_the_browser_to_anothers_link_does_not_switch_the_student(
    server: tuple[str, dict[str, str]], browsers: tuple[Any, Any]
) -> None:
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    base, links = server
    emile = browsers[0]
    _sign_in(emile, links["s002"], base)
    trap = f'<meta http-equiv="refresh" content="0; url={links["s001"]}">'  # another site's page
    emile.get("data:text/html," + quote(trap))
    _wait(emile, lambda d: _heading(d) == "Someone else is signed in")
    emile.get(base)
    assert emile.find_element(By.CSS_SELECTOR, "header .who").text == "signed in as Émile Borel (s002)"
    emile.find_element(By.CSS_SELECTOR, "form.signout button").click()  # the lab computer, at the end
    _wait(emile, lambda d: _heading(d) == "Signed out")
    emile.get(base)
    assert _heading(emile) == "Sign in first"
