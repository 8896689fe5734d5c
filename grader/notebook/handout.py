"""A student notebook for a sheet (`grader template SHEET --notebook`): the questions shown by the
sheet itself, a `gn.check` cell per part, the practice widget, and a hand-in section whose
`gn.answer` lines `grader grade` reads without running the notebook.

Written as nbformat 4 JSON by hand (no nbformat needed), with no outputs and cell ids from the cell's
place, so the same sheet always gives the same bytes.
"""

from __future__ import annotations

import json

from grader.grading.submission_file import PLACEHOLDER_STUDENT
from grader.sheets.model import Sheet

INTRO = """\
# {title}

Each question is shown below, typeset. Write your answer to a part between the quotes of its
`gn.check` cell and run the cell (Shift+Enter): it is graded at once, with the reason. Answers are
typed as in the terminal: `σ(x)(1-σ(x))`, `sigma(x)*(1-sigma(x))`, `e^-x/(1+e^-x)^2`, LaTeX such as
`\\frac{{4}}{{(e^x+e^{{-x}})^2}}` (in a raw string, `r"..."`: in a plain Python string `\\t` is a tab),
or `1 if x > 0 else 0`. A sympy expression works too.

`gn.hint("{first}")` gives a hint (one more each time), `gn.solution("{first}")` the worked solution.
At the end, the practice widget asks every part again, and the last section is what you hand in.

If `import grader.notebook` fails, run `%pip install 'grader[notebook]'` in a cell and restart the kernel."""

HAND_IN = """\
## Hand in

Write your final answers below, between the quotes. This notebook is graded by reading these lines
(it is not run): only the text between the quotes counts. `gn.check_all()` grades them as
`grader grade` will; `gn.save()` writes them as `answers.yaml`, if your course collects that file instead."""


def notebook_text(sheet: Sheet, ref: str, student: str | None = None) -> str:
    """The notebook for `sheet`, which its cells name as `ref` (a bundled id, or the file's path)."""
    who = student or PLACEHOLDER_STUDENT
    first = next(iter(sheet.parts), "")
    cells = [_markdown(INTRO.format(title=sheet.title, first=first)),
             _code(f"import grader.notebook as gn\n\n"
                   f"gn.use({_py(ref)}, student={_py(who)})  # your student id: it picks your values of a "
                   "randomised question")]
    for question in sheet.questions:
        cells.append(_code(f"gn.show({_py(question.id)})"))
        for part in question.parts:
            if part.kind == "derivation":
                cells.append(_code(f'gn.check({_py(part.address)}, r"""\n\n""")  # your derivation, one step a line'))
            else:
                cells.append(_code(f'gn.check({_py(part.address)}, r"")  # your answer between the quotes'))
    cells += [_markdown("## Practice\n\nThe whole sheet again, with a live preview as you type, three attempts "
                        "per part, hints and worked solutions. Your progress stays while the kernel runs."),
              _code(f"gn.practice({_py(ref)})"),
              _markdown(HAND_IN)]
    lines = [f'gn.answer({_py(a)}, r"""\n\n""")' if p.kind == "derivation" else f'gn.answer({_py(a)}, r"")'
             for a, p in sheet.parts.items()]
    cells += [_code("\n".join(lines)),
              _code("gn.check_all()  # your answers above, graded: what the course will see"),
              _code('gn.save("answers.yaml")')]
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{number:02d}"
    meta = {"grader": {"sheet": sheet.id},
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}}
    if student:
        meta["grader"]["student"] = student
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5},
                      indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _py(text: str) -> str:
    """A Python string literal for a name from the sheet or the command line."""
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid Python string literal


def _lines(source: str) -> list[str]:
    return source.splitlines(keepends=True)


def _markdown(source: str) -> dict[str, object]:
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(source)}


def _code(source: str) -> dict[str, object]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": _lines(source)}
