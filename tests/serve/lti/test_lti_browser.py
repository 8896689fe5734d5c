"""An LMS page frames the tool, in headless Chromium (Debian's; nothing downloaded): the fake platform
(a process on 127.0.0.1) and `grader serve --lti` (a process on localhost: another site, so the tool's
cookies are third-party cookies, as in a real LMS) go through login → launch in the iframe; the student
answers inside it, sees the verdict, and the score reaches the LMS's grade service. With
GRADER_SCREENSHOTS=1 the picture goes to docs/."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None
SHEET = "activation-derivatives"

pytestmark = pytest.mark.system


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fake platform's course page URL, with the tool served beside it."""
    folder = tmp_path_factory.mktemp("lti")
    tool_port, lms_port = _free_port(), _free_port()
    tool = f"http://localhost:{tool_port}"
    platform = subprocess.Popen([sys.executable, str(Path(__file__).parent / "fake_platform.py"), "--port",
                                 str(lms_port), "--tool", tool, "--sheet", SHEET],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = None
    try:
        assert platform.stdout is not None
        (folder / "platforms.json").write_text(platform.stdout.readline(), encoding="utf-8")
        json.loads((folder / "platforms.json").read_text(encoding="utf-8"))
        server = subprocess.Popen([sys.executable, "-m", "grader", "serve", SHEET, "--lti",
                                   str(folder / "platforms.json"), "--db", str(folder / "lti.sqlite"), "--port",
                                   str(tool_port), "--public-url", tool, "--jobs", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _listening(lms_port)
        _listening(tool_port)
        yield f"http://127.0.0.1:{lms_port}/course"
    finally:
        for process in (server, platform):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def _wait(driver: Any, condition: Callable[[Any], Any], seconds: float = 20) -> Any:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException,)).until(condition)


THIRD_PARTY_COOKIES = {"profile.cookie_controls_mode": 0, "profile.block_third_party_cookies": False}


def _score_of(lms: str, user: str, seconds: float = 20) -> tuple[float, float]:
    """The newest score the fake LMS received for `user`: (given, maximum)."""
    from urllib.request import urlopen

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with urlopen(lms.replace("/course", "/scores"), timeout=5) as reply:
            theirs = [s for s in json.loads(reply.read()) if s["userId"] == user]
        if theirs:
            return float(theirs[-1]["scoreGiven"]), float(theirs[-1]["scoreMaximum"])
        time.sleep(0.2)
    raise AssertionError(f"no score for {user} reached the LMS in {seconds:g} s")


def _answer_sigmoid(driver: Any, name: str = "Ada Lovelace") -> str:
    """From the sheet: open the first question, answer its first part, and return the verdict's text."""
    from selenium.webdriver.common.by import By

    _wait(driver, lambda d: "/sheets/" in d.execute_script("return location.pathname"))
    assert name in driver.find_element(By.TAG_NAME, "header").text
    driver.find_element(By.CSS_SELECTOR, f"a[href='/sheets/{SHEET}/q/sigmoid']").click()
    part = _wait(driver, lambda d: d.find_element(By.ID, "sigmoid.a"))
    part.find_element(By.NAME, "answer").send_keys("σ(x)(1-σ(x))")
    part.find_element(By.CSS_SELECTOR, "form.answer button").click()
    verdict = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[id='sigmoid.a'] .verdict"))
    return str(verdict.text)


def test_a_student_answers_inside_the_lms_page(lms: str, chromium: Callable[..., Any]) -> None:
    """A browser that lets a framed site keep its cookies: everything happens in the LMS page."""
    from selenium.webdriver.common.by import By

    driver = chromium(THIRD_PARTY_COOKIES)
    driver.get(lms)
    driver.switch_to.frame(driver.find_element(By.ID, "tool"))
    # login → the platform's authorisation → the launch's form post → the sheet, all inside the frame
    verdict = _answer_sigmoid(driver)
    assert verdict.startswith("CORRECT"), verdict
    driver.switch_to.default_content()
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Calculus 1")  # the LMS's page around it
    assert len(driver.window_handles) == 1
    # and the score reaches the LMS's gradebook (its grade service, by the server's outbox)
    assert _score_of(lms, "user-42") == (2.0, 16.0)
    if SHOTS is not None:
        driver.set_window_size(1000, 990)  # the LMS page and its frame, no empty half
        driver.save_screenshot(str(SHOTS / "lti-iframe.png"))


def test_a_browser_that_blocks_third_party_cookies_opens_a_new_tab(lms: str, chromium: Callable[..., Any]) -> None:
    """Chromium's default: the framed tool's cookie is refused, so the frame offers "Open in a new tab",
    where the login goes on and the student answers."""
    from selenium.webdriver.common.by import By

    driver = chromium()
    driver.get(lms + "?login_hint=user-43")
    driver.switch_to.frame(driver.find_element(By.ID, "tool"))
    button = _wait(driver, lambda d: d.find_element(By.ID, "new-tab"))
    assert "Open in a new tab" in driver.find_element(By.TAG_NAME, "h1").text
    button.click()
    _wait(driver, lambda d: len(d.window_handles) == 2)
    driver.switch_to.window(driver.window_handles[1])
    verdict = _answer_sigmoid(driver, "Émile Borel")
    assert verdict.startswith("CORRECT"), verdict
    assert _score_of(lms, "user-43") == (2.0, 16.0)
