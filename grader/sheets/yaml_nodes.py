"""Reading YAML while keeping where every value came from, so authors get file:line:col errors."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import yaml

from grader.core.errors import SheetError

T = TypeVar("T")


@dataclass(frozen=True)
class Where:
    """A place in a file (1-based line and column)."""

    path: str
    line: int
    col: int


class Reader:
    """Turns composed YAML nodes into values, collecting errors instead of stopping at the first."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.errors: list[SheetError] = []

    # --- locations ---------------------------------------------------------------------------

    def where(self, node: yaml.Node) -> Where:
        return Where(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def where_in_scalar(self, node: yaml.ScalarNode, offset: int) -> Where:
        """The place of character `offset` of a scalar's value, as exactly as the style allows."""
        line, col = node.start_mark.line, node.start_mark.column
        if node.style in ("|", ">"):
            before = node.value[:offset]
            line += 1 + before.count("\n")
            src = self.lines[line] if line < len(self.lines) else ""
            indent = len(src) - len(src.lstrip(" "))
            return Where(self.path, line + 1, indent + len(before.rsplit("\n", 1)[-1]) + 1)
        if node.style in ("'", '"'):
            col += 1
        if "\n" in node.value[:offset] or node.start_mark.line != node.end_mark.line:
            return Where(self.path, line + 1, col + 1)
        return Where(self.path, line + 1, col + offset + 1)

    def error(self, at: Where | yaml.Node, problem: str, fix: str = "") -> None:
        w = at if isinstance(at, Where) else self.where(at)
        self.errors.append(SheetError(w.path, w.line, w.col, problem, fix))

    # --- shapes ------------------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...] | None, required: tuple[str, ...] = ()
    ) -> dict[str, yaml.Node] | None:
        """A mapping's keys to value nodes; unknown (unless `allowed` is None: any key), duplicate
        and missing keys are reported."""
        if not isinstance(node, yaml.MappingNode):
            expected = f"expected keys: {', '.join(allowed)}" if allowed else ""
            self.error(node, f"{what} must be a mapping of keys to values", expected)
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, f"{what} has a key that is not text")
                continue
            if allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                fix = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}"
                self.error(key_node, f"unknown key `{key}` in {what}", fix)
                continue
            if key in out:
                self.error(key_node, f"key `{key}` appears twice in {what}", "keep one of them")
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.error(node, f"{what} is missing the key `{key}`", f"add `{key}: ...`")
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.error(node, f"{what} must be a list", "write it as `- item` lines or `[a, b]`")
        return []

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(node, f"{what} must be text")
            return None
        value = str(node.value)
        if not allow_empty and not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value

    def number(self, node: yaml.Node, what: str) -> float | None:
        value = self.text(node, what)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            self.error(node, f"{what} must be a number, not `{value}`")
            return None

    def integer(self, node: yaml.Node, what: str) -> int | None:
        value = self.text(node, what)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.error(node, f"{what} must be a whole number, not `{value}`")
            return None

    def each(self, node: yaml.Node | None, what: str, item: Callable[[yaml.Node], T | None]) -> Iterator[T]:
        if node is None:
            return
        for child in self.sequence(node, what):
            value = item(child)
            if value is not None:
                yield value


# libyaml when present: the same nodes and positions, about 10x faster than the pure-Python loader.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(path: str, text: str) -> yaml.Node:
    """Compose YAML into nodes; a syntax error becomes a SheetError at its place."""
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:  # say it in PyYAML's own words and places, as authors have always been told
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SheetError(path, line, col, f"this is not valid YAML: {exc.problem or exc.context}",
                         "check indentation and quoting; values containing `: ` or starting with `{`, `[`, `'` "
                         "or `*` need quotes") from None
    except yaml.YAMLError as exc:
        raise SheetError(path, 1, 1, f"this is not valid YAML: {exc}") from None
    if node is None:
        raise SheetError(path, 1, 1, "the file is empty", "a sheet needs `id`, `title` and `questions`")
    return node
