"""What grading a batch produces: frozen data that the report writers turn into files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from grader.grading.results import Result
from grader.sheets.model import Sheet
from grader.sheets.solutions import SolutionFile

AnswerStatus = Literal["correct", "incorrect", "invalid", "error", "missing"]
STATUSES: tuple[AnswerStatus, ...] = ("correct", "incorrect", "invalid", "error", "missing")


@dataclass(frozen=True)
class Answer:
    """One student's answer to one part. `error` says why the grader could not grade it."""

    address: str
    status: AnswerStatus
    points: float
    max_points: float
    text: str | None = None  # None when missing
    result: Result | None = None  # None when missing, or when its worker failed
    error: str = ""
    variant: int = 0  # of the part's question (randomised sheets; grader.batch.variants)


@dataclass(frozen=True)
class Row:
    """One submission file: its answers in sheet order, or the reason it could not be read."""

    student: str
    file: str
    answers: tuple[Answer, ...]
    max_total: float
    unreadable: str = ""
    seed: int | None = None  # randomised sheets: the seed its variants came from
    variant: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # question -> parameter -> value
    notes: tuple[str, ...] = ()  # reported and ignored (an unknown key) or fixed (a key's case)
    modified: float = 0.0  # the file's modification time (for `--duplicates latest`) ...
    submitted: float | None = None  # ... unless the submission says when it was handed in
    when: str = ""  # that time as written and where it was read: "2026-12-07 09:15 (column `Timestamp`)"
    named_by: str = "student"  # the id came from `student:`, or from the file name: "file", "placeholder"
    foreign: bool = False  # unreadable because it answers another sheet: never counted over a student's other file

    @property
    def readable(self) -> bool:
        return not self.unreadable

    @property
    def total(self) -> float:
        return round(sum(a.points for a in self.answers), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.max_total if self.max_total else 100.0

    @property
    def variant_text(self) -> str:
        """`elu: alpha=2; leaky_relu: alpha=0.1`: the variants this row answered ("" if not randomised)."""
        return "; ".join(f"{q}: " + ", ".join(f"{n}={v}" for n, v in values.items())
                         for q, values in self.variant.items())

    def variant_of(self, address: str) -> str:
        """`alpha=0.1`: the variant this row answered of the question of `address` ("" if not randomised)."""
        values = self.variant.get(address.split(".", 1)[0], {})
        return ", ".join(f"{name}={value}" for name, value in values.items())

    @property
    def status(self) -> str:
        """`ok`, or what needs a look, joined by `; `: `invalid: <parts>`, `grading error: <parts>`,
        `missing: <parts>` and the notes; or `unreadable: <reason>`."""
        if self.unreadable:
            return f"unreadable: {self.unreadable}"
        words = []
        for status, label in (("invalid", "invalid"), ("error", "grading error"), ("missing", "missing")):
            parts = [a.address for a in self.answers if a.status == status]
            if parts:
                words.append(f"{label}: {', '.join(parts)}")
        return "; ".join(words + list(self.notes)) or "ok"


@dataclass(frozen=True)
class WrongGroup:
    """Wrong answers to one part that are the same function, however they were written."""

    forms: tuple[tuple[str, int], ...]  # (answer text, how many students), most common first
    mistake: str  # the sheet's message for the known mistake it matches, or ""
    why: str  # the grader's feedback to the most common form
    variant: str = ""  # randomised question: the variant they answered (`alpha=0.1`); "" otherwise
    diagnosed: bool = False  # `mistake` is the grader's diagnosis (grading.diagnosis), not the sheet's `mistakes:`

    @property
    def mistake_label(self) -> str:
        """What `mistake` is, in words the reports share: the sheet's, or the grader's own finding."""
        return "Diagnosed (one broken differentiation rule, proven)" if self.diagnosed else \
            "Known mistake (the sheet's `mistakes:`)"

    @property
    def count(self) -> int:
        return sum(n for _, n in self.forms)


@dataclass(frozen=True)
class UnreadableAnswer:
    """An answer to one part that could not be read, how many typed it, and why."""

    text: str
    count: int
    why: str


@dataclass(frozen=True)
class PartSummary:
    address: str
    points: float
    counts: Mapping[str, int]  # by AnswerStatus, over readable submissions
    mean: float  # mean points over readable submissions (a missing answer counts 0)
    wrong: tuple[WrongGroup, ...]  # most common first
    unreadable: tuple[UnreadableAnswer, ...]  # invalid answers by exact text, most common first


@dataclass(frozen=True)
class Batch:
    sheet_id: str
    sheet_title: str
    parts: tuple[tuple[str, float], ...]  # (address, points) in sheet order
    rows: tuple[Row, ...]  # sorted by student, then file
    summaries: tuple[PartSummary, ...]
    distinct_answers: int  # each distinct (part, answer text) was graded once
    warnings: tuple[str, ...]
    sheet: Sheet | None = field(default=None, compare=False, repr=False)  # for the worked solutions
    sheet_source: str = ""  # the course file the sheet was found in by its id (`exercises/hw3.yaml`), else ""
    dropped: Mapping[str, str] = field(default_factory=dict)  # --duplicates latest/best: file not counted -> the one
    worked: SolutionFile | None = field(default=None, compare=False, repr=False)  # the sheet's worked solutions
    # Randomised questions: (part, wrong answer text) -> the other variants it is right for (`alpha=2`)
    right_elsewhere: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @property
    def max_total(self) -> float:
        return round(sum(p for _, p in self.parts), 6)

    def right_for(self, address: str, group: WrongGroup) -> tuple[str, ...]:
        """The other variants a wrong-answer group's answers are right for (`alpha=2`), in order."""
        found = {label for text, _ in group.forms for label in self.right_elsewhere.get((address, text), ())}
        return tuple(sorted(found - {group.variant}))

    @property
    def unreadable(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.readable)

    @property
    def randomised(self) -> bool:
        """The sheet has randomised questions: grade files record each submission's seed and variant."""
        return any(r.seed is not None for r in self.rows)

    @property
    def graded(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.readable)

    @property
    def counted(self) -> tuple[Row, ...]:
        """The graded rows that count: one per student (a student's other files are not counted)."""
        return tuple(r for r in self.graded if r.file not in self.dropped)
