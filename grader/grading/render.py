"""Results -> text for a terminal (rich styles, or none) and JSON. No printing here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from grader.grading.feedback import method_words
from grader.grading.results import Result
from grader.text.numbers import score
from grader.text.terminal import markdown_text

if TYPE_CHECKING:  # rich and solutions only when used: `grader check --json` starts ~40 ms sooner
    from rich.text import Text

    from grader.sheets.solutions import Solution

_STYLE = {"correct": "bold green", "incorrect": "bold red", "invalid": "bold yellow"}
MARKS = {"correct": "✓", "incorrect": "✗", "invalid": "!"}


def result_text(result: Result, words: str = "") -> Text:
    """The verdict for a terminal; rich drops the styles when colour is off. `words` say where and how
    a wrong answer differs (grader.grading.plots.words), after the feedback."""
    from rich.text import Text  # lazy: `grader check --json` never loads rich

    out = Text()
    out.append(f"{MARKS[result.status]} {result.status}", style=_STYLE[result.status])
    out.append(f"  {result.part}  {score(result.points, result.max_points)}\n")
    if result.parse_error is not None:
        out.append("\n" + _indent(result.parse_error.caret) + "\n\n")
        if result.pretty is not None:  # a derivation: the lines that were read
            out.append(_indent(result.pretty) + "\n\n")
    elif result.pretty is not None and not result.steps:
        out.append("\nYou entered:\n", style="bold")
        out.append(_indent(result.pretty) + "\n\n")
    shared = len({s.line for s in result.steps}) < len(result.steps)  # several steps on one line
    for number, step in enumerate(result.steps, start=1):
        mark, style = ("✓", "green") if step.ok else ("✗", "red")
        out.append(f"  {mark} ", style=style)
        where = f"step {number} (line {step.line})" if shared else f"line {step.line}"
        out.append(f"{where}: {step.interpreted}\n")
    if result.steps:
        out.append("\n")
    out.append(markdown_text(result.feedback) + "\n")
    if words:
        out.append(words + "\n")
    how = method_words(result.decided_by)
    # The detail says it concretely when there is one; the method's words are the fallback.
    out.append(f"\nDecided by: {result.decided_by}: {result.detail or how}\n", style="dim")
    return out


def to_json_line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def solution_json(solution: Solution | None) -> dict[str, Any] | None:
    """A worked solution as data: its steps' prose (Markdown) and mathematics (LaTeX)."""
    if solution is None:
        return None
    steps = [
        {"say": s.say, "math": s.math.latex if s.math else None, "chain": [m.latex for m in s.chain],
         "prose": s.prose}
        for s in solution.steps
    ]
    return {"part": solution.address, "title": solution.title, "steps": steps,
            "result": solution.result.latex if solution.result else None}


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)


def _indent(block: str, pad: str = "  ") -> str:
    return "\n".join(pad + line for line in block.splitlines())


