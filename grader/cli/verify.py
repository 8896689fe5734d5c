"""`grader verify` and `grader schema`: checks for sheet authors and their CI."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grader.cli.app import app, fail


class Format(StrEnum):
    text = "text"
    github = "github"
    json = "json"


@app.command()
def verify(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Sheet/solution files or folders. Default: the bundled ones.")
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text (path:line:col: message), github (annotations) or json.")
    ] = Format.text,
) -> None:
    """Check that exercise sheets and worked solutions are valid and correct.

    Checks the YAML against the sheet format (with file:line:col and a fix), that every answer,
    mistake and definition parses, that each reference derivative equals the derivative of the
    question's function (symbolically, and numerically on both sides of every kink), that every
    known mistake really is wrong, that every worked-solution step holds and every part has a
    solution.

    Exit status: 0 all hold; 1 a problem was found; 2 usage error.

    \b
    Examples:
      grader verify
      grader verify exercises/ solutions/
      grader verify exercises/my-sheet.yaml --format github
    """
    from grader.verify.run import verify_report  # lazy: keeps `grader --help` fast (no sympy)

    for name in paths or []:
        if not Path(name).exists():
            fail(f"no such file or folder: {name}")
    report = verify_report(paths or [])
    problems = report.problems
    if output is Format.json:
        typer.echo(json.dumps({"ok": not problems, "problems": [p.__dict__ for p in problems]}, indent=2))
    else:
        for p in problems:
            if output is Format.github:
                message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                typer.echo(f"::error file={p.path},line={p.line},col={p.col}::{message}")
            else:
                typer.echo(p.text())
        summary = f"{len(problems)} problem(s) found" if problems else "all checks passed"
        typer.echo(f"grader verify: {summary} ({report.files} files, {report.items} checks)", err=True)
    raise typer.Exit(1 if problems else 0)


@app.command()
def schema(
    solutions: Annotated[
        bool, typer.Option("--solutions", help="The schema of worked-solution files (solutions/<sheet id>.yaml).")
    ] = False,
) -> None:
    """Print the JSON Schema of the sheet format, or of worked solutions (for editors and other tools).

    Every key has a description and an example. Bundled sheets start with
    `# yaml-language-server: $schema=./sheet.schema.json` pointing at a saved copy.

    \b
    Examples:
      grader schema > exercises/sheet.schema.json
      grader schema --solutions > solutions/solutions.schema.json
    """
    from grader.sheets.schema import sheet_schema, solutions_schema  # lazy: keeps `grader --help` fast (no sympy)

    typer.echo(json.dumps(solutions_schema() if solutions else sheet_schema(), indent=2, ensure_ascii=False))
