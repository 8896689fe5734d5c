"""A Gradescope autograder: the zip `grader gradescope SHEET -o autograder.zip` writes, and the
result it writes for one submission.

Gradescope builds an image from the zip (its files land in /autograder/source/, and it runs
setup.sh there once), then for each submission runs /autograder/source/run_autograder with the
student's files in /autograder/submission/ and reads /autograder/results/results.json. The zip
carries this package's own source and sheets (so the image grades exactly as this install does)
and the sheet file; setup.sh installs only the package's dependencies from PyPI.
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
from grader.text.numbers import num
from grader.text.terminal import math_text

ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same sheet and package give the same zip bytes

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image: install what grader needs.
set -euo pipefail
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
python3 -m pip install --no-cache-dir {requirements}
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: /autograder/submission/ in, /autograder/results/results.json out.
# AUTOGRADER_ROOT and GRADER_PYTHON exist for testing this outside Gradescope.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
export PYTHONPATH="$ROOT/source/vendor${{PYTHONPATH:+:$PYTHONPATH}}"
mkdir -p "$ROOT/results"
cd "$ROOT/submission" || exit 1  # file names in the feedback: `answers.yaml`, not a path in the container
exec "${{GRADER_PYTHON:-python3}}" -m grader autograde . --sheet "$ROOT/source/{sheet}" \\
    --results "$ROOT/results/results.json"
"""


def bundle(sheet_file: Path, package: Path, bundled: dict[str, Path], requirements: Sequence[str]) -> bytes:
    """The autograder zip: setup.sh, run_autograder, the sheet, and the package under vendor/.
    `package` is the grader package folder; `bundled` the folders of its bundled sheets and
    solutions (they ship inside the package as grader/_bundled/<kind>)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        quoted = " ".join("'" + r.replace("'", "") + "'" for r in requirements)
        _add(archive, "setup.sh", SETUP.format(requirements=quoted).encode(), executable=True)
        _add(archive, "run_autograder", RUN.format(sheet=f"sheet/{sheet_file.name}").encode(), executable=True)
        _add(archive, f"sheet/{sheet_file.name}", sheet_file.read_bytes())
        for path in _files(package):
            if path.relative_to(package).parts[0] != "_bundled":
                _add(archive, f"vendor/grader/{path.relative_to(package).as_posix()}", path.read_bytes())
        for kind, folder in sorted(bundled.items()):
            for path in _files(folder):
                _add(archive, f"vendor/grader/_bundled/{kind}/{path.relative_to(folder).as_posix()}",
                     path.read_bytes())
    return buffer.getvalue()


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


def autograder_result(rows: Sequence[Row], max_total: float, found: int) -> dict[str, object]:
    """results.json for one Gradescope submission. `rows`: its graded files (the one counted first);
    `found`: how many submission files there were. Plain text: no raw `$...$` LaTeX."""
    if not rows:
        return {"score": 0, "max_score": max_total, "output_format": "text", "tests": [],
                "output": "No submission file found. Upload one .yaml or .json file with your answers "
                          "(`grader template` writes one to fill in)."}
    row = rows[0]
    extra = f"\n{found} submission files were uploaded; only {row.file} was graded." if found > 1 else ""
    if not row.readable:
        return {"score": 0, "max_score": max_total, "output_format": "text", "tests": [],
                "output": f"Your file {row.file} could not be read: {row.unreadable}{extra}"}
    notes = "".join(f"\nNote: {note}" for note in row.notes)
    return {
        "score": row.total, "max_score": row.max_total, "output_format": "text",
        "output": f"{num(row.total)} / {num(row.max_total)} points.{variant_line(row)}{notes}{extra}",
        "tests": [{"name": a.address, "score": a.points, "max_score": a.max_points,
                   "status": "passed" if a.status == "correct" else "failed", "output": answer_words(a)}
                  for a in row.answers],
    }


def variant_line(row: Row) -> str:
    """`\nYour variant: leaky_relu: alpha=0.1`, for a randomised sheet; "" otherwise."""
    return f"\nYour variant: {row.variant_text}" if row.variant else ""


def plain_math(text: str) -> str:
    """`$u^{-1}$` -> `u⁻¹`: Gradescope shows LaTeX raw; the rest (`code` marks) stays as written."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: math_text(m[1]), text, flags=re.S)
    return re.sub(r"\$(.+?)\$", lambda m: math_text(m[1]), text).strip()


def answer_words(a: Answer) -> str:
    """One answer's verdict and feedback as plain text (LaTeX made readable, no `$`)."""
    if a.status == "missing":
        return "No answer."
    lines = [f"{a.status}: {num(a.points)} / {num(a.max_points)} points", f"Your answer: {a.text}"]
    if a.error and a.result is None and a.status == "invalid":
        lines.append(a.error)
    elif a.error:
        lines.append(f"Not graded automatically: {a.error}")
    elif a.result is not None:
        lines.append(plain_math(a.result.feedback))
    return "\n".join(lines)
