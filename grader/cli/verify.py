"""`grader verify` and `grader schema`: checks for sheet authors and their CI."""

from __future__ import annotations

import contextlib
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grader.cli.app import app, fail

if TYPE_CHECKING:
    from grader.verify.problems import Problem


class Format(StrEnum):
    text = "text"
    github = "github"
    json = "json"


@app.command()
def verify(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Sheet/solution files or folders. Default: the course folder here (the nearest with "
                            "exercises/), else the bundled sheets."),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text (path:line:col: message), github (::error/::warning "
                                                    "annotations, paths from $GITHUB_WORKSPACE) or json.")
    ] = Format.text,
    diagnosis: Annotated[
        bool, typer.Option("--diagnosis", help="Also note each written mistake the automatic diagnosis finds by "
                                               "itself (you may delete it, and students read the diagnosis).")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, metavar="N", show_default=False,
                                 help="Worker processes for the checks of files not in the cache. Default: the "
                                      "number of cores, at most 4; 1 checks in this process.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Check every file again, without reading or writing the cache of "
                                              "results (also GRADER_NO_CACHE=1).")
    ] = False,
) -> None:
    """Check that exercise sheets and worked solutions are valid and correct.

    Checks the YAML against the sheet format (with file:line:col and a fix), that every answer,
    mistake and definition parses, that every `$` in a text students read is closed, that each
    reference derivative equals the derivative of the question's function (symbolically, and
    numerically on both sides of every kink), that every known mistake really is wrong, that every
    worked-solution step holds and every part has a solution.

    Files are told apart by what they hold, not by their names: a sheet has `id:`, a solutions file
    `sheet: <id>` naming it. A sheet is checked with its worked solutions (those in solutions/ beside
    it); a sheet without any is said (a note, not a failure). With no paths, the course folder here
    (this folder or the nearest above it with exercises/: its exercises/ and solutions/) is checked,
    else the bundled sheets, and stderr says which. A problem found in several variants of a
    randomised question is said once, naming them.

    Results are cached by content (in $GRADER_CACHE_DIR, else $XDG_CACHE_HOME/grader, else
    ~/.cache/grader: the verify/ folder): a file is checked again only when it, the sheet its
    solutions solve, the grader or its maths libraries changed, and a run from the cache says
    exactly what a full run says. --no-cache (or GRADER_NO_CACHE=1) checks everything again.

    Exit status: 0 all hold; 1 a problem was found; 2 usage error.

    \b
    Examples:
      grader verify                                   # the course folder here
      grader verify exercises/ solutions/
      grader verify exercises/my-sheet.yaml           # with its worked solutions
      grader verify --format github                   # annotations for GitHub Actions
      grader verify --diagnosis                       # which written mistakes are found automatically
      grader verify --no-cache                        # check every file again
    """
    from grader.verify.run import verify_report  # lazy: keeps `grader --help` fast (no sympy)
    from grader.verify.workers import default_jobs

    for name in paths or []:
        if not Path(name).exists():
            fail(f"no such file or folder: {name}")
    report = verify_report(paths or [], diagnosis=diagnosis, cache=not no_cache,
                           jobs=jobs or default_jobs())
    problems = report.problems
    if output is Format.json:
        typer.echo(json.dumps({"ok": not problems, "problems": [p.__dict__ for p in problems],
                               "notes": [p.__dict__ for p in report.notes], "checked": report.origin or None,
                               "added": [str(p) for p in report.added]},
                              indent=2))
        raise typer.Exit(1 if problems else 0)
    for p in problems:
        typer.echo(_github("error", p) if output is Format.github else p.text())
    for p in report.notes:  # on stderr in text: stdout is the list of problems, one per line
        typer.echo(_github("warning", p) if output is Format.github else f"{p.path}:{p.line}:{p.col}: note: "
                   f"{p.message}", err=output is Format.text)
    if report.origin:
        typer.echo(f"grader verify: checked {report.origin}", err=True)
    if report.added:
        typer.echo(f"grader verify: with the worked solutions found beside: {', '.join(map(str, report.added))}",
                   err=True)
    summary = f"{len(problems)} problem(s) found" if problems else "all checks passed"
    typer.echo(f"grader verify: {summary} ({_count(report.sheets, 'sheet')}, "
               f"{_count(report.solutions, 'solutions file')}, {_count(report.items, 'check')})", err=True)
    raise typer.Exit(1 if problems else 0)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _github(level: str, p: Problem) -> str:
    """A GitHub Actions workflow command: an annotation on the file and line, in the pull request. GitHub
    reads `file=` from the repository's root (GITHUB_WORKSPACE), which need not be the working folder."""
    message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    path = p.path
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        with contextlib.suppress(ValueError):
            path = Path(path).resolve().relative_to(Path(workspace).resolve()).as_posix()
    return f"::{level} file={path},line={p.line},col={p.col}::{message}"


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
