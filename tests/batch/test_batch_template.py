"""`grader template` and the files `practice --save` writes: they read back exactly as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import sheets
from grader.batch.submissions import Submission, read
from grader.batch.template import answer_yaml, submission_text, template_text
from grader.cli import app


@pytest.mark.parametrize("sheet_id", ["activation-derivatives", "piecewise-activations", "smooth-activations"])
def test_a_template_lists_every_part_and_reads_as_an_empty_submission(tmp_path: Path, sheet_id: str) -> None:
    sheet = sheets.load(sheet_id)
    (tmp_path / "t.yaml").write_text(template_text(sheet, sheet.id, "s1"), encoding="utf-8")
    got = read(str(tmp_path / "t.yaml"))
    assert isinstance(got, Submission), got
    assert (got.student, got.sheet, got.answers, got.notes) == ("s1", sheet.id, {}, ())
    text = (tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert all(f"\n  {address}: " in text for address in sheet.parts)
    assert '"' not in text.split("answers:")[1].replace('"\\tanh"', "")  # no double-quoted values


TRICKY = ["\\tanh(x)", "\\frac{1}{2}\\beta", "it's", "'quoted'", "#not a comment", "a: b", "- 1", "x\ty",
          "e^x/(1+e^x)^2\n= σ(x)(1-σ(x))", "  line one\n\n  = line two  ", "yes", "~", "null", "0.50"]


@pytest.mark.parametrize("text", TRICKY)
def test_answers_read_back_as_typed(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.yaml").write_text(submission_text("s", "activation-derivatives", {"tanh.a": text}),
                                     encoding="utf-8")
    got = read(str(tmp_path / "a.yaml"))
    assert isinstance(got, Submission) and not got.refused
    text = text.replace("\t", " ")  # a tab before a letter would read as an eaten `\t`: written as a space
    expected = "\n".join(line.strip() for line in text.strip().splitlines()) if "\n" in text.strip() else text.strip()
    assert got.answers == {"tanh.a": expected}


def test_multi_line_answers_are_literal_blocks() -> None:
    assert answer_yaml("a\n= b") == "|-\n    a\n    = b"


def test_template_command_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    out = tmp_path / "t.yaml"
    first = CliRunner().invoke(app, ["template", "--student", "s1", "-o", str(out)])
    assert first.exit_code == 0 and out.exists()
    out.write_text("answers: {sigmoid.a: x}\n")
    again = CliRunner().invoke(app, ["template", "-o", str(out)])
    assert again.exit_code == 2 and "exists" in again.stderr
    assert out.read_text() == "answers: {sigmoid.a: x}\n"
