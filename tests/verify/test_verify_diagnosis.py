"""`grader verify --diagnosis`: which written mistakes the automatic diagnosis finds by itself (issue 28)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app

SHEET = """id: chain
title: Chain
questions:
  - id: log
    statement: 'Let $f(x) = \\\\log(1 + x^2)$.'
    function: log(1 + x^2)
    parts:
      - id: a
        ask: 'Find $f''(x)$.'
        kind: expression
        answer: 2x/(1 + x^2)
        derivative: true
        mistakes:
          - {answer: 1/(1 + x^2), message: 'Where did the $2x$ go?'}
          - {answer: 3x/(1 + x^2), message: 'Count again.'}
"""


def test_written_mistakes_the_diagnosis_finds_are_noted_only_when_asked(tmp_path: Path) -> None:
    sheet = tmp_path / "chain-rule.yaml"
    sheet.write_text(SHEET, encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(app, ["verify", str(sheet)])
    assert plain.exit_code == 0 and "diagnosis finds" not in plain.stderr
    asked = runner.invoke(app, ["verify", str(sheet), "--diagnosis"])
    assert asked.exit_code == 0, asked.stderr
    notes = [line for line in asked.stderr.splitlines() if "diagnosis finds this mistake" in line]
    assert len(notes) == 1, asked.stderr
    assert notes[0].startswith(f"{sheet}:14:") and "The chain rule" in notes[0]  # the line of 1/(1 + x^2)
    github = runner.invoke(app, ["verify", str(sheet), "--diagnosis", "--format", "github"])
    assert github.exit_code == 0 and "::warning file=" in github.stdout
