"""What grading one answer produces: frozen data, turned into words by feedback/render."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["correct", "incorrect", "invalid"]


@dataclass(frozen=True)
class Point:
    """A place where two expressions were compared, with both values (decimal text or 'undefined')."""

    at: tuple[tuple[str, str], ...]
    expected: str
    got: str
    note: str = ""

    def where(self) -> str:
        return ", ".join(f"{name} = {value}" for name, value in self.at) or "this value"

    @staticmethod
    def from_json(data: object) -> Point | None:
        """A Point from a Result's `to_json` (`at` a mapping there), or None if the data is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("at"), dict):
            return None
        at, expected, got, note = data["at"], data.get("expected"), data.get("got"), data.get("note", "")
        if not all(isinstance(v, str) for v in (*at, *at.values(), expected, got, note)):
            return None
        return Point(tuple(at.items()), str(expected), str(got), str(note))


@dataclass(frozen=True)
class ParseProblem:
    """Why an answer could not be read, and where."""

    kind: str
    message: str
    offset: int
    end: int
    caret: str
    hint: str = ""


@dataclass(frozen=True)
class Step:
    """One line of a derivation and whether it follows from the line before it."""

    line: int  # 1-based line number in the answer
    text: str
    interpreted: str
    ok: bool
    decided_by: str
    counterexample: Point | None = None


@dataclass(frozen=True)
class Result:
    part: str
    status: Status
    score: float  # 0..1
    points: float  # score times the part's points
    max_points: float
    feedback: str
    interpreted: str | None  # the answer as understood, as text (one line)
    pretty: str | None  # the same, as sympy's unicode pretty print (None if graded with pretty=False)
    decided_by: str  # which check decided: "exp-rational", "numeric", "mistake", "parse", ...
    detail: str = ""  # how, in one sentence
    counterexample: Point | None = None
    mistake: str | None = None  # the known mistake this answer matched, if any
    parse_error: ParseProblem | None = None
    steps: tuple[Step, ...] = ()
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 4)
        if self.counterexample is not None:
            data["counterexample"]["at"] = dict(self.counterexample.at)
        for step, raw in zip(self.steps, data["steps"], strict=True):
            if step.counterexample is not None:
                raw["counterexample"]["at"] = dict(step.counterexample.at)
        return data
