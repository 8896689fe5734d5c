"""A practice session on the backprop sheet: several variables, `wx` read as w·x, a ∂ label."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from grader import sheets
from grader.practice.session import Session


def test_a_session_on_the_neuron_question() -> None:
    sheet = sheets.load("backprop")
    lines = iter(["σ(wx+b)(1-σ(wx+b))", "x σ(wx+b)(1-σ(wx+b))", "∂a/∂x = w σ(wx+b)(1-σ(wx+b))",
                  "\\sigma(wx+b)(1-\\sigma(wx+b))"])
    out = Console(file=io.StringIO(), no_color=True, width=100, highlight=False)

    def read_line(prompt: str) -> str:
        line = next(lines, None)
        if line is None:
            raise EOFError
        return line

    def show(renderable: RenderableType) -> None:
        out.print(renderable)

    summary = Session(sheet, read_line, show, only=["neuron"]).run()
    records = {r.address: (r.status, r.attempts) for r in summary.records}
    assert records == {"neuron.a": ("correct", 2), "neuron.b": ("correct", 1), "neuron.c": ("correct", 1)}
    assert isinstance(out.file, io.StringIO)
    assert "chain factor" in out.file.getvalue()  # the first try missed x: its known mistake's message
