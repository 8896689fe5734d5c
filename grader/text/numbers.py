"""Numbers as people write them in feedback, tables and grade files."""

from __future__ import annotations


def num(value: float) -> str:
    """Points as people write them: 2, 1.5, 0.25 (at most 4 decimals, no trailing zeros)."""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
