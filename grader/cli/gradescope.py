"""`grader gradescope`: a Gradescope autograder zip; `grader autograde`: what it runs per submission."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Annotated

import typer

import grader
from grader.cli.app import SheetOption, SolutionsOption, app, fail


@app.command()
def gradescope(
    sheet: Annotated[str | None, typer.Argument(help="Sheet file (.yaml) or bundled sheet id. Default: "
                                                     "activation-derivatives.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The zip to write.")] = Path("autograder.zip"),
    solutions_path: Annotated[str | None, typer.Option(
        "--solutions", metavar="PATH", help="Show this worked-solutions file (or the one in this folder) under "
        "each part a submission did not get right. Gradescope lets students resubmit: give it when later "
        "submissions do not count, or after the deadline.")] = None,
) -> None:
    """Write a Gradescope autograder zip (setup.sh + run_autograder) for one sheet.

    Upload it as a "Zip file upload" autograder of a programming assignment, with the base image
    Ubuntu 22.04 or Ubuntu 24.04. Each student uploads one submission file (.yaml, .json or a notebook .ipynb;
    `grader template` writes one); Gradescope then shows the score, each part's verdict and feedback.
    The zip carries this grader's own source and sheets, so Gradescope grades exactly as
    `grader grade` does here, and requirements.lock: the exact versions of its dependencies
    installed here. setup.sh installs those into its own virtual environment with a Python >= 3.11
    (Ubuntu 24.04's python3; on 22.04 the distribution's python3.11, from apt), never into the
    system Python; its build log says what to do when something is missing. Tested by grader's own
    suite with Debian 12's externally managed python3 and a python3 reporting 3.10, in a fake
    /autograder (not on Gradescope's images); the zip's README.md says more.

    Exit status: 0; 2 for a bad sheet, an unwritable --out, or grader not installed as a package.

    \b
    Examples:
      grader gradescope activation-derivatives -o autograder.zip
      grader gradescope my-sheet.yaml -o my-sheet-autograder.zip
      grader gradescope my-sheet.yaml --solutions solutions/ -o with-solutions.zip
    """
    from grader import sheets  # lazy: keeps `grader --help` fast
    from grader.batch.gradescope import bundle
    from grader.batch.lock import runtime_pins
    from grader.core.errors import GraderError, describe
    from grader.sheets import solutions

    try:
        loaded = sheets.load(sheet)  # refuse a broken sheet here, not in Gradescope
        sheet_file = sheets.resolve(sheet)
        pins = runtime_pins("grader")
        worked = solutions.given_path(loaded, solutions_path) if solutions_path is not None else None
        if worked is not None:
            solutions.load(worked)  # a broken solutions file is refused here too
    except GraderError as err:
        fail(describe(err))
    package = Path(grader.__file__).resolve().parent
    bundled = {kind: folder for kind in ("exercises", "solutions") if (folder := sheets.bundled_dir(kind)).is_dir()}
    lock = [f"# The exact versions installed where `grader gradescope` built this zip (grader {grader.__version__},",
            f"# Python {platform.python_version()}); setup.sh installs these and nothing else.",
            *(pin.line for pin in pins)]
    data = bundle(sheet_file, loaded.id, package, bundled, lock, grader.__version__, worked)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temp = out.with_name(f".{out.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, out)
    except OSError as exc:
        fail(f"cannot write `{out}`: {exc.strerror or exc}")
    typer.echo(f"grader: wrote {out} ({len(data) // 1024} kB): upload it as the Gradescope autograder", err=True)
    beside = solutions.solution_path(loaded) if worked is None else None
    if beside is not None and not beside.is_relative_to(sheets.bundled_dir("solutions")):
        typer.echo(f"grader: note: the worked solutions in {beside} are not in the zip (Gradescope shows feedback "
                   "after each submission and students may resubmit); add --solutions PATH to show them under "
                   "each part not answered right", err=True)


@app.command(hidden=True)
def autograde(
    submission: Annotated[Path, typer.Argument(help="The folder of one student's files.")],
    sheet: SheetOption = None,
    results: Annotated[Path, typer.Option("--results", help="Where results.json goes.")] = Path("results.json"),
    solutions_path: SolutionsOption = None,
) -> None:
    """Grade one Gradescope submission folder into results.json (run by the autograder zip).

    Always writes results.json, even for an empty or unreadable submission (score 0, with why).
    Exit status: 0; 2 when the sheet itself cannot be loaded (results.json then says so).

    \b
    Example:
      grader autograde /autograder/submission --sheet sheet.yaml --results /autograder/results/results.json
    """
    from grader import sheets  # lazy: keeps `grader --help` fast (no sympy)
    from grader.batch.grade import grade_paths
    from grader.batch.gradescope import autograder_result, uploaded_files
    from grader.core.errors import GraderError, UsageError, describe

    try:
        max_total = round(sum(p.points for p in sheets.load(sheet).parts.values()), 6)
    except GraderError as err:
        _write(results, {"score": 0, "output": f"The autograder could not load its sheet: {describe(err)}"})
        fail(describe(err))
    try:
        batch = grade_paths([str(submission)], sheet=sheet, skip=[str(results.parent)])
    except UsageError:  # no submission file at all
        _write(results, autograder_result([], max_total, 0, uploaded_files(submission)))
        raise typer.Exit(0) from None
    # Several files: the one modified last, whichever `student:` each names (one upload is one student's).
    counted = max(batch.rows, key=lambda row: (row.modified, row.file))
    worked = None
    if solutions_path is not None and batch.sheet is not None:
        from grader.sheets import solutions

        try:
            worked = solutions.load_for(batch.sheet, solutions_path)
        except GraderError as err:  # the grades still go out: a student is never left without a score
            typer.echo(f"grader: the worked solutions could not be read: {describe(err)}", err=True)
    _write(results, autograder_result([counted], max_total, len(batch.rows), worked=worked, sheet=batch.sheet))
    typer.echo(f"grader: {counted.file}: {counted.total:g} / {counted.max_total:g}", err=True)


def _write(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
