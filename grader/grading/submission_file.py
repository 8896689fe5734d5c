"""A finished submission file: the answers given, as `grader practice --save` and the notebook's
`save` write them, and as grader.batch.submissions reads them back.

Answers are written so that the escape trap cannot happen: a one-line answer in single quotes (a
backslash is a backslash there: `\\tanh` stays `\\tanh`), a derivation as a literal block (`|-`);
never in double quotes, where YAML reads `\\t` as a tab.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

PLACEHOLDER_STUDENT = "your-student-id"


def write_submission(path: Path, text: str) -> None:
    """Write a submission file atomically (a reader never sees half of it); raises OSError."""
    fd, temp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def submission_text(student: str, sheet_id: str, answers: Mapping[str, str], seed: int | None = None,
                    title: str = "", ref: str | None = None, *, by: str = "grader practice --save") -> str:
    """A finished submission: the answers given, in the order given; `by` names what wrote it, `ref` is
    the sheet as printed commands name it (grader.batch.template.sheet_ref)."""
    lines = [f"# Answers to \"{_comment(title or sheet_id)}\" (sheet {sheet_id}), written by {by}.",
             f"# Grade it with: grader grade THIS-FILE --sheet {ref or sheet_id}",
             f"student: {quoted(student)}", f"sheet: {quoted(sheet_id)}"]
    if seed is not None:
        lines.append(f"seed: {seed}")
    lines.append("answers:" if answers else "answers: {}")
    for address, text in answers.items():
        lines.append(f"  {address}: {answer_yaml(text)}")
    return "\n".join(lines) + "\n"


def answer_yaml(text: str) -> str:
    """One answer as a YAML value that reads back as the same text (a block for several lines)."""
    text = "".join(c if c.isprintable() or c == "\n" else " " for c in text)
    if "\n" not in text.strip():
        return quoted(text.strip())
    body = [line.strip() for line in text.strip().splitlines()]
    return "|-\n" + "\n".join(f"    {line}" if line else "" for line in body)


def quoted(text: str) -> str:
    """A single-quoted YAML scalar: no escapes at all; a quote is doubled."""
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
