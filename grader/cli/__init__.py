"""The `grader` command. This package is the only place that prints or exits; the library does
the work. One module per family of commands keeps each small. Heavy imports (sympy) happen inside
commands so `grader --help` stays fast."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from grader.cli import plain_params

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="grader",
    help="Auto-grade calculus answers typed by students: exact, safe, explained.\n\n"
    "Example: grader check sigmoid.a 'σ(x)(1-σ(x))'",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: importing rich's markdown costs ~0.4 s at start-up
)
plain_params.install()  # plain values skip typer's pydantic coercion: ~0.2 s per command

SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", "-s", help="Sheet file (.yaml) or bundled sheet id. Default: activation-derivatives."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colours (also: the NO_COLOR variable).")]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"grader: {message}", err=True)
    raise typer.Exit(code)


def read_answer(answer: str) -> str:
    if answer != "-":
        return answer
    if sys.stdin.isatty():
        typer.echo("Type the answer; end with Ctrl-D.", err=True)
    return sys.stdin.read()


def console(no_color: bool) -> Console:
    from rich.console import Console

    return Console(no_color=no_color or None, highlight=False, soft_wrap=True)


# Commands that only print: once their output is flushed, the process ends without the
# interpreter's teardown, which frees sympy's objects one by one (~0.3 s of a ~1 s `grader check`).
# Not `grade` or `practice`: they have worker processes and a terminal to put back first.
QUICK_EXIT = frozenset({"check", "equiv", "list", "show", "schema"})


def main() -> None:
    try:
        app()
    except SystemExit as done:
        if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT and (done.code is None or isinstance(done.code, int)):
            _exit_now(done.code or 0)
        raise


def _exit_now(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed or broken stream: let the normal exit deal with it
    os._exit(code)


# Importing the command modules registers their commands on `app`.
from grader.cli import batch as _batch  # noqa: E402,F401
from grader.cli import check as _check  # noqa: E402,F401
from grader.cli import practice as _practice  # noqa: E402,F401
from grader.cli import verify as _verify  # noqa: E402,F401
