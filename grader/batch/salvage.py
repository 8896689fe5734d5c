"""LaTeX in YAML and JSON submissions: answers an escape ate, and YAML that does not parse for the
two reasons students meet most (what to change, in words, and the rest read where that is safe).

- An escape that turned a LaTeX command into a control character (`"\\tanh"`: a tab and `anh`):
  `eaten` finds it, and the answer is refused with `eaten_reason`, shown as typed (`visible`).
- Tab indentation (YAML allows only spaces there). When every indented line is indented with tabs
  alone, each tab is one level: the file is read as if indented with two spaces a tab, and a note
  says so. A file that mixes tabs and spaces is not guessed at.
- A backslash in a double-quoted answer that is no YAML escape (`"\\sigma(x)"`). That one answer is
  not graded (it is `invalid`, with the reason and the fix: single quotes) and the file's other
  answers are: the line's value is replaced by a marker that the reader turns into a refused
  answer. Only a one-line `key: "..."` is replaced; anything else stays unreadable, with the words.

Nothing here guesses what a student meant by an answer: an answer is graded as written or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.text.escapes import example

MARK = "\u27e6unreadable-answer-{}\u27e7"  # ⟦unreadable-answer-N⟧: no student types this
MAX_REPAIRS = 50  # answers in one file; a file with more broken lines than this stays unreadable
_QUOTED_LINE = re.compile(r'^(?P<head>[ \t]*[^\s#"\'][^:#]*:[ \t]+)"(?P<body>(?:[^"\\]|\\.)*)"[ \t]*(?:#.*)?$')
_ESCAPE = re.compile(r'\\(?P<char>[^0abtnvfre "/\\N_LPxuU\t]|x(?![0-9A-Fa-f]{2})|u(?![0-9A-Fa-f]{4})'
                     r'|U(?![0-9A-Fa-f]{8}))')


@dataclass(frozen=True)
class Repair:
    note: str  # for the file's notes ("" when the refused answer says it all)
    marker: str = ""  # the text that stands for an answer that was not read
    raw: str = ""  # that answer as written in the file, quotes included
    reason: str = ""  # why it was not read, and what to write instead


def explain(text: str, line: int, column: int, problem: str) -> str:
    """Words for a YAML error at (0-based) line and column: what to change, or "" if not known."""
    lines = text.splitlines()
    here = lines[line] if 0 <= line < len(lines) else ""
    if "\t" in _indent(here) or "tab" in problem or here[column:column + 1] == "\t":
        return f"line {line + 1} is indented with a tab: indent with spaces (YAML allows no tabs there)"
    if _escape(problem):
        m = _ESCAPE.search(here)
        shown = f"`\\{m['char']}`" if m else "a backslash"
        return (f"line {line + 1}: {shown} in double quotes is a YAML escape, and not one YAML knows: use single "
                "quotes for LaTeX ('\\sigma(x)'), or a block (|-)")
    return ""


def repair(text: str, line: int, problem: str, count: int) -> tuple[str, Repair] | None:
    """The text with one problem repaired (the `count`th repair), and what was done; None if it cannot be."""
    lines = text.splitlines()
    here = lines[line] if 0 <= line < len(lines) else ""
    if "\t" in _indent(here) or "tab" in problem:
        return _untab(lines)
    if _escape(problem):
        m = _QUOTED_LINE.match(here)
        if m is None:
            return None
        marker = MARK.format(count)
        lines[line] = f"{m['head']}'{marker}'"
        reason = (f"This answer is in double quotes, where a backslash starts a YAML escape, and "
                  f"{_which(m['body'])} is none, so it could not be read: use single quotes for LaTeX "
                  "('\\sigma(x)') or a block (|-)")
        return "\n".join(lines) + "\n", Repair("", marker, f'"{m["body"]}"', reason)
    return None


def _untab(lines: list[str]) -> tuple[str, Repair] | None:
    indents = [_indent(line) for line in lines if line.strip()]
    if any(" " in i for i in indents if "\t" in i) or (any("\t" in i for i in indents)
                                                        and any(i.startswith(" ") for i in indents)):
        return None  # tabs and spaces mixed: which level a line is at would be a guess
    fixed = [("  " * len(_indent(line)) + line.lstrip("\t")) if line.strip() else line for line in lines]
    return "\n".join(fixed) + "\n", Repair("the file is indented with tabs: it was read as if indented with "
                                           "spaces, one level a tab; indent with spaces (YAML allows no tabs there)")


def _escape(problem: str) -> bool:
    """libyaml and PyYAML say it differently: `found unknown escape character`, `... hexdecimal number`."""
    return "escape" in problem or "hexdecimal" in problem or "hexadecimal" in problem


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def _which(body: str) -> str:
    m = _ESCAPE.search(body)
    return f"`\\{m['char']}`" if m else "one of them"


def eaten_reason(kind: str, text: str = "\t") -> str:
    """Why an answer was refused, with the example of the escape it holds (`\\frac` for a form feed)."""
    command, said = example(text)
    if kind == "notebook":
        return (f"This looks like a LaTeX command eaten by a Python string escape; write the answer as a raw string "
                f"(r\"\\{command}\"): in Python {said}")
    if kind == "JSON":
        return (f"This looks like a LaTeX command eaten by a JSON string escape; write each backslash twice "
                f"(`\\\\{command}`): in JSON {said}")
    return (f"This looks like a LaTeX command eaten by a YAML double-quoted string; use single quotes or a block "
            f"scalar (in double quotes {said})")
