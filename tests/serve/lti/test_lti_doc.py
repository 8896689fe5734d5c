"""docs/lti.md's examples: its platforms.json files are read as the server reads them, the Canvas JSON
and the Moodle values are what /lti/config gives for that address, and its `grader serve --lti`
commands start a server (on a free port) whose /lti/config.json is the page's JSON."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

import pytest

from grader.serve.lti import config, platforms

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "lti.md").read_text(encoding="utf-8")
BASE = "https://grader.example.edu"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def platform_files() -> list[str]:
    return [b for b in blocks("json") if b.lstrip().startswith('{"platforms"')]


def test_the_platforms_files_are_valid() -> None:
    read = [platforms.parse(json.loads(b)) for b in platform_files()]
    assert [r[0].issuer for r in read] == ["https://canvas.instructure.com", "https://moodle.school.edu"]
    assert read[0][0].frame_origins == ("https://school.instructure.com",)
    both = {"platforms": [json.loads(b)["platforms"][0] for b in platform_files()]}
    assert len(platforms.parse(both)) == 2  # "Both LMSs in one file"


def test_the_canvas_json_is_the_tools() -> None:
    [canvas] = [b for b in blocks("json") if '"oidc_initiation_url"' in b]
    assert json.loads(canvas) == config.canvas(BASE)


def test_the_moodle_values_are_the_tools() -> None:
    section = DOC.split("## 3. Moodle", 1)[1].split("```", 1)[0]
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", section, re.M)[2:])  # past the header and the rule
    assert rows == config.moodle(BASE)


def test_the_endpoints_table_names_the_routes() -> None:
    for path in ("/lti/login", "/lti/launch", "/lti/jwks", "/lti/config.json", "/lti/config/moodle.json"):
        assert f"`{BASE}{path}`" in DOC


@pytest.mark.system
@pytest.mark.parametrize("line", [line for b in blocks("bash") for line in b.splitlines() if line.strip()])
def test_the_commands_serve(line: str, tmp_path: Path) -> None:
    (tmp_path / "platforms.json").write_text(platform_files()[1], encoding="utf-8")
    args = shlex.split(line)[2:]
    args[args.index("--port") + 1] = "0"
    server = subprocess.Popen([sys.executable, "-m", "grader", "serve", *args, "--jobs", "1"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        port = re.search(r"listening on 127\.0\.0\.1:(\d+)", first)  # the URL printed is --public-url's
        assert port, first + (server.stderr.read() if server.stderr else "")
        with urlopen(f"http://127.0.0.1:{port.group(1)}/lti/config.json", timeout=10) as reply:
            assert json.loads(reply.read()) == config.canvas(BASE)
    finally:
        server.terminate()
        server.wait(timeout=30)
