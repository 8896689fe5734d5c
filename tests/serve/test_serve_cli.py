"""`grader serve`'s command line: its mistakes are sentences and exit status 2, never a traceback."""

from __future__ import annotations

import csv
import re
import socket
import stat
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from grader import sheets
from grader.cli import app
from grader.serve import prepared, work
from grader.sheets.bundled import resolve


def test_an_unknown_sheet_is_named_with_the_sheets_there_are(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "no-such-sheet", "--db", str(tmp_path / "p.sqlite")])
    assert result.exit_code == 2
    assert "no bundled sheet `no-such-sheet`" in result.output and "activation-derivatives" in result.output
    assert not (tmp_path / "p.sqlite").exists()


def test_a_port_in_use_is_said_so(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "activation-derivatives", "--port", str(port), "--db", str(tmp_path / "p.sqlite")])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert list(tmp_path.iterdir()) == []  # no database file left behind by a start that failed


def test_the_help_names_the_options_and_an_example() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for word in ("--host", "--port", "--db", "--jobs", "--url", "--session-days", "grader serve piecewise-activations"):
        assert word in result.output


ROSTER = "student id,name\ns1,Ada\n"


def serve_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> Result:
    """`grader serve --class` up to the moment it would serve: everything it says and writes, no server."""
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    monkeypatch.setenv(prepared.PLAN, "")  # restored afterwards: class mode sets it for its workers' forkserver
    roster = tmp_path / "roster.csv"
    if not roster.exists():
        roster.write_text(ROSTER, encoding="utf-8")
    return CliRunner().invoke(app, ["serve", "activation-derivatives", "--jobs", "1", "--class", str(roster),
                                    "--db", str(tmp_path / "class.sqlite"), *options])


def links_of(tmp_path: Path) -> list[str]:
    return [row["link"] for row in csv.DictReader((tmp_path / "class.links.csv").open(encoding="utf-8"))]


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_class_mode_counts_one_student_and_several_students(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = serve_class(tmp_path, monkeypatch, "--port", "0")
    assert result.exit_code == 0, result.output
    assert "class mode: 1 student;" in result.stdout
    (tmp_path / "roster.csv").write_text(ROSTER + "s2,Carl\n", encoding="utf-8")
    result = serve_class(tmp_path, monkeypatch, "--port", "0")
    assert "class mode: 2 students;" in result.stdout


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_the_links_are_built_from_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = serve_class(tmp_path, monkeypatch, "--port", "0", "--url", "http://192.168.1.20:8000/")
    assert result.exit_code == 0, result.output
    assert all(link.startswith("http://192.168.1.20:8000/signin/") for link in links_of(tmp_path))
    assert "grader serve: http://192.168.1.20:8000/" in result.stdout


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_a_wildcard_host_builds_the_links_from_this_machines_name(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "lab-pc")
    result = serve_class(tmp_path, monkeypatch, "--port", "0", "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    links = links_of(tmp_path)
    assert all(re.match(r"http://lab-pc:\d+/signin/", link) for link in links) and "0.0.0.0" not in "".join(links)
    assert "this machine's name lab-pc" in result.stdout and "--url" in result.stdout


def test_a_bad_url_is_refused_before_anything_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = serve_class(tmp_path, monkeypatch, "--url", "192.168.1.20:8000")
    assert result.exit_code == 2 and "--url 192.168.1.20:8000" in result.output and "http://" in result.output
    assert not (tmp_path / "class.sqlite").exists()


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_links_sent_for_another_port_are_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert serve_class(tmp_path, monkeypatch, "--port", "0").exit_code == 0
    old = links_of(tmp_path)[0].split("/signin/")[0]
    old_port = int(old.rsplit(":", 1)[1])
    with socket.socket() as taken:  # the next free port is surely another one
        taken.bind(("127.0.0.1", old_port))
        result = serve_class(tmp_path, monkeypatch, "--port", "0")
    assert result.exit_code == 0, result.output
    new = links_of(tmp_path)[0].split("/signin/")[0]
    assert new != old  # the file holds the new links, as warned
    assert f"the links already sent point to {old}" in result.stderr and f"--port {old_port}" in result.stderr
    same = serve_class(tmp_path, monkeypatch, "--port", "0", "--url", new)
    assert "already sent" not in same.stderr


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_the_class_database_is_readable_by_its_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert serve_class(tmp_path, monkeypatch, "--port", "0").exit_code == 0
    files = [tmp_path / name for name in ("class.sqlite", "class.sqlite-wal", "class.sqlite-shm", "class.links.csv")]
    assert files[0].exists() and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files if f.exists())
    (tmp_path / "class.sqlite").chmod(0o644)  # made by an older version: made private on the next run
    assert serve_class(tmp_path, monkeypatch, "--port", "0").exit_code == 0
    assert stat.S_IMODE((tmp_path / "class.sqlite").stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["serve", "activation-derivatives", "--jobs", "1"], ["grade"]])
def test_a_postgresql_url_is_never_taken_for_a_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [*command, "--db", "postgresql://nobody@127.0.0.1:1/class"])  # nothing on port 1
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "postgresql://nobody@127.0.0.1:1/class" in result.output and "cannot" in result.output
    assert not (tmp_path / "postgresql:").exists() and not any(tmp_path.rglob("*.sqlite"))


@pytest.mark.parametrize("command", [["serve", "activation-derivatives", "--jobs", "1"], ["grade"]])
def test_another_kind_of_database_url_is_refused_with_what_to_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [*command, "--db", "mysql://root@db/class"])
    assert result.exit_code == 2 and "postgresql://USER@HOST/DBNAME" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_class_mode_on_postgresql_writes_the_links_in_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "activation-derivatives", "--jobs", "1", "--class", "roster.csv",
                                      "--db", pg_url])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("*.links.csv"))
    assert len(written) == 1 and "s1" in written[0].read_text(encoding="utf-8")
    assert "pg23:" not in result.output or ":***@" in result.output  # a password is never printed


def test_without_sheets_it_serves_the_course_folders_else_the_bundled_ones(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.serve import pages

    root = Path(__file__).resolve().parents[2]
    course = tmp_path / "calc" / "exercises"
    course.mkdir(parents=True)
    text = (root / "exercises" / "smooth-activations.yaml").read_text(encoding="utf-8")
    (course / "w1.yaml").write_text(text.replace("id: smooth-activations", "id: week-1", 1), encoding="utf-8")
    (tmp_path / "calc" / "lti").mkdir()
    monkeypatch.chdir(tmp_path / "calc" / "lti")  # anywhere in the course, as grader verify and grade find it
    assert list(pages.load_sheets([])) == ["week-1"]
    monkeypatch.chdir(tmp_path)  # no course here: the bundled sheets
    assert "activation-derivatives" in pages.load_sheets([])


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
@pytest.mark.parametrize(("options", "prepares"), [((), True), (("--no-prepare",), False)])
def test_class_mode_prepares_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                options: tuple[str, ...], prepares: bool) -> None:
    result = serve_class(tmp_path, monkeypatch, "--port", "0", *options)
    assert result.exit_code == 0, result.output
    count = len(sheets.load(str(resolve("activation-derivatives"))).parts)
    said = f"grader serve: preparing the {count} parts for grading, each variant: {count} in all"
    assert (said in result.stderr) is prepares
    assert ("grader serve: prepared in " in result.stderr) is prepares


def test_the_servers_connections_send_at_once_without_waiting_for_an_ack() -> None:
    """A listener of protocol 0 made asyncio leave Nagle's algorithm on for every connection it accepted
    (it sets TCP_NODELAY only where the socket says IPPROTO_TCP): each page on a kept-alive connection,
    written as headers then body, then waited for the browser's delayed ACK, 40 ms on Linux."""
    import asyncio

    from grader.cli.serve import tcp_listener

    async def accepted_nodelay() -> int:
        listener = tcp_listener("127.0.0.1")
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)  # as uvicorn serves on it
        _, client = await asyncio.open_connection(*listener.getsockname()[:2])
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            client.close()
            server.close()

    assert asyncio.run(accepted_nodelay()) != 0


def test_a_port_in_use_is_said_before_any_preparing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = serve_class(tmp_path, monkeypatch, "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 2
    assert "cannot listen" in result.output and "preparing" not in result.output
    assert not (tmp_path / "class.sqlite").exists() and not (tmp_path / "class.links.csv").exists()


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_every_mode_has_its_workers_load_the_sheets_as_the_server_did(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Practice mode's workers read a sheet file at their first answer: edited meanwhile, the class was
    graded against two versions. Every mode's forkserver now loads the sheets at start (seconds 0: load,
    prepare nothing; --prepare and class mode: prepare too)."""
    import json
    import os

    import uvicorn

    from grader.serve import workers

    made: list[tuple[tuple[str, ...], dict[str, object]]] = []

    class Recorded:
        def __init__(self, jobs: int, preload: tuple[str, ...] = ("grader.serve.work",), nice: int = 0) -> None:
            if not nice:  # the grading workers (the plots' have nice 10)
                made.append((preload, json.loads(os.environ[prepared.PLAN])))

        def close(self) -> None:
            pass

    monkeypatch.setattr(workers, "Workers", Recorded)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    monkeypatch.setenv(prepared.PLAN, "")
    for options in ((), ("--prepare",)):
        result = CliRunner().invoke(app, ["serve", "activation-derivatives", "--jobs", "1", "--port", "0",
                                          "--db", str(tmp_path / "p.sqlite"), *options])
        assert result.exit_code == 0, result.output
    sheet = str(resolve("activation-derivatives"))
    assert made == [(("grader.serve.prepared",), {"sheets": [sheet], "seconds": 0.0}),
                    (("grader.serve.prepared",), {"sheets": [sheet], "seconds": work.PREPARE_SECONDS})]


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_the_server_freezes_what_it_loaded_just_before_serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               settled: list[str]) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: settled.append("run"))
    monkeypatch.setenv(prepared.PLAN, "")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "activation-derivatives", "--jobs", "1", "--class",
                                      str(tmp_path / "roster.csv"), "--db", str(tmp_path / "class.sqlite"),
                                      "--port", "0", "--no-prepare"])
    assert result.exit_code == 0, result.output
    assert settled == ["settle", "run"]


def test_settling_freezes_what_is_loaded_for_the_cyclic_gc(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from grader.serve import app as web

    monkeypatch.undo()  # the real settle, not the recorder tests/serve/conftest.py puts in
    frozen = gc.get_freeze_count()
    probe = [object()]  # a container the cyclic GC tracks, made before settling
    try:
        web.settle()
        assert gc.get_freeze_count() > frozen
        assert not any(o is probe for o in gc.get_objects())  # frozen: in no generation, never scanned
    finally:
        gc.unfreeze()


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_links_made_anew_in_place_of_links_sent_are_warned_about(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = serve_class(tmp_path, monkeypatch, "--port", "0")
    assert first.exit_code == 0, first.output
    assert "new sign-in links" not in first.output  # a new class: nobody had a link
    sent = [link.rsplit("/", 1)[1] for link in links_of(tmp_path)]  # the tokens (port 0: another port each run)
    again = serve_class(tmp_path, monkeypatch, "--port", "0")  # the same links file: the links are kept
    assert again.exit_code == 0 and "new sign-in links" not in again.output
    assert [link.rsplit("/", 1)[1] for link in links_of(tmp_path)] == sent
    elsewhere = tmp_path / "elsewhere.links.csv"  # started with another links file (another folder)
    moved = serve_class(tmp_path, monkeypatch, "--port", "0", "--links", str(elsewhere))
    assert moved.exit_code == 0, moved.output
    assert ("grader: warning: new sign-in links for s1 and the instructor: " f"{elsewhere} did not hold the links"
            in " ".join(moved.output.split()))
    assert "--links" in moved.output
