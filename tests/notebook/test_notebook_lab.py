"""The example notebook in JupyterLab, through Debian's headless Chromium: run all, then answer in the
practice widget (wrong, then right) and see the verdicts, with the maths typeset by JupyterLab's MathJax
and the wrong answer's plot drawn (an SVG image)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "notebooks" / "activation-derivatives.ipynb"
# The README's screenshot is refreshed only when asked (GRADER_SCREENSHOTS=1): a test run leaves the tree clean.
SHOTS = ROOT / "docs" if os.environ.get("GRADER_SCREENSHOTS") else None

pytestmark = pytest.mark.system


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab on a free port of 127.0.0.1 with a token, serving a temporary folder: its URL."""
    pytest.importorskip("jupyterlab", reason="needs JupyterLab: pip install -e '.[test]'")
    pytest.importorskip("ipywidgets", reason="needs ipywidgets: pip install -e '.[notebook]'")
    course = tmp_path / "course"  # what the file browser shows: the notebook only
    course.mkdir()
    shutil.copy(EXAMPLE, course / "student.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / ".runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / ".config"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / ".workspaces"))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    with open(tmp_path / "lab.log", "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1)
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "lab.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "lab.log").read_text()
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/lab/tree/student.ipynb?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(chromium: Callable[[], Any]) -> Any:
    """Debian's headless Chromium (tests/conftest.py: skipped, saying how to install it, where missing)."""
    return chromium()


def test_run_all_then_answer_in_the_practice_widget(lab: str, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(lab)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
    wait.until(lambda b: b.find_elements(By.XPATH, "//*[contains(@class,'jp-StatusBar')]//*[contains(text(),'Idle')]"))
    run = "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']"
    wait.until(lambda b: b.find_elements(By.XPATH, run))[0].click()
    wait.until(lambda b: b.find_elements(
        By.XPATH, "//div[contains(@class,'lm-Menu-itemLabel') and text()='Run All Cells']"))[0].click()
    field = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".widget-text input"))[0]  # sigmoid.a
    box = field.find_element(By.XPATH, "./ancestor::div[contains(@class,'widget-vbox')][1]")

    # The gn.check cells ran too: verdicts in HTML, their maths typeset by JupyterLab's MathJax.
    verdicts = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".grader-output [class^='grader-']")]
    assert any(v.startswith("! invalid sigmoid.a") for v in verdicts), verdicts
    assert browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output mjx-container")
    assert not browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type*='error']")

    field.send_keys("e^-x/(1+e^-x)")
    wait.until(lambda b: box.find_elements(By.CSS_SELECTOR, "mjx-container"))  # the live preview, typeset
    box.find_element(By.XPATH, ".//button[contains(., 'Check')]").click()
    wait.until(lambda b: all(words in box.text for words in
                             ("✗ incorrect", "2 of 3 attempts left", "square in the denominator")))
    plot = box.find_element(By.CSS_SELECTOR, "img[src^='data:image/svg+xml']")  # the wrong answer's plot
    wait.until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", plot) > 0)
    browser.save_screenshot(str(tmp_path / "notebook-plot.png"))
    field.clear()
    field.send_keys("σ(x)(1-σ(x))")
    box.find_element(By.XPATH, ".//button[contains(., 'Check')]").click()
    wait.until(lambda b: "✓ correct" in box.text and "Done." in box.text)
    score = browser.find_element(By.XPATH, "//*[contains(text(), 'Score ')]/..").text
    assert "Score 2/16 points · 1 of 9 parts done" in score

    for no in browser.find_elements(By.XPATH, "//div[contains(@class,'Toastify')]//button[normalize-space()='No']"):
        no.click()  # JupyterLab's question about its news, over the widget in the screenshot
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    time.sleep(0.5)  # MathJax finishes the verdict's maths
    shots = SHOTS or tmp_path
    browser.save_screenshot(str(shots / "notebook-practice.png"))
    assert (shots / "notebook-practice.png").read_bytes().startswith(b"\x89PNG")
