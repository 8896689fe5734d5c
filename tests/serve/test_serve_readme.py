"""The README's "Practising in the browser" section: its commands start a server that answers, and
its figures are the server's own."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.core import limits
from grader.serve import app as web
from grader.serve import pages

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Practising in the browser: `grader serve`", 1)[1].split("\n## ", 1)[0]


def _commands(command: str = "grader serve") -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", _section(), re.S)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith(command)]


def test_the_sections_figures_are_the_servers_defaults() -> None:
    text = " ".join(_section().split())
    settings = web.Settings()
    assert f"limited to {settings.grades_per_minute} answers a minute" in text
    assert f"same {limits.DEFAULT_SECONDS:g}-second budget as `grader grade`" in text
    assert f"({pages.ATTEMPTS}, as `grader practice`)" in text


@pytest.mark.system  # starts a server process per command
def test_every_serve_command_of_the_readme_starts_a_server_that_answers(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the README's `grader grade --db` runs in-process, beside the servers
    commands = _commands()
    assert len(commands) == 4, commands
    (tmp_path / "roster.csv").write_text("student id,name\ns1,Ada\n", encoding="utf-8-sig")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    for command in commands:
        args = shlex.split(command)[2:]
        if "--port" in args:
            i = args.index("--port")
            args[i + 1] = "0"
        else:
            args += ["--port", "0"]  # any free port: the test must not collide with a real server
        server = subprocess.Popen([sys.executable, "-m", "grader", "serve", *args], cwd=tmp_path, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            first = server.stdout.readline()
            assert "127.0.0.1" in first and "this computer only" in first, first
            url = re.search(r"http://\S+/", first)
            assert url, first
            if "--class" in args:
                _check_class(server, url.group(0), tmp_path)
                continue
            with urllib.request.urlopen(url.group(0), timeout=30) as reply:
                page = reply.read().decode()
            assert reply.status == 200 and "Exercise sheets" in page
            if "piecewise-activations" in args:
                assert "piecewise-activations" in page and "/sheets/activation-derivatives" not in page
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert (tmp_path / "class.links.csv").is_file()
    assert (tmp_path / "practice.sqlite").is_file()  # --db practice.sqlite
    assert (tmp_path / "data" / "grader" / "serve.sqlite").is_file()  # the default, in the data folder


def _check_class(server: subprocess.Popen[str], url: str, folder: Path) -> None:
    """Class mode: no page without a link; the instructor's link (from the printed file) signs in."""
    assert server.stdout is not None
    said = server.stdout.readline()
    assert "class mode: 1 student;" in said and "class.links.csv" in said, said
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    assert refused.value.code == 403
    rows = (folder / "class.links.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "student_id,name,link" and len(rows) == 3
    with urllib.request.urlopen(rows[1].rsplit(",", 1)[1], timeout=30) as reply:
        assert reply.status == 200 and "Signed in" in reply.read().decode()
    # The student s1 answers one part; the README's export then grades the class, server still running.
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    browser.open(rows[2].rsplit(",", 1)[1], timeout=30).read()
    page = browser.open(f"{url}sheets/activation-derivatives/q/sigmoid", timeout=30).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf, page
    form = urllib.parse.urlencode({"csrf": csrf.group(1), "answer": "σ(x)(1-σ(x))"}).encode()
    browser.open(f"{url}sheets/activation-derivatives/parts/sigmoid.a/answer", form, timeout=60).read()
    exports = _commands("grader grade")
    assert len(exports) == 1, exports
    ran = CliRunner().invoke(app, shlex.split(exports[0])[1:])
    assert ran.exit_code == 0, ran.output
    assert (folder / "grades" / "canvas.csv").read_text(encoding="utf-8").splitlines()[2].startswith("Ada,,s1,")
    assert "sigmoid.a: σ(x)(1-σ(x))" in (folder / "grades" / "answers" / "s1.yaml").read_text(encoding="utf-8")
