"""Every command of the README's "Instructor workflow" runs, in order, as an instructor would."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"
PRACTICE_INPUT = "σ(x)(1-σ(x))\n:skip\n"  # sigmoid.a right, sigmoid.b skipped


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Instructor workflow", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("grader ")]


@pytest.mark.system  # runs every command of the section: several batches with worker processes
def test_every_instructor_workflow_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "submissions").mkdir()
    for name in ("alice.yaml", "bob.yaml", "carol.json", "kim.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / "submissions" / name)
    (tmp_path / "responses.csv").write_bytes(
        b'\xef\xbb\xbfTimestamp,Email,Q1,Q2\r\n1,a@x.edu,"\\sigma(x)(1-\\sigma(x))","1 - tanh(x)^2"\r\n')
    monkeypatch.chdir(tmp_path)
    commands = _commands()
    assert len(commands) == 7, commands
    for command in commands:
        args = shlex.split(command)[1:]
        result = CliRunner().invoke(app, args, input=PRACTICE_INPUT if args[0] == "practice" else None)
        assert result.exit_code == 0, (command, result.output)
    assert "student: 'your-student-id'" in (tmp_path / "blank.yaml").read_text(encoding="utf-8")
    assert "s1234,s1234.yaml,2," in (tmp_path / "check" / "grades.csv").read_text(encoding="utf-8")
    canvas = (tmp_path / "grades" / "canvas.csv").read_text(encoding="utf-8")
    assert [line.split(",")[0] for line in canvas.splitlines()[2:]] == ["alice", "bob", "carol", "kim"]
    assert (tmp_path / "form" / "moodle.csv").read_text(encoding="utf-8").splitlines()[1] == "a@x.edu,4"
    assert (tmp_path / "autograder.zip").stat().st_size > 10_000
    assert sorted(p.name for p in (tmp_path / "grades" / "feedback").iterdir()) == [
        "alice.md", "bob.md", "carol.md", "kim.md"]
    assert "No score or verdict changed." in (tmp_path / "regraded" / "changes.md").read_text(encoding="utf-8")
