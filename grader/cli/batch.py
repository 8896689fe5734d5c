"""`grader grade`: grade a class of submission files and write the reports."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated

import typer

from grader.batch.reports.names import FORMATS, LMS_FORMATS
from grader.cli.app import NoColorOption, SheetOption, SolutionsOption, app, fail

if TYPE_CHECKING:
    from rich.progress import TaskID

    from grader.batch.model import Batch
    from grader.serve.database import Location
    from grader.serve.export import Course

LINE_SECONDS = 1.0  # plain progress: at most one line a second, and one per 10 %
_NOUNS = {"reading": "files", "grading": "distinct answers", "grouping": "comparisons of wrong answers",
          "rechecking": "wrong answers against the other variants of their question"}


EXPORT_SECONDS = 30.0  # per answer with --db: ten times the class server's budget

@app.command()
def grade(
    paths: Annotated[list[str] | None, typer.Argument(help="Submission files (.yaml, .yml, .json, .ipynb), folders "
                                                           "(searched recursively) and CSVs of responses (.csv, one "
                                                           "row per student).", show_default=False)] = None,
    sheet: SheetOption = None,
    db: Annotated[str | None, typer.Option("--db", metavar="CLASS.sqlite|URL", help="Grade a `grader serve --class` "
                                           "database (a file, or postgresql://USER@HOST/DBNAME) instead of files: "
                                           "each student's best-scored answer to each part is written to "
                                           "OUT/answers/ (one submission file per student, every roster member) "
                                           "and those files are graded.", show_default=False)] = None,
    course: Annotated[str | None, typer.Option("--course", help="With --db holding several classes (the class "
                                               "roster and LMS courses launched by LTI): the one to grade, by "
                                               "the name or id grader lists when it is needed.",
                                               show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.")] = Path("grades"),
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes. Default: the number "
                                             "of cores.", show_default=False)] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=0.05, help="Seconds to check one answer; an "
                                                  "answer over budget becomes `error`. Default: 3, and 30 with "
                                                  "--db (the server checked each answer in 3 s on a busy machine: "
                                                  "its verdict must come again).", show_default=False)] = None,
    memory: Annotated[int, typer.Option("--memory", min=64, help="Memory (MB) one worker may use.")] = 2048,
    fail_under: Annotated[float | None, typer.Option("--fail-under", min=0, max=100, help="Also exit 1 when a "
                                                     "submission scores below this percentage.")] = None,
    formats: Annotated[list[str] | None, typer.Option("--format", "-f", help="Also write: canvas, moodle, "
                                                      "gradescope, junit, feedback (feedback/<student>.md: "
                                                      "answers, verdicts, worked solutions) (repeat, or separate "
                                                      "with commas).")] = None,
    assignment: Annotated[str | None, typer.Option("--assignment", help="The Canvas/Moodle grade column to fill, "
                                                   "e.g. --assignment \"Homework 3\" (exactly as the gradebook "
                                                   "names it). Default: the sheet's title.",
                                                   show_default=False)] = None,
    compare_with: Annotated[Path | None, typer.Option("--compare-with", help="The --out folder of an earlier run: "
                                                      "also write changes.md (whose scores changed, by part, and "
                                                      "why), e.g. after fixing the sheet: --compare-with "
                                                      "grades-before/.", show_default=False)] = None,
    duplicates: Annotated[str, typer.Option("--duplicates", help="A student with several files: `error` writes "
                                            "no Canvas/Moodle/Gradescope/feedback file and names them (exit 1); "
                                            "`latest` counts the one handed in last (its `submitted:` or CSV "
                                            "timestamp, else the file's modification time), `best` the highest "
                                            "total.")] = "error",
    columns: Annotated[str | None, typer.Option("--columns", help="A CSV's headers as parts: \"Q1=sigmoid.a,"
                                                "Email=student\" (and `X=submitted` for a time column). Default: "
                                                "headers that are part addresses, a `student` (or id, username, "
                                                "email) column and a `Timestamp` (or Completion time, Submitted) "
                                                "column.", show_default=False)] = None,
    solutions_path: SolutionsOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Grade every submission file and write grades.csv, results.json, summary.md and report.html.

    report.html is one page to open in a browser, from the file itself (it fetches nothing): the
    score histogram, each part's difficulty and discrimination (item analysis, also in summary.md
    and results.json), what to look at, the wrong answers typeset, and every student's feedback.

    A submission is a YAML or JSON file with `student`, optional `sheet`, `seed`, `submitted` and
    `answers` (part address -> answer), a Jupyter notebook (`gn.answer("part", "...")` string
    literals and cells tagged answer:PART; never run), or a row of a CSV of responses (a form's or
    quiz's export, UTF-8, with a student column and a column per part; see --columns). A file that cannot be read
    is reported with its reason and the rest are graded; an answer that crashes or overruns the
    grader is `error`, the rest are graded. A file without `student:` (or with the template's
    `your-student-id`) is graded under its file name, with a warning.

    The sheet: --sheet (a file or an id); else the sheet most files name; else the default sheet.
    An id is looked for in the `exercises/` of the current folder, of the submission folders and of
    their parents (a course repository; the file name need not be the id), then among the bundled
    sheets. A sheet that cannot be found is exit 2 (nothing written). A file that names another
    sheet is reported (0 points, with the reason and the --sheet for it) and never changes how the
    other files are graded. An unknown key or part address is reported and ignored.

    With --db, the answers come from the class server's database (it may be running): every
    roster student gets a file in OUT/answers/ holding, for each part, their best-scored answer (of
    equal scores, the last), and the reports are batch grading of those files, byte for byte as if
    the students had handed them in.

    Exit status: 0 every file was read; 1 some files could not be read (the rest were graded, and
    score 0 with the reason), or a student has several files and --duplicates is `error` while a
    Canvas, Moodle, Gradescope or feedback file was asked for (not written), or with --fail-under a
    submission scored below it; 2 usage or sheet error: a sheet not found, a --sheet no file
    answers, a CSV none of whose headers is a part (nothing written).

    \b
    Examples:
      grader grade submissions/
      grader grade submissions/ --sheet activation-derivatives --out grades/ --jobs 4
      grader grade submissions/ --sheet exercises/homework-3.yaml     (an author's own sheet)
      grader grade submissions/ --format canvas,moodle --format junit
      grader grade submissions/ --format canvas --duplicates latest
      grader grade responses.csv --columns "Q1=sigmoid.a,Q2=tanh.a,Email=student"
      grader grade my-answers.yaml --fail-under 100          (a student's CI)
      grader grade class/*.yaml --timeout 10 --format gradescope
      grader grade notebooks/ --sheet activation-derivatives          (Jupyter notebooks handed in)
      grader grade submissions/ --format canvas --assignment "Homework 3"
      grader grade submissions/ --format feedback           (feedback/<student>.md to mail)
      grader grade submissions/ --format feedback --solutions worked/hw3.yaml   (solutions kept elsewhere)
      grader grade submissions/ --out grades-v2/ --compare-with grades/   (changes.md after a sheet fix)
      grader grade --db class.sqlite --format canvas      (the class that practised with grader serve)
      grader grade --db postgresql://grader@dbhost/calculus --format canvas   (a class kept in PostgreSQL)
    """
    from grader.batch.duplicates import POLICIES, choose
    from grader.batch.grade import grade_paths  # lazy: keeps `grader --help` fast (no sympy)
    from grader.batch.reports import write as reports
    from grader.batch.reports.changes import changes_markdown, read_old
    from grader.batch.reports.summary import summary_markdown
    from grader.batch.responses import parse_columns
    from grader.core.errors import GraderError, describe

    wanted = _formats(formats or [])
    if assignment is not None and not assignment.strip():
        fail("--assignment needs the name of the gradebook column, e.g. --assignment \"Homework 3\"")
    try:
        old = read_old(compare_with) if compare_with is not None else None  # before grading: fail fast
    except GraderError as err:
        fail(describe(err))
    policy = next((p for p in POLICIES if p == duplicates.strip().lower()), None)
    if policy is None:
        fail(f"unknown --duplicates `{duplicates}`. Choose one of: {', '.join(POLICIES)}")
    names: dict[str, str] = {}  # student id -> name: a class database's roster
    shown: dict[str, dict[str, float]] = {}  # student id -> part -> the points the class server showed
    if db is not None:
        if paths:
            fail("give submission files or --db, not both")
        sheet, paths, names, shown = _export(db, sheet, out, course)
    elif course is not None:
        fail("--course picks a class of a --db database; submission files are graded as given")
    elif not paths:
        fail("no submission files given: grader grade submissions/ (files, folders or CSVs of responses), "
             "or grader grade --db class.sqlite for a grader serve class")
    try:
        with _progress(no_color) as progress:
            seconds = timeout or (EXPORT_SECONDS if db is not None else 3.0)
            batch = grade_paths(paths, sheet=sheet, jobs=jobs, timeout=seconds, memory_mb=memory, progress=progress,
                                skip=[str(out)], columns=parse_columns(columns) if columns else None,
                                duplicates=policy)
    except GraderError as err:
        fail(describe(err))
    except KeyboardInterrupt:
        fail("interrupted: no reports were written", 130)
    batch = _with_solutions(batch, solutions_path, "feedback" in wanted)
    for row in batch.unreadable:
        typer.echo(f"grader: {row.file}: unreadable: {row.unreadable}", err=True)
    for warning in batch.warnings:
        typer.echo(f"grader: warning: {warning}", err=True)
    counted = choose(batch.rows, policy)
    refused = [name for name in wanted if name in LMS_FORMATS] if counted.collisions else []
    try:
        extra = {"changes.md": changes_markdown(batch, old)} if old is not None else {}
        written = reports.write_reports(batch, out, [name for name in wanted if name not in refused], counted,
                                        assignment.strip() if assignment else None, extra, names)
    except OSError as exc:
        fail(f"cannot write the reports in `{out}`: {exc.strerror or exc}")
    except KeyboardInterrupt:
        fail("interrupted: the previous reports were left as they were", 130)
    typer.echo(summary_markdown(batch), nl=False)
    typer.echo(f"grader: wrote {_listing(written, out)}", err=True)
    if refused:
        ids = "; ".join(f"`{student}` ({', '.join(files)})" for student, files in counted.collisions)
        typer.echo(f"grader: error: not written: {', '.join(refused)} (an LMS keeps one of two rows for an id, "
                   f"unpredictably). Students with several files: {ids}. Remove the extra files, or choose with "
                   "--duplicates latest (the newest file) or --duplicates best (the highest total)", err=True)
    code = max(_exit_code(batch, fail_under), _as_shown(batch, shown))
    raise typer.Exit(1 if refused else code)


def _with_solutions(batch: Batch, given: str | None, feedback: bool) -> Batch:
    """The batch with its sheet's worked solutions (for feedback files); said when parts have none."""
    from dataclasses import replace

    from grader.core.errors import GraderError, describe
    from grader.sheets import solutions

    if batch.sheet is None or not (feedback or given):
        return batch
    try:
        worked = solutions.load_for(batch.sheet, given)
    except GraderError as err:
        fail(describe(err))
    missing = [address for address, _ in batch.parts if worked is None or worked.for_part(address) is None]
    if feedback and missing:
        which = "any part" if len(missing) == len(batch.parts) else ", ".join(missing)
        typer.echo(f"grader: warning: no worked solution for {which} of `{batch.sheet_id}`: the feedback files show "
                   "none there (give the solutions file with --solutions PATH)", err=True)
    return replace(batch, worked=worked)


def _export(given: str, sheet: str | None, out: Path, course: str | None
            ) -> tuple[str, list[str], dict[str, str], dict[str, dict[str, float]]]:
    """Write the class database's answers to OUT/answers/; the sheet to grade them with, the folder,
    the roster's names by student id (for the LMS columns that show names), and the points the server
    showed for each student's answers (to check the export gives the same)."""
    from grader import sheets
    from grader.batch.answer_files import AnswerFile, write_answer_files
    from grader.core.errors import GraderError, describe
    from grader.serve import database, export
    from grader.sheets.variants import seed_for_student

    try:
        db = database.location(given)
    except GraderError as err:
        fail(describe(err))
    try:
        if sheet is None:
            answered = export.sheet_ids(db)
            bundled = {p.stem for p in sheets.bundled_sheets()}
            if len(answered) != 1:
                listed = f"sheets {', '.join(answered)}" if answered else "no sheet yet"
                fail(f"`{db.shown}` holds answers to {listed}: choose the sheet to grade with --sheet, e.g. grader "
                     f"grade --db {db.shown} --sheet {answered[0] if answered else 'SHEET'}")
            sheet = answered[0]
            if sheet not in bundled:
                try:  # a sheet of the course folder here, by its id
                    sheet = str(sheets.resolve(sheet))
                except GraderError:
                    fail(f"the class answered sheet `{sheet}`, which is neither bundled nor in the course folder "
                         "here: give its file with --sheet")
        sheet_id = sheets.load(sheet).id
        students = export.class_answers(db, sheet_id, _course(db, course))
        items = [AnswerFile(s.student, s.answers, None if s.seed == seed_for_student(s.student) else s.seed, s.name)
                 for s in students]
        folder = out / "answers"
        write_answer_files(folder, sheet_id, items, db.name)
    except GraderError as err:
        fail(describe(err))
    except OSError as exc:
        fail(f"cannot write the answers in `{out / 'answers'}`: {exc.strerror or exc}")
    typer.echo(f"grader: {len(items)} students' answers from {db.shown} written to {folder}", err=True)
    names = {s.student: s.name for s in students if s.name}
    return sheet, [str(folder)], names, {s.student: s.points for s in students}


def _course(db: Location, given: str | None) -> Course | None:
    """The class to grade: the one named, or the only one; several and none named is an error listing them."""
    from grader.serve import export

    held = export.courses(db)
    if given is None and len(held) <= 1:
        return held[0] if held else None
    found = [c for c in held if given is not None and c.matches(given)]
    if len(found) == 1:
        return found[0]
    listed = "; ".join(f"--course {_quoted(c.title or c.key) if c.key != export.ROSTER else c.key} "
                       f"({c.title or 'an LMS course'}, {c.students} student(s))" for c in held)
    said = (f"`{db.shown}` holds {len(held)} classes, kept apart: grade one at a time" if given is None else
            f"no class of `{db.shown}` is `{given}`" if not found else f"`{given}` names several classes")
    fail(f"{said}: {listed}")


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _formats(given: list[str]) -> list[str]:
    names = [name.strip().lower() for item in given for name in item.split(",") if name.strip()]
    for name in names:
        if name not in FORMATS:
            fail(f"unknown format `{name}`. Formats: {', '.join(FORMATS)}")
    return sorted(set(names))


def _as_shown(batch: Batch, shown: dict[str, dict[str, float]]) -> int:
    """1, with a warning per answer, where the export's points differ from what the class server showed
    (the same text graded again: only a time-out on an overloaded machine, or a changed sheet, does that)."""
    differ = [(row.student, a.address, shown[row.student].get(a.address, 0.0), a.points, a.status)
              for row in batch.rows if row.student in shown for a in row.answers
              if abs(shown[row.student].get(a.address, 0.0) - a.points) > 1e-9]
    for student, part, server, here, status in differ:
        typer.echo(f"grader: warning: {student} {part}: the class server showed {server:g} points, this export "
                   f"gives {here:g} ({status}): check it by hand, or export again with a larger --timeout", err=True)
    return 1 if differ else 0


def _exit_code(batch: Batch, fail_under: float | None) -> int:
    code = 1 if batch.unreadable else 0
    if fail_under is not None:
        below = [r for r in batch.graded if r.percent < fail_under]
        if below:
            shown = ", ".join(f"{r.student} ({r.percent:.1f} %)" for r in below[:10])
            more = f" and {len(below) - 10} more" if len(below) > 10 else ""
            typer.echo(f"grader: {len(below)} submission(s) below {fail_under:g} %: {shown}{more}", err=True)
            code = 1
    return code


def _listing(written: list[Path], out: Path) -> str:
    top = [str(p) for p in written if p.parent == out]
    nested: dict[str, int] = {}
    for p in written:
        if p.parent != out:
            folder = p.relative_to(out).parts[0]
            nested[folder] = nested.get(folder, 0) + 1
    return ", ".join(top + [f"{n} file(s) in {out / folder}" for folder, n in sorted(nested.items())])


# --- progress (on standard error) ----------------------------------------------------------------


def _progress(no_color: bool) -> _Bar | _Lines:
    return _Bar(no_color) if sys.stderr.isatty() else _Lines()


class _Lines:
    """Plain lines for logs and CI: the start of each phase, then every 10 % (at most one a second)."""

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        pass

    def phase(self, name: str, total: int) -> None:
        self.name, self.total, self.done, self.next, self.shown = name, total, 0, 10, time.monotonic()
        typer.echo(f"grader: {name} {total} {_NOUNS.get(name, 'items')}", err=True)

    def advance(self, count: int) -> None:
        self.done += count
        percent = 100 * self.done // max(self.total, 1)
        now = time.monotonic()
        if percent >= self.next and now - self.shown >= LINE_SECONDS:  # a quick phase prints no lines
            typer.echo(f"grader: {self.name}: {self.done}/{self.total} ({percent} %)", err=True)
            self.next, self.shown = percent // 10 * 10 + 10, now


class _Bar:
    """A rich progress bar, refreshed by hand: no refresh thread, since workers are forked."""

    def __init__(self, no_color: bool) -> None:
        from rich.console import Console  # lazy: rich loads only when a progress bar is shown
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True, no_color=no_color or None)
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, auto_refresh=False, transient=True)
        self.task: TaskID | None = None
        self.shown = 0.0

    def __enter__(self) -> _Bar:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.bar.stop()

    def phase(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(f"{name} {_NOUNS.get(name, '')}", total=total)
        self.bar.refresh()

    def advance(self, count: int) -> None:
        if self.task is None:
            return
        self.bar.advance(self.task, count)
        now = time.monotonic()
        if now - self.shown > 0.1:
            self.shown = now
            self.bar.refresh()
