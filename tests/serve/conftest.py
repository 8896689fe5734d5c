"""Shared by the serve tests: one grading worker per test module, and, for the browser tests,
headless Chromium from Debian's packages (chromium, chromium-driver), driven by selenium; nothing is
downloaded."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.serve.workers import Workers

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    pool = Workers(jobs=1)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Any]]:
    """Opens a browser (each with its own profile: another person); all are closed at the end.
    Skips the test when the browser, its driver or selenium is missing, and says how to install them."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch a browser or driver
    opened: list[Any] = []

    def open_browser() -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,1300",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
            options.add_argument(flag)
        opened.append(webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER))))
        return opened[-1]

    yield open_browser
    for browser in opened:
        browser.quit()
