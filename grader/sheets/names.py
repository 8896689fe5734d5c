"""The names a sheet gives (variables, its functions and their aliases): each names one thing.

A name given twice, or one the notation already has (`sin`, `e`, `if`), is an error at the second
name, saying what the first one is. Question parameters and solution helpers are checked where they
are read (grader.sheets.variants, grader.verify.steps), against the same names.
"""

from __future__ import annotations

import yaml

from grader.parsing.names import CONSTANTS, FORBIDDEN, KEYWORDS, KNOWN_FUNCTIONS
from grader.sheets.yaml_nodes import Reader


def builtin(name: str) -> str | None:
    """What the notation already means by `name`, if anything."""
    if name in KNOWN_FUNCTIONS:
        return "a built-in function"
    if name in CONSTANTS:
        return "a constant"
    if name in KEYWORDS or name in FORBIDDEN:
        return "a reserved word"
    return None


class Names:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.given: dict[str, str] = {}  # name -> what it already names, e.g. "the variable `x`"

    def give(self, name: str | None, what: str, node: yaml.Node) -> None:
        """Record `name` as `what` (e.g. "a variable"), or report the clash at `node`."""
        if not name:  # not text: reported where it was read
            return
        first = self.given.get(name) or builtin(name)
        if first is not None:
            self.r.error(node, f"`{name}` cannot be {what}: it is already {first}", "give one of them another name")
            return
        self.given[name] = f"{what} (line {self.r.where(node).line})"
