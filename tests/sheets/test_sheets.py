"""Sheets load into typed models; author mistakes are reported at file:line:col with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from grader import sheets
from grader.core.errors import SheetErrors, UsageError
from grader.parsing import sheet_function, symbol
from grader.sheets.model import ExpressionAnswer, Sheet

x = symbol("x")

MINIMAL = """\
id: demo
title: Demo
definitions:
  - name: sq
    params: [x]
    body: x^2
questions:
  - id: q
    statement: Differentiate $x^2$.
    parts:
      - id: a
        kind: expression
        answer: 2x
"""


def test_bundled_sheet_has_the_public_addresses(sheet: Sheet) -> None:
    assert list(sheet.parts) == [
        "sigmoid.a", "sigmoid.b", "tanh.a", "tanh.b", "relu.a",
        "relu.b.left", "relu.b.right", "relu.b.differentiable", "relu.b.at_zero",
    ]
    assert sheet.id == "activation-derivatives"
    assert [q.id for q in sheet.questions] == ["sigmoid", "tanh", "relu"]


def test_sheet_functions_are_data_and_expand(sheet: Sheet) -> None:
    sigma = sheet_function("sigma")
    assert sheet.expand(sigma(x)) == 1 / (1 + sympy.exp(-x))
    names = {d.name: d.aliases for d in sheet.definitions}
    assert "σ" in names["sigma"] and "sigmoid" in names["sigma"]


def test_source_statements_are_carried_over(sheet: Sheet) -> None:
    q = {q.id: q for q in sheet.questions}
    assert r"\sigma(x) = \frac{1}{1 + e^{-x}}" in q["sigmoid"].statement
    assert r"\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}" in q["tanh"].statement
    assert r"\text{ReLU}(x) = \begin{cases} 0, & x < 0, \\ x, & x \geq 0. \end{cases}" in q["relu"].statement
    assert "using the chain rule" in sheet.part("sigmoid.a").ask
    assert "using the quotient rule" in sheet.part("tanh.a").ask
    assert "deep learning practice" in q["relu"].group_asks["relu.b"]


def test_unknown_part_suggests(sheet: Sheet) -> None:
    with pytest.raises(UsageError) as info:
        sheet.part("sigmoid.c")
    assert "did you mean `sigmoid." in str(info.value)
    with pytest.raises(UsageError) as group:
        sheet.part("relu.b")
    assert "relu.b.left" in str(group.value)


def test_minimal_sheet_loads() -> None:
    s = sheets.load_text(MINIMAL, "demo.yaml")
    expects = s.part("q.a").expects
    assert isinstance(expects, ExpressionAnswer) and expects.answer.text
    assert s.expand(sheet_function("sq")(x + 1)) == (x + 1) ** 2


def _errors(text: str) -> list[str]:
    with pytest.raises(SheetErrors) as info:
        sheets.load_text(text, "bad.yaml")
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize(
    ("broken", "where", "words"),
    [
        (MINIMAL.replace("kind: expression", "kinds: expression"), "bad.yaml:12:9", "unknown key `kinds`"),
        (MINIMAL.replace("answer: 2x", "answer: 2x +"), "bad.yaml:13:21", "does not parse"),
        (MINIMAL.replace("answer: 2x", "answer: 2y"), "bad.yaml:13:18", "unknown name `y`"),
        (MINIMAL.replace("  - id: q\n", "  - idd: q\n"), "bad.yaml:8:5", "unknown key `idd`"),
        (MINIMAL.replace("title: Demo\n", ""), "bad.yaml:1:1", "missing the key `title`"),
        (MINIMAL.replace("kind: expression", "kind: essay"), "bad.yaml:12:15", "needs a `kind`"),
        (MINIMAL + "      - id: a\n        kind: expression\n        answer: x\n", "bad.yaml:14:13", "used twice"),
        (MINIMAL.replace("questions:", "questions: ["), "bad.yaml:", "not valid YAML"),
        (MINIMAL.replace("body: x^2", "body: x^^2"), "bad.yaml:6:", "does not parse"),
        (MINIMAL.replace("kind: expression\n        answer: 2x", "kind: number\n        answer: 1/2\n"
                         "        interval: [0, 1]"), "bad.yaml:14:19", "both an `answer` and an `interval`"),
    ],
)
def test_author_errors_are_located(broken: str, where: str, words: str) -> None:
    errors = _errors(broken)
    assert any(e.startswith(where) and words in e for e in errors), errors


def test_several_errors_reported_together() -> None:
    text = MINIMAL.replace("kind: expression", "kind: expression\n        colour: red")
    text = text.replace("title: Demo", "titel: Demo")
    errors = _errors(text)
    assert len(errors) >= 3  # unknown `colour`, unknown `titel` (did you mean), missing title
    assert any("did you mean `title`" in e for e in errors)


def test_load_by_path_and_by_id(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert sheets.load(str(path)).id == "demo"
    assert sheets.load(None).id == "activation-derivatives"
    with pytest.raises(UsageError):
        sheets.load("no-such-sheet")


def test_not_utf8_and_empty(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(SheetErrors) as info:
        sheets.load(str(binary))
    assert "not UTF-8" in str(info.value)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SheetErrors) as info2:
        sheets.load(str(empty))
    assert "empty" in str(info2.value)
