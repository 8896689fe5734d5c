"""Batch grading on the backprop sheet: answers in several variables, in plain, unicode (with a ∂
label) and LaTeX notation, graded as `grader check` grades them."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.grade import grade_paths

pytestmark = pytest.mark.system  # grades with batch's worker pool: forks its worker processes

SUBMISSION = """\
student: ana
sheet: backprop
answers:
  neuron.a: 'x σ(wx+b)(1-σ(wx+b))'
  neuron.b: '∂a/∂x = w·σ(wx+b)·(1−σ(wx+b))'
  neuron.c: '\\sigma(wx+b)\\left(1-\\sigma(wx+b)\\right)'
  softmax.b: 'softmax1(u,z)*softmax2(u,z)'
"""


def test_a_backprop_submission_is_graded_per_part(tmp_path: Path) -> None:
    (tmp_path / "ana.yaml").write_text(SUBMISSION, encoding="utf-8")
    batch = grade_paths([str(tmp_path)], jobs=1)
    (row,) = batch.rows
    status = {a.address: a.status for a in row.answers}
    assert status["neuron.a"] == status["neuron.b"] == status["neuron.c"] == "correct"
    assert status["softmax.b"] == "incorrect"  # the sign of the i != j entry, a known mistake
    assert status["layers.a"] == "missing"
    assert row.total == 3
