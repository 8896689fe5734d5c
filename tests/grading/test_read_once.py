"""The front ends that never show sympy's pretty print (batch workers, the class server's workers) do
not make it, and the class server's worker reads a student's answer once: grading, the wrong answer's
fingerprint, the "Read as" LaTeX and the plot share one parse (issue 27)."""

from __future__ import annotations

from typing import Any

import pytest

from grader import parsing, sheets
from grader.batch import worker
from grader.core import caches
from grader.sheets.bundled import bundled_dir
from grader.text import pretty as prettyprint

WRONG = "e^(-x)/(1+e^(-x))"  # sigmoid.a: wrong, no known mistake


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Texts read by the parser and expressions pretty-printed, from here on."""
    caches.clear()
    seen: dict[str, list[str]] = {"read": [], "pretty": []}
    read, pretty = parsing._guarded, prettyprint.pretty

    def counting_read(text: str, *args: Any, **kw: Any) -> Any:
        seen["read"].append(text)
        return read(text, *args, **kw)

    def counting_pretty(expr: Any) -> str:
        seen["pretty"].append(str(expr))
        return pretty(expr)

    monkeypatch.setattr(parsing, "_guarded", counting_read)
    monkeypatch.setattr(prettyprint, "pretty", counting_pretty)
    return seen


def test_the_class_server_reads_an_answer_once_and_prints_no_pretty_form(counted: dict[str, list[str]]) -> None:
    from grader.serve import work

    data = work.grade_answer(str(bundled_dir() / "activation-derivatives.yaml"), 0, "sigmoid.a", WRONG, 3.0)
    assert data["status"] == "incorrect" and data["fingerprint"] and data["read_latex"] and data["interpreted"]
    assert data["pretty"] is None
    assert counted["read"].count(WRONG) == 1
    assert counted["pretty"] == []


def test_a_batch_worker_prints_no_pretty_form(counted: dict[str, list[str]]) -> None:
    graded = worker.handle(sheets.load("activation-derivatives"), worker.GradeTask("sigmoid.a", WRONG), 3.0)
    assert isinstance(graded, worker.Graded) and graded.result.status == "incorrect" and graded.fingerprint
    assert graded.result.pretty is None and graded.result.interpreted == "exp(-x)/(1 + exp(-x))"
    assert counted["read"].count(WRONG) == 1
    assert counted["pretty"] == []
