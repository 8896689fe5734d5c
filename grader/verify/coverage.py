"""Which of a sheet's written `mistakes:` the automatic diagnosis (grader.grading.diagnosis) finds by
itself: said to the author as notes, never as problems. A written mistake is always matched first, so
a student never reads an automatic sentence in its place; the note shows both, for the author to choose.
"""

from __future__ import annotations

from grader.core import limits
from grader.core.errors import BudgetExceeded
from grader.grading.diagnosis import diagnose
from grader.parsing import symbol
from grader.sheets.model import Sheet
from grader.sheets.variants import scoped
from grader.verify.problems import Problem, at

SECONDS = 5.0  # per part: a note is a convenience, never a reason for verify to hang


def covered(sheet: Sheet) -> list[Problem]:
    """A note at each written mistake of a derivative part that the diagnosis names by itself."""
    notes: list[Problem] = []
    for part in sheet.parts.values():
        if not part.derivative or part.kind != "expression" or not part.mistakes:
            continue
        graded = scoped(sheet, part.address)
        variables = [symbol(v) for v in graded.variables]
        try:
            with limits.time_limit(SECONDS):
                for m in part.mistakes:
                    if isinstance(m.answer, str):
                        continue
                    said = diagnose(graded, part, graded.expand(m.answer.expr), variables)
                    if said is not None:
                        notes.append(at(m.where, f"`{part.address}`: the diagnosis finds this mistake by itself "
                                                 f"(\"{said}\"); keep your message, or delete the mistake to let "
                                                 f"students read that one"))
        except BudgetExceeded:
            continue
    return notes
