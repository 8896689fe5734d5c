"""Numbers as people write them in feedback, tables and grade files."""

from __future__ import annotations


def num(value: float) -> str:
    """Points as people write them: 2, 1.5, 0.25 (at most 4 decimals, no trailing zeros)."""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points(value: float) -> str:
    """`1 point`, `0.5 points`, `2 points`."""
    return f"{num(value)} point{'' if value == 1 else 's'}"


def score(got: float, out_of: float) -> str:
    """`1/1 point`, `0/2 points`: the unit agrees with what the part is worth."""
    return f"{num(got)}/{points(out_of)}"


def plural(n: int, thing: str, things: str = "") -> str:
    """`1 student`, `2 students`, `0 students`; `things` where adding an s is wrong (`1 child`, `2 children`)."""
    return f"{n} {thing if n == 1 else (things or thing + 's')}"


def fixed(value: float | None) -> str:
    """A figure with two decimals, or — where it is undefined (the reports' and instructor page's tables)."""
    return "—" if value is None else f"{value:.2f}"
