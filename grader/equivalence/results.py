"""The result types of the equivalence engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy

PolicyKind = Literal["between", "left", "right", "value", "undefined", "any"]
Verdict = Literal["equivalent", "different", "unknown"]


@dataclass(frozen=True)
class Counterexample:
    """A point where the answer is wrong, with both values as text."""

    point: tuple[tuple[str, str], ...]  # (("x", "1/2"),): variable name -> exact value as text
    expected: str  # reference value (~12 significant digits), "undefined", or what the kink policy allows
    got: str  # answer value, same format
    note: str = ""  # e.g. "just left of the kink at x = 0"


@dataclass(frozen=True)
class KinkPolicy:
    """What an answer may be AT a point where the reference jumps."""

    kind: PolicyKind = "between"
    value: sympy.Rational | None = None  # for kind == "value"

    def __post_init__(self) -> None:
        if self.kind not in ("between", "left", "right", "value", "undefined", "any"):
            raise ValueError(f"unknown kink policy {self.kind!r}")
        if self.kind == "value" and self.value is None:
            raise ValueError("kink policy 'value' needs a value")


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    method: str  # the layer that decided: "identical", "exp-rational", "symbolic", "numeric", ...
    detail: str  # one human sentence
    counterexample: Counterexample | None = None
    points: int = 0  # sample points evaluated
