"""Randomised questions in batch grading: which variant each student answered.

A student's seed is the submission's `seed:` or, without one, a stable hash of the student id
(grader.sheets.variants.seed_for_student); each answer is graded against the variant that seed picks for
its question (the same variant `grader practice --seed N` and `grader check --seed N` show), and each
distinct (part, answer text, variant) is graded once. For a sheet without randomised questions every
index is 0 and no seed is recorded, so its reports are what they always were.
"""

from __future__ import annotations

from grader.batch.submissions import Submission
from grader.sheets.model import Sheet
from grader.sheets.variants import at, index_for, label, pick, seed_for_student, variant_count

Key = tuple[str, str, int]  # (part address, answer text, variant index of the part's question)


class Chooser:
    """Seeds and variant indices of the submissions of one batch (memoised: 10,000 students)."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.counts = {q.id: variant_count(q) for q in sheet.questions}
        self.randomised = sheet.randomised
        self._seeds: dict[tuple[str, int | None], int] = {}

    def seed(self, sub: Submission) -> int | None:
        """The seed a submission is graded with: its own `seed:`, else its student id's; None if not randomised."""
        if not self.randomised:
            return None
        key = (sub.student, sub.seed)
        if key not in self._seeds:
            self._seeds[key] = sub.seed if sub.seed is not None else seed_for_student(sub.student)
        return self._seeds[key]

    def index(self, sub: Submission, address: str) -> int:
        qid = address.split(".", 1)[0]
        count = self.counts.get(qid, 1)
        seed = self.seed(sub)
        return 0 if count <= 1 or seed is None else index_for(seed, self.sheet.id, qid, count)

    def label(self, address: str, index: int) -> str:
        """`beta=2`: variant `index` of the question of `address`."""
        question = next(q for q in self.sheet.questions if q.id == address.split(".", 1)[0])
        return label(at(question, index).values)

    def values(self, sub: Submission) -> dict[str, dict[str, str]]:
        """{question: {parameter: value}} of the randomised questions, as the grade files record them."""
        seed = self.seed(sub)
        if seed is None:
            return {}
        picked = pick(self.sheet, seed)
        return {q.id: {name: v.text for name, v in q.values} for q in picked.questions if self.counts[q.id] > 1}
