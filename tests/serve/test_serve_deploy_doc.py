"""docs/deploy.md's commands, run against a real PostgreSQL database (a new one per test): the schema
commands, the copy of a class, `--workers N` on one port, two servers on two ports, a backup restored,
and the grades. Only the database superuser's commands (`sudo -u postgres …`) are not run here."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.serve import classroom
from grader.serve.store import Store

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = "postgresql://grader@dbhost/calculus"
ROSTER = "student id,name\ns001,Ada Lovelace\ns002,Émile Borel\n"


def commands() -> list[str]:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def a_class(folder: Path) -> Path:
    """class.sqlite with a roster, its links and one answer, as `grader serve --class` leaves it."""
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    store = Store(folder / "class.sqlite")
    classroom.enrol(store, classroom.read_roster(folder / "roster.csv"), folder / "class.links.csv",
                    "https://grader.example.edu")
    rows = csv.DictReader((folder / "class.links.csv").open(encoding="utf-8"))
    members = [store.by_link(row["link"].rsplit("/", 1)[1]) for row in rows]
    ada = next(s for s in members if s and s.name == "Ada Lovelace")
    store.add_attempt(ada, "activation-derivatives", "", "x", {"part": "sigmoid.a", "status": "incorrect",
                                                               "score": 0.0, "points": 0.0, "max_points": 2.0,
                                                               "feedback": ""})
    store.close()
    return folder / "class.sqlite"


def serve(line: str, url: str, folder: Path) -> subprocess.Popen[str]:
    """A `grader serve` line of the page on a free port; returns once it listens."""
    args = shlex.split(line.replace(PLACEHOLDER, url))[2:]
    args[args.index("--port") + 1] = "0"
    process = subprocess.Popen([sys.executable, "-m", "grader", "serve", *args, "--jobs", "1"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "grader serve: https://grader.example.edu/" in first, first
    return process


def port_of(process: subprocess.Popen[str]) -> int:
    found = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout if shutil.which("ss") else ""
    for line in found.splitlines():
        if f"pid={process.pid}," in line:
            return int(line.split()[3].rsplit(":", 1)[1])
    pytest.skip("needs `ss` (iproute2) to find the port a server listens on")


def test_every_command_of_the_deploy_page_runs(tmp_path: Path, pg_database: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = commands()
    superuser = [line for line in lines if line.startswith("sudo -u postgres")]
    assert len(superuser) == 2
    runner = CliRunner()
    a_class(tmp_path)
    servers = []
    ran = []
    try:
        for line in lines:
            if line in superuser:
                continue
            given = line.replace(PLACEHOLDER, pg_database)
            args = shlex.split(given)
            if args[:2] == ["grader", "serve"]:
                servers.append(serve(line, pg_database, tmp_path))
            elif args[0] == "grader":
                result = runner.invoke(app, args[1:])
                assert result.exit_code == 0, (line, result.output)
                if args[1:3] == ["db", "copy"]:
                    assert "every row compared" in result.output
            elif shutil.which(args[0]):  # pg_dump, pg_restore, sqlite3: PostgreSQL's and SQLite's own tools
                done = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)
                assert done.returncode == 0, (line, done.stderr)
            else:
                continue
            ran.append(args[:3])
        assert len(servers) == 3
        for process in servers:  # every server answers, on the class copied from the file
            link = next(csv.DictReader((tmp_path / "class.links.csv").open(encoding="utf-8")))["link"]
            token = link.rsplit("/", 1)[1]
            with urlopen(f"http://127.0.0.1:{port_of(process)}/signin/{token}", timeout=30) as page:
                assert page.status == 200 and "signed in" in page.read().decode().lower()
    finally:
        for process in servers:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    assert ["grader", "db", "copy"] in ran and ["grader", "db", "upgrade"] in ran and ["grader", "grade", "--db"] in ran
    assert [a[0] for a in ran].count("pg_dump") == int(bool(shutil.which("pg_dump")))
    assert (tmp_path / "grades" / "canvas.csv").exists()
    checked = runner.invoke(app, ["db", "check", pg_database])
    assert checked.exit_code == 0 and "students: 3" in checked.output and "attempts: 1" in checked.output
