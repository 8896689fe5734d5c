"""`grader serve`'s command line: its mistakes are sentences and exit status 2, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app


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


def test_the_help_names_the_options_and_an_example() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for word in ("--host", "--port", "--db", "--jobs", "grader serve piecewise-activations"):
        assert word in result.output
