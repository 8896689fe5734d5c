"""`grader --help` and `grader --version`: what a newcomer types first."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from grader.cli import SHORT_HELP, app

runner = CliRunner()


def test_help_lists_every_command_whole_at_80_columns() -> None:
    result = runner.invoke(app, ["--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    listed = result.output.split("Commands:", 1)[1]
    assert "..." not in listed, listed  # click cuts a long first sentence with "..."
    for name, words in SHORT_HELP.items():
        assert f"{name}" in listed and words in " ".join(listed.split()), name
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_every_visible_command_has_a_short_help() -> None:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands if not c.hidden}
    assert names == set(SHORT_HELP)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"grader {version('grader')}\n"
