"""Texts students read (statements, asks, hints, mistake messages, worked-solution prose) are Markdown
with `$...$` math: an unpaired `$` shows the student raw LaTeX and the rest of the text as math.

Read from the file's YAML nodes, so each problem is at the line and column of the `$` left open.
"""

from __future__ import annotations

import re

import yaml

from grader.core.errors import SheetError
from grader.sheets.yaml_nodes import Reader, compose
from grader.verify.problems import Problem

PROSE_KEYS = frozenset({"title", "statement", "ask", "hints", "message", "correct_feedback", "about", "say",
                        "intro"})
_DOLLAR = re.compile(r"\$\$|(?<!\\)\$")  # `$$` opens or closes a display; `\$` is a dollar sign


def prose_problems(path: str, text: str) -> list[Problem]:
    """An unpaired `$` in any text under a prose key; nothing when the file is not YAML (its loading says so)."""
    try:
        root = compose(path, text)
    except SheetError:
        return []
    reader = Reader(path, text)
    return [p for key, node in _prose(root) for p in _unpaired(reader, key, node)]


def _prose(node: yaml.Node) -> list[tuple[str, yaml.ScalarNode]]:
    out: list[tuple[str, yaml.ScalarNode]] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else ""
            if key in PROSE_KEYS and isinstance(v, yaml.ScalarNode):
                out.append((key, v))
            elif key in PROSE_KEYS and isinstance(v, yaml.SequenceNode):
                out += [(key, s) for s in v.value if isinstance(s, yaml.ScalarNode)]
            else:
                out += _prose(v)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            out += _prose(v)
    return out


def _unpaired(reader: Reader, key: str, node: yaml.ScalarNode) -> list[Problem]:
    value = node.value if isinstance(node.value, str) else ""
    opened: dict[str, int] = {}  # delimiter -> offset of the one left open
    for m in _DOLLAR.finditer(value):
        mark = m.group()
        if opened and mark not in opened:
            continue  # a `$` inside `$$...$$` (or the reverse) is text
        if mark in opened:
            del opened[mark]
        else:
            opened[mark] = m.start()
    if not opened:
        return []
    mark, offset = next(iter(opened.items()))
    w = reader.where_in_scalar(node, offset)
    shown = value[offset:offset + 40].replace("\n", " ")
    return [Problem(w.path, w.line, w.col, f"this `{key}` text opens math with `{mark}` and never closes it: "
                                           f"`{shown}` (close it with `{mark}`, or write `\\{mark[0]}` for a "
                                           f"dollar sign)")]
