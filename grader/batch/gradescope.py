"""A Gradescope autograder: the zip `grader gradescope SHEET -o autograder.zip` writes, and the
result it writes for one submission.

Gradescope builds an image from the zip (its files land in /autograder/source/, and it runs
setup.sh there once, as root), then for each submission runs run_autograder with the student's files
in /autograder/submission/ and reads /autograder/results/results.json. The zip carries this package's
own source and sheets (so the image grades exactly as this install does), the sheet file, and
requirements.lock: the exact versions of the dependencies installed here (grader.batch.lock), which
setup.sh installs into its own virtual environment, never into the image's system Python (Ubuntu
24.04's is externally managed, PEP 668; Ubuntu 22.04's is 3.10, too old).
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.batch.model import Answer, Row
from grader.batch.submissions import SUFFIXES
from grader.sheets import variants
from grader.sheets.bundled import bundled_dir
from grader.sheets.model import Sheet
from grader.sheets.solutions import Solution, SolutionFile
from grader.text.numbers import num, points
from grader.text.terminal import math_text

ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same sheet and package give the same zip bytes

MIN_PYTHON = (3, 11)  # the vendored grader's floor (pyproject's requires-python)
BASE_IMAGES = "Ubuntu 22.04 or Ubuntu 24.04"
CHOOSE = f"choose the {BASE_IMAGES} base image in the autograder settings and rebuild the autograder"
TESTED = """\
How it was tested: grader's own suite (tests/batch/test_gradescope_setup.py) runs setup.sh and
run_autograder in a fresh fake /autograder with only Debian 12's own, externally managed
/usr/bin/python3 on PATH (3.11; PEP 668, as on Ubuntu 24.04) and grades a submission to full marks.
With a python3 that reports 3.10 (as on Ubuntu 22.04) it checks that setup.sh picks a python3.11
beside it, or has apt install one (apt there is a stand-in, as is a python3 without its venv module),
or, with none and no apt, stops with a sentence naming the base image to choose. The bundle has not
been run on Gradescope's own images."""

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (@IMAGES@).
# It makes a virtual environment at $ROOT/venv with a Python >= @MIN@ (the system python3 when new
# enough, else a python3.1x on PATH, else the distribution's python@MIN@ from apt), installs into it
# exactly the versions in requirements.lock, and grades an empty submission to check it all works.
# It never installs into the system Python. AUTOGRADER_ROOT exists for testing this outside Gradescope.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
CHOOSE="@CHOOSE@"
say() { echo "grader setup: $*"; }
stop() { echo "grader setup: FAILED: $*" >&2; exit 1; }

version_of() {  # "3.12" when $1 is a Python >= @MIN@; fails otherwise
    "$1" -c 'import sys; assert sys.version_info >= (@MAJOR@, @MINOR@); print("%d.%d" % sys.version_info[:2])' \
        2>/dev/null
}
find_python() {  # the system python3 first, when new enough; then the newest python3.1x
    local name
    for name in python3 python3.14 python3.13 python3.12 python3.11; do
        if command -v "$name" >/dev/null 2>&1 && VERSION="$(version_of "$name")"; then
            PYTHON="$(command -v "$name")"
            return 0
        fi
    done
    return 1
}
UPDATED=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || { say "no apt-get here to install $*"; return 1; }
    say "apt-get install $*"
    if [ -z "$UPDATED" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! find_python; then
    say "no Python @MIN@ or newer on PATH (python3: $(python3 --version 2>/dev/null || echo none)); installing one"
    # Ubuntu 22.04 has python@MIN@ beside its python3 3.10; on 24.04 python3 itself is new enough.
    { apt_install python@MIN@ python@MIN@-venv || apt_install python3 python3-venv; } && find_python \
        || stop "no Python @MIN@ or newer and apt could not install one: $CHOOSE."
fi
say "using $PYTHON ($("$PYTHON" --version 2>&1))"
if ! "$PYTHON" -m venv --clear "$VENV"; then
    say "$PYTHON cannot make a virtual environment (Debian and Ubuntu ship its venv module apart)"
    { apt_install "python$VERSION-venv" && "$PYTHON" -m venv --clear "$VENV"; } \
        || stop "$PYTHON cannot make a virtual environment and apt could not install python$VERSION-venv: $CHOOSE."
fi
say "installing the pinned dependencies (requirements.lock) into $VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-deps --require-virtualenv \
        -r "$SOURCE/requirements.lock" \
    || stop "pip could not install the versions in requirements.lock (pip says why above). If it could not reach\
 PyPI, the build had no network: rebuild the autograder. If no release fits Python $VERSION, $CHOOSE, or build\
 the zip with grader installed under Python $VERSION."
"$VENV/bin/python" -m pip check --disable-pip-version-check \
    || stop "requirements.lock lacks a package Python $VERSION needs (pip check above): build the zip with grader\
 installed under Python $VERSION."
CHECK="$(mktemp -d)"
if ! (cd "$CHECK" && PYTHONPATH="$SOURCE/vendor" "$VENV/bin/python" -m grader autograde . \
        --sheet "$SOURCE/@SHEET@" --results "$CHECK/results.json"); then
    stop "the autograder could not grade an empty submission (the error is above): rebuild the zip with\
 grader gradescope and upload it again."
fi
rm -rf "$CHECK"
say "ready: run_autograder grades with $VENV/bin/python (Python $VERSION)"
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission: $ROOT/submission/ in, $ROOT/results/results.json out.
# It uses the virtual environment setup.sh made. AUTOGRADER_ROOT and GRADER_PYTHON exist for testing.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${GRADER_PYTHON:-$ROOT/venv/bin/python}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "grader: no $PYTHON: setup.sh did not finish when Gradescope built this autograder. Read the build" \
         "log (its lines start with 'grader setup:'), do what its last line says, and rebuild the autograder." >&2
    exit 1
fi
export PYTHONPATH="$ROOT/source/vendor${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$ROOT/results"
cd "$ROOT/submission" || exit 1  # file names in the feedback: `answers.yaml`, not a path in the container
exec "$PYTHON" -m grader autograde . --sheet "$ROOT/source/@SHEET@" --results "$ROOT/results/results.json" @WORKED@
"""

README = """\
# Gradescope autograder for the sheet `@SHEET_ID@`

Written by `grader gradescope` (grader @VERSION@). Upload this zip unchanged as the autograder of a
programming assignment (Configure Autograder → Zip file upload) and choose the base image
**@IMAGES@**. Each student uploads one answer file, `.yaml`, `.json` or a notebook `.ipynb`
(`grader template @SHEET_FILE@ --student ID`, run in the course folder, writes a blank one to hand out;
its `student:` picks the variants of
randomised questions, unless it has a `seed:`); Gradescope shows the score, and each part's verdict
and feedback.

- `setup.sh` (run once, as root, when Gradescope builds the image) makes a virtual environment at
  `/autograder/venv` with a Python >= @MIN@: the image's `python3` when it is new enough (Ubuntu
  24.04: 3.12), else a `python3.11`/`python3.12` already installed, else the distribution's
  `python@MIN@` and `python@MIN@-venv` from apt (Ubuntu 22.04, whose `python3` is 3.10). It never
  installs into the system Python. Into that environment it installs exactly the versions listed in
  `requirements.lock` (the ones this zip was built and tested with; `==` pins, no other package),
  then grades an empty submission to check that everything works.
- `run_autograder` (run for each submission) grades `/autograder/submission/` with that environment
  and this zip's own copy of grader (`vendor/`), and writes `/autograder/results/results.json`.
- The build log's lines start with `grader setup:`; when something is missing, its last line says
  what to do (most often: choose one of the base images above).

@TESTED@
"""


def script(template: str, sheet: str) -> str:
    """setup.sh or run_autograder with this bundle's sheet path (`sheet/<name>`) filled in."""
    return (template.replace("@SHEET@", sheet).replace("@MIN@", "{}.{}".format(*MIN_PYTHON))
            .replace("@MAJOR@", str(MIN_PYTHON[0])).replace("@MINOR@", str(MIN_PYTHON[1]))
            .replace("@IMAGES@", BASE_IMAGES).replace("@CHOOSE@", CHOOSE))


def bundle(sheet_file: Path, sheet_id: str, package: Path, bundled: dict[str, Path], lock: Sequence[str],
           version: str, worked: Path | None = None) -> bytes:
    """The autograder zip: setup.sh, run_autograder, README.md, requirements.lock, the sheet, and the
    package under vendor/. `package` is the grader package folder; `bundled` the folders of its bundled
    sheets and solutions (they ship inside the package as grader/_bundled/<kind>); `lock` the lines
    of requirements.lock; `worked`: a worked-solutions file to show under each part not answered right."""
    sheet = f"sheet/{sheet_file.name}"
    solutions = "sheet/worked-solutions.yaml"
    readme = (script(README, sheet).replace("@SHEET_ID@", sheet_id).replace("@VERSION@", version)
              .replace("@SHEET_FILE@", _named(sheet_file, sheet_id))
              .replace("@TESTED@", TESTED))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "setup.sh", script(SETUP, sheet).encode(), executable=True)
        shown = f'--solutions "$ROOT/source/{solutions}"' if worked is not None else ""
        _add(archive, "run_autograder", script(RUN, sheet).replace(" @WORKED@", f" {shown}".rstrip()).encode(),
             executable=True)
        _add(archive, "README.md", readme.encode())
        _add(archive, "requirements.lock", "".join(f"{line}\n" for line in lock).encode())
        _add(archive, sheet, sheet_file.read_bytes())
        if worked is not None:
            _add(archive, solutions, worked.read_bytes())
        for path in _files(package):
            if path.relative_to(package).parts[0] != "_bundled":
                _add(archive, f"vendor/grader/{path.relative_to(package).as_posix()}", path.read_bytes())
        for kind, folder in sorted(bundled.items()):
            for path in _files(folder):
                _add(archive, f"vendor/grader/_bundled/{kind}/{path.relative_to(folder).as_posix()}",
                     path.read_bytes())
    return buffer.getvalue()


def _named(sheet_file: Path, sheet_id: str) -> str:
    """How `grader template` names the sheet: a bundled one by id, a course's by its path in the course."""
    if sheet_file.resolve().parent == bundled_dir("exercises").resolve():
        return sheet_id
    return f"exercises/{sheet_file.name}" if sheet_file.parent.name == "exercises" else sheet_file.name


def _files(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")) and not name.startswith("."):
                yield Path(root) / name


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


# --- one submission's result ---------------------------------------------------------------------


def autograder_result(rows: Sequence[Row], max_total: float, found: int, uploaded: Sequence[str] = (),
                      worked: SolutionFile | None = None, sheet: Sheet | None = None) -> dict[str, object]:
    """results.json for one Gradescope submission. `rows`: its graded files (the one counted first);
    `found`: how many submission files there were; `uploaded`: the files the student uploaded, named
    when none of them is a submission file; `worked`: the sheet's worked solutions, shown under each
    part not answered right (with the student's variant written in). Plain text: no raw `$...$` LaTeX."""
    if not rows:
        shown = ", ".join(uploaded[:5]) + (f" and {len(uploaded) - 5} more" if len(uploaded) > 5 else "")
        return {"score": 0, "max_score": max_total, "output_format": "text", "tests": [],
                "output": (f"No answer file found: you uploaded {shown}, and answers are read only from a file "
                           f"ending in {', '.join(SUFFIXES)}. " if uploaded else "No submission file found. ")
                + "Upload one .yaml, .json or .ipynb file with your answers (`grader template` writes one to fill in)."}
    row = rows[0]
    extra = f"\n{found} submission files were uploaded; only {row.file} was graded." if found > 1 else ""
    if not row.readable:
        return {"score": 0, "max_score": max_total, "output_format": "text", "tests": [],
                "output": f"Your file {row.file} could not be read: {row.unreadable}{extra}"}
    notes = "".join(f"\nNote: {note}" for note in row.notes)
    if worked is not None and sheet is not None:
        worked = variants.fill_solutions(worked, variants.pick(sheet, row.seed) if row.seed is not None else sheet)
    return {
        "score": row.total, "max_score": row.max_total, "output_format": "text",
        "output": f"{num(row.total)} / {points(row.max_total)}.{variant_line(row)}{notes}{extra}",
        "tests": [{"name": a.address, "score": a.points, "max_score": a.max_points,
                   "status": "passed" if a.status == "correct" else "failed",
                   "output": answer_words(a, worked.for_part(a.address) if worked is not None else None)}
                  for a in row.answers],
    }


def uploaded_files(folder: Path) -> list[str]:
    """The files a student uploaded (paths under `folder`, sorted), hidden ones left out."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts))


def variant_line(row: Row) -> str:
    """`\nYour variant: leaky_relu: alpha=0.1`, for a randomised sheet; "" otherwise."""
    return f"\nYour variant: {row.variant_text}" if row.variant else ""


def plain_math(text: str) -> str:
    """`$u^{-1}$` -> `u⁻¹`: Gradescope shows LaTeX raw; the rest (`code` marks) stays as written."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: math_text(m[1]), text, flags=re.S)
    return re.sub(r"\$(.+?)\$", lambda m: math_text(m[1]), text).strip()


def solution_text(s: Solution) -> list[str]:
    """A worked solution as plain text lines (maths as unicode), for Gradescope and feedback files."""
    lines = [plain_math(s.intro), ""] if s.intro.strip() else []
    for step in s.steps:
        if step.say.strip():
            lines += [plain_math(step.say), ""]
        shown = [step.math] if step.math is not None else list(step.chain)
        # a chain is one equality over several lines: every line after the first says `=`
        lines += [f"    {'= ' if i and step.math is None else ''}{math_text(m.latex)}" for i, m in enumerate(shown)]
        if shown:
            lines.append("")
    if s.result is not None:
        lines += [f"Result: {math_text(s.result.latex)}"]
    return [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]


def answer_words(a: Answer, solution: Solution | None = None) -> str:
    """One answer's verdict and feedback as plain text (LaTeX made readable, no `$`), and the worked
    solution when it was not answered right."""
    lines = ["No answer."] if a.status == "missing" else \
        [f"{a.status}: {num(a.points)} / {points(a.max_points)}", f"Your answer: {a.text}"]
    if a.status == "missing":
        pass
    elif a.error and a.result is None and a.status == "invalid":
        lines.append(a.error)
    elif a.error:
        lines.append(f"Not graded automatically: {a.error}")
    elif a.result is not None:
        lines.append(plain_math(a.result.feedback))
    if solution is not None and a.status != "correct":
        lines += ["", "Worked solution:", *solution_text(solution)]
    return "\n".join(lines)
