"""What a practice session keeps: how each part went, and how the session ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RecordStatus = Literal["correct", "incorrect", "solution", "skipped", "unfinished", "not reached"]
Ending = Literal["finished", "quit", "eof", "interrupt"]


@dataclass
class Record:
    """How one part went."""

    address: str
    max_points: float
    points: float = 0.0
    status: RecordStatus = "not reached"
    attempts: int = 0
    hints: int = 0


@dataclass
class Summary:
    records: list[Record]
    ended: Ending

    @property
    def points(self) -> float:
        return sum(r.points for r in self.records)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.records)
