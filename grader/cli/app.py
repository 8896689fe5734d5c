"""The `grader` app and what its commands share: options, reading an answer, failing with a message."""

from __future__ import annotations

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


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version  # lazy: only `grader --version` needs it

        typer.echo(f"grader {version('grader')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", help="Print grader's version and exit.", is_eager=True,
                                          callback=_version)] = False,
) -> None:
    """Auto-grade calculus answers typed by students: exact, safe, explained."""

SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", "-s", help="Sheet file (.yaml) or bundled sheet id. Default: activation-derivatives."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
SolutionsOption = Annotated[  # text, not Path: a Path parameter costs every command pydantic's import (plain_params)
    str | None,
    typer.Option("--solutions", metavar="PATH", help="The sheet's worked-solutions file (or a folder holding it). "
                 "Default: the one in solutions/ beside the sheet's exercises/ folder whose `sheet:` is its id."),
]
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
