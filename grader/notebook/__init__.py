"""grader in a Jupyter notebook (JupyterLab, Notebook 7, Colab, VS Code): `import grader.notebook as gn`.

    gn.use("activation-derivatives", student="s1234")   # the sheet (a file or bundled id), its variants
    gn.show("sigmoid")                                   # a question (or group, part; the sheet without one)
    gn.check("sigmoid.a", "σ(x)(1-σ(x))")                # graded as `grader check` grades it, shown typeset
    gn.check("sigmoid.a", sympy_expression)              # a sympy expression, through the grader's printer
    gn.hint("sigmoid.a"); gn.solution("sigmoid.a")
    gn.answer("sigmoid.a", "σ(x)(1-σ(x))")               # recorded for gn.save, and read by `grader grade`
    gn.check_all()                                       # the recorded answers graded: what `grader grade` gives
    gn.save("answers.yaml")                              # the file `grader practice --save` writes
    gn.practice("activation-derivatives")                # a practice widget (pip install 'grader[notebook]')

What each output carries for which front end: grader.notebook.doc. A handed-in notebook is never run:
`grader grade` reads the string literals of its `gn.answer("part", "...")` calls and its cells tagged
`answer:PART` (grader.batch.notebooks).
"""

from grader.notebook.api import (
    Checked,
    NotebookError,
    answer,
    answers,
    check,
    check_all,
    hint,
    save,
    show,
    solution,
    use,
)
from grader.notebook.widget import practice

__all__ = ["Checked", "NotebookError", "answer", "answers", "check", "check_all", "hint", "practice", "save", "show",
           "solution", "use"]
