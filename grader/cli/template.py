"""`grader template`: a submission skeleton for a student to fill in, or a notebook to hand out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from grader.cli.app import app, fail


@app.command()
def template(
    sheet: Annotated[str | None, typer.Argument(help="Sheet file (.yaml) or bundled sheet id. Default: "
                                                     "activation-derivatives.")] = None,
    student: Annotated[str | None, typer.Option("--student", metavar="ID", help="Fill in the student id and, for "
                                                "a randomised sheet, show that student's values.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (never over an existing "
                                             "one) instead of printing.", show_default=False)] = None,
    notebook: Annotated[bool, typer.Option("--notebook", help="A Jupyter notebook (.ipynb) to hand out instead: "
                                           "gn.check cells, the practice widget, a hand-in section that "
                                           "`grader grade` reads.")] = False,
) -> None:
    """Write a submission skeleton: every part address, its question as a comment, blank answers.

    Answers go between single quotes (LaTeX is safe there) or, for a derivation, on indented
    lines under `|-`. A randomised sheet's values depend on the student id: give --student (without
    it, the values are shown as ⟨alpha⟩, never as one student's). The commands printed in the file
    name the sheet as given (a file by its path).

    Exit status: 0; 2 for a bad sheet or when --out exists.

    \b
    Examples:
      grader template > answers.yaml
      grader template piecewise-activations --student s1234 -o s1234.yaml
      grader template exercises/hw3.yaml --notebook -o hw3.ipynb
    """
    from grader import sheets  # lazy: keeps `grader --help` fast (no sympy)
    from grader.batch.template import randomised_values, sheet_ref, template_text
    from grader.core.errors import GraderError, describe
    from grader.sheets.variants import pick, seed_for_student

    if student is not None and (not student.strip() or not student.isprintable()):
        fail("--student must be a printable id")
    try:
        loaded = sheets.load(sheet)
        shown = pick(loaded, seed_for_student(student.strip())) if student and loaded.randomised else loaded
    except GraderError as err:
        fail(describe(err))
    text = template_text(shown, loaded.id, student.strip() if student else None, ref=sheet_ref(sheet, loaded.id))
    if notebook:
        from grader.notebook.handout import notebook_text

        ref = loaded.id
        if sheet is not None and Path(sheet).suffix in (".yaml", ".yml"):
            # The kernel runs in the notebook's folder: the sheet's path from there, not from here.
            where = Path(out).resolve().parent if out is not None else Path.cwd()
            ref = Path(os.path.relpath(Path(sheet).resolve(), where)).as_posix()
        text = notebook_text(loaded, ref, student.strip() if student else None)
    elif loaded.randomised and not student:
        typer.echo(f"grader: a randomised sheet: {randomised_values(loaded)} differ per student, so this template "
                   f"shows no values (⟨name⟩ stands for each). A student's own template: grader template "
                   f"{sheet_ref(sheet, loaded.id)} --student ID", err=True)
    if out is None:
        typer.echo(text, nl=False)
        raise typer.Exit(0)
    try:
        with open(out, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        fail(f"`{out}` exists; it may hold answers. Choose another name or delete it first")
    except OSError as exc:
        fail(f"cannot write `{out}`: {exc.strerror or exc}")
    typer.echo(f"grader: wrote {out}", err=True)
