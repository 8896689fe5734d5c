"""The README's `grader check` examples do what their comments say (graded through the library)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from grader import sheets
from grader.grading.grade import grade

README = Path(__file__).resolve().parents[2] / "README.md"
_MARKS = {"✓": "correct", "✗": "incorrect", "!": "invalid"}


def examples() -> list[tuple[str, str, str]]:
    """(part, answer, stated status) of every README line running `grader check` with a stated outcome."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.search(r"grader check (.*?)\s+#\s*([✓✗!])", line)
        if not m or "PART" in line:
            continue
        words = [w for w in shlex.split(m.group(1)) if w != "--" and not w.startswith("--")]
        part, answer = words[0], words[1]
        if answer == "-":
            piped = re.match(r"printf (.*?) \|", line)
            assert piped, line
            answer = shlex.split(piped.group(1))[0].replace("\\n", "\n")
        found.append((part, answer, _MARKS[m.group(2)]))
    return found


def test_readme_has_examples() -> None:
    assert len(examples()) >= 8


@pytest.mark.parametrize(("part", "answer", "status"), examples())
def test_readme_example(part: str, answer: str, status: str) -> None:
    assert grade(sheets.load("activation-derivatives"), part, answer).status == status
