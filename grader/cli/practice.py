"""`grader practice`, `grader list` and `grader show`: the student's commands. The session itself
lives in `grader.practice.session`; this module only connects it to the terminal (or to a pipe)."""

from __future__ import annotations

import os
import random
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from grader.cli.app import JsonOption, NoColorOption, SheetOption, SolutionsOption, app, console, fail

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from grader.sheets.model import Sheet

T = TypeVar("T")
_SPINNER_DELAY = 0.3  # seconds: most answers are graded before a spinner would be worth drawing


class Terminal:
    """`read_line`, `show` and `working` for a session. On a terminal: input() with line editing; on
    a pipe: one answer per line, echoed after its prompt so the output reads as a transcript."""

    def __init__(self, con: Console, interactive: bool) -> None:
        self.con = con
        self.interactive = interactive
        if interactive:
            with suppress(ImportError):  # not on every platform; input() works without it
                import readline  # noqa: F401  (arrow keys and history in input())

    def read_line(self, prompt: str) -> str:
        if not self.interactive:
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            line = line.rstrip("\r\n")
            echo = self._prompt_text(prompt)
            echo.append(line)  # as a Text: no markup or :emoji: codes read into the answer
            self.con.print(echo)
            return line
        try:
            return input(self._styled(prompt))
        except (EOFError, KeyboardInterrupt):
            self.con.print()  # leave the prompt's line before the score table
            raise

    def show(self, renderable: RenderableType) -> None:
        self.con.print(renderable, soft_wrap=False)

    @contextmanager
    def working(self) -> Iterator[None]:
        """A spinner, drawn only if grading takes longer than _SPINNER_DELAY."""
        if not self.con.is_terminal:
            yield
            return
        status = self.con.status("checking…", spinner="dots")
        timer = threading.Timer(_SPINNER_DELAY, status.start)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()  # if it fired, start() has finished, so stop() really stops it
            status.stop()

    def _prompt_text(self, prompt: str) -> Text:
        from rich.text import Text  # lazy: rich loads only once a session starts

        return Text(prompt, style="bold magenta")

    def _styled(self, prompt: str) -> str:
        """The prompt with colour codes wrapped in \\001..\\002, so readline knows its real width."""
        if not self.con.is_terminal:
            return prompt
        with self.con.capture() as captured:
            self.con.print(self._prompt_text(prompt), end="")
        text = captured.get()
        if "readline" in sys.modules:
            text = re.sub(r"(\x1b\[[0-9;]*m)", "\x01\\1\x02", text)
        return text


@contextmanager
def _no_traceback() -> Iterator[None]:
    """Ctrl-C before the session starts, or a closed pipe (`grader list | head`), end quietly."""
    try:
        yield
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        raise typer.Exit(0) from None


def _load(call: Callable[[], T]) -> T:
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast (no sympy)

    try:
        return call()
    except GraderError as err:
        fail(describe(err))


@app.command()
def practice(
    sheet: Annotated[
        str | None,
        typer.Argument(help="Sheet file (.yaml) or bundled sheet id. Default: activation-derivatives."),
    ] = None,
    question: Annotated[
        list[str] | None,
        typer.Option(
            "--question", "-q", metavar="ID",
            help="Only this question or part (sigmoid, relu.b, tanh.a); repeatable.",
        ),
    ] = None,
    attempts: Annotated[
        int, typer.Option("--attempts", "-a", min=1, metavar="N", help="Graded attempts per part.")
    ] = 3,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="N", help="Fix the order of the questions and their variants (shown first)."),
    ] = None,
    student: Annotated[
        str | None,
        typer.Option("--student", metavar="ID", help="Practise this student's variants (those batch grading uses)."),
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option("--save", metavar="FILE", help="At the end, write the answers as a submission file.",
                     show_default=False),
    ] = None,
    solutions_path: SolutionsOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Practise a sheet in the terminal: each part is asked, graded and explained.

    Commands at any prompt: :hint, :solution, :skip, :quit, :help. A derivation takes one step per
    line and ends with an empty line. Ctrl-D or Ctrl-C ends the session with the score table. With
    standard input not a terminal, answers are read one per line.

    --save FILE writes the last answer to each part as a submission (`grader grade FILE`), with
    the student id and, without --student, the seed, so it is graded against the variants asked.

    Exit status: 0 when the session ends (however it ends); 130 after Ctrl-C; 2 bad sheet or option.

    \b
    Examples:
      grader practice
      grader practice --question sigmoid --attempts 2
      grader practice my-sheet.yaml --seed 7
      grader practice piecewise-activations --student s1234 --save s1234.yaml
      printf 'sech(x)^2\\n:skip\\n' | grader practice --question tanh --no-color
    """
    if seed is not None and student is not None:
        fail("give --seed or --student, not both (a student's variants come from the id)")
    if student is not None and (not student.strip() or not student.isprintable()):
        fail("--student must be a printable id")
    with _no_traceback():
        from grader import sheets  # lazy: keeps `grader --help` fast (no sympy)
        from grader.practice import session as practice_lib
        from grader.practice.render import note
        from grader.sheets import solutions

        loaded = _load(lambda: sheets.load(sheet))
        worked = _load(lambda: solutions.load_for(loaded, solutions_path))
        terminal = Terminal(console(no_color), interactive=sys.stdin.isatty())
        if worked is None:
            terminal.show(note(f"No worked solutions were found for `{loaded.id}`: :solution will show the expected "
                               "answer only (give --solutions PATH)."))
        if student is not None:
            from grader.sheets.variants import seed_for_student

            seed = seed_for_student(student.strip())
        chosen_seed = random.randrange(10_000) if seed is None else seed
        session = _load(lambda: practice_lib.Session(
            loaded, terminal.read_line, terminal.show, solutions=worked, attempts=attempts,
            seed=chosen_seed, only=question or (), working=terminal.working,
        ))
        practice_lib.warm_up()
        summary = session.run()
    if save is not None:
        _save(save, loaded, session.answers, student, None if student or not loaded.randomised else chosen_seed,
              sheet)
    raise typer.Exit(130 if summary.ended == "interrupt" else 0)


def _save(path: Path, sheet: Sheet, answers: dict[str, str], student: str | None, seed: int | None,
          spec: str | None) -> None:
    """The session's answers as a submission file, in sheet order, written atomically."""
    from grader.batch.template import PLACEHOLDER_STUDENT, sheet_ref, submission_text
    from grader.grading.submission_file import write_submission

    ordered = {a: answers[a] for a in sheet.parts if a in answers}
    text = submission_text(student.strip() if student else PLACEHOLDER_STUDENT, sheet.id, ordered, seed, sheet.title,
                           sheet_ref(spec, sheet.id))
    try:
        write_submission(path, text)
    except OSError as exc:
        fail(f"cannot write `{path}`: {exc.strerror or exc}")
    typer.echo(f"grader: saved {len(ordered)} answer(s) to {path}"
               + ("" if student else " (set `student:` in it to your id)"), err=True)


@app.command("list")
def list_sheets(
    sheet: Annotated[
        str | None, typer.Argument(help="Sheet file or bundled id. Default: every bundled sheet.")
    ] = None,
    json_out: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """List sheets and their parts, with addresses and points.

    Exit status: 0; 2 when a sheet cannot be read (the others are still listed).

    \b
    Examples:
      grader list
      grader list activation-derivatives --json
      grader list my-sheet.yaml
    """
    from grader import sheets  # lazy: keeps `grader --help` fast (no sympy)
    from grader.core.errors import GraderError, describe
    from grader.grading.render import to_json
    from grader.practice.render import sheet_json, sheet_table

    with _no_traceback():
        specs = [sheet] if sheet else [str(p) for p in sheets.bundled_sheets()]
        out, problems = console(no_color), 0
        found: list[tuple[Sheet, str | None]] = []
        for spec in specs:
            try:
                loaded = sheets.load(spec)
            except GraderError as err:
                typer.echo(f"grader: {describe(err)}", err=True)
                problems += 1
                continue
            bundled = sheets.resolve(spec).resolve().parent == sheets.bundled_dir().resolve()
            found.append((loaded, Path(spec).stem if bundled else None))
        if json_out:
            typer.echo(to_json({"sheets": [sheet_json(s, b) for s, b in found]}))
        else:
            for loaded, bundled_id in found:
                out.print(sheet_table(loaded, bundled_id), soft_wrap=False)
    raise typer.Exit(2 if problems else 0)


@app.command()
def show(
    address: Annotated[
        str, typer.Argument(help="A question (sigmoid), a group (relu.b) or a part (tanh.a).")
    ],
    solution: Annotated[bool, typer.Option("--solution", help="Also print the worked solution.")] = False,
    sheet: SheetOption = None,
    solutions_path: SolutionsOption = None,
    no_color: NoColorOption = False,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="N", help="A randomised question's variant (default: the first).")
    ] = None,
    student: Annotated[
        str | None, typer.Option("--student", metavar="ID", help="This student's variant (as batch grading uses).")
    ] = None,
) -> None:
    """Print one question, or some of its parts, the way `grader practice` asks them.

    Exit status: 0; 2 for an unknown address or a bad sheet.

    \b
    Examples:
      grader show sigmoid
      grader show tanh.b --solution
      grader show relu.b --sheet activation-derivatives
      grader show leaky_relu --sheet piecewise-activations --seed 7
      grader show leaky_relu --sheet piecewise-activations --student s1234
    """
    from grader import sheets as sheets_lib  # lazy: keeps `grader --help` fast (no sympy)
    from grader.practice import session as practice_lib
    from grader.practice.render import note, show_block
    from grader.sheets import solutions, variants

    if seed is not None and student is not None:
        fail("give --seed or --student, not both (a student's variant comes from the id)")
    if student is not None:
        seed = variants.seed_for_student(student.strip())
    with _no_traceback():
        loaded = variants.pick(_load(lambda: sheets_lib.load(sheet)), seed)
        plan = _load(lambda: practice_lib.select(loaded, [address]))
        worked = _load(lambda: variants.fill_solutions(solutions.load_for(loaded, solutions_path), loaded)) \
            if solution else None
        out = console(no_color)
        for question, parts in plan:
            found = {}
            for part in parts if solution else ():
                shown = practice_lib.solution_for(worked, part.address)
                if shown is not None:
                    found[shown.address] = shown
            out.print(show_block(question, parts, list(found.values())), soft_wrap=False)
            if solution and not found:
                out.print(note(f"No worked solution for {address}."), soft_wrap=False)
    raise typer.Exit(0)
