"""A Jupyter notebook handed in (`.ipynb`), read as a submission without running anything in it.

The answers are the string literals of its `gn.answer("part", "...")` calls (grader.notebook's
`answer`, under whatever name the notebook imported it), read with `ast`, and the text of its Markdown
or raw cells tagged `answer:PART`. A call whose answer is not a plain string literal is reported, not
evaluated: a submitted notebook is never executed, and its code is only parsed. The student id comes
from the notebook's metadata (`grader.student` or `student`), else a call's `student="..."`, else the
file name; the sheet from the metadata (`grader.sheet`) or a `gn.use("sheet")` call; the seed likewise.
When a part is answered more than once, the last answer in the notebook counts (as when it is run from
the top), and the notes say so.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

from grader.grading.submission_file import PLACEHOLDER_STUDENT

MAX_NOTEBOOK_BYTES = 20_000_000  # outputs (plots) make notebooks large; only the sources are read
MAX_CELLS = 5_000
TAG = "answer:"
MODULE = "grader.notebook"


class Unusable(Exception):
    """Why a file cannot be read as a notebook."""


@dataclass
class Found:
    """What a notebook says, as plain data for grader.batch.submissions."""

    student: str | None = None
    sheet: str | None = None
    seed: str | None = None
    answers: dict[str, str] = field(default_factory=dict)  # in notebook order; the last one given counts
    notes: list[str] = field(default_factory=list)


def read(data: bytes) -> Found:
    """The answers and ids of a notebook's bytes; raises Unusable with a reason an instructor can act on."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Unusable(f"the notebook is too large (more than {MAX_NOTEBOOK_BYTES // 1_000_000} MB)")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise Unusable(f"the notebook is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unusable(f"not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise Unusable("not a notebook: the JSON is nested too deeply") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        old = isinstance(nb, dict) and "worksheets" in nb
        fix = " (format 3: open and save it in a current Jupyter)" if old else ""
        raise Unusable(f"not a notebook: no list of `cells`{fix}")
    if len(nb["cells"]) > MAX_CELLS:
        raise Unusable(f"the notebook has more than {MAX_CELLS} cells")
    found = Found()
    meta = nb.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    ours = meta.get("grader")
    ours = ours if isinstance(ours, dict) else {}
    found.student = _text(ours.get("student")) or _text(meta.get("student"))
    found.sheet = _text(ours.get("sheet"))
    seed = ours.get("seed")
    found.seed = str(seed) if isinstance(seed, int) and not isinstance(seed, bool) else _text(seed)
    given: list[tuple[str, str, str]] = []  # (part, text, where)
    reader = _Calls(found)
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict):
            continue
        source = _source(cell.get("source"))
        kind = cell.get("cell_type")
        tags = _tags(cell)
        if tags and kind in ("markdown", "raw"):
            for part in tags:
                given.append((part, _markdown_answer(source) if kind == "markdown" else source.strip(),
                              f"cell {number} (tagged {TAG}{part})"))
        elif tags:
            found.notes.append(f"cell {number} is a {kind} cell tagged {TAG}{tags[0]}: only Markdown or raw cells "
                               "tagged so are read; put the answer in one, or in gn.answer(\"part\", \"...\")")
        if kind == "code":
            given += reader.answers(source, number)
    given = [g for g in given if g[1].strip()]  # the handout's blank `gn.answer("sp.a", r"")` is no answer
    counts: dict[str, int] = {}
    for part, answer, _ in given:
        counts[part] = counts.get(part, 0) + 1
        found.answers.pop(part, None)
        found.answers[part] = answer
    for part, n in counts.items():
        if n > 1:
            last = [where for p, _, where in given if p == part][-1]
            found.notes.append(f"`{part}` is answered {n} times; the last one counts ({last})")
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _source(value: object) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _tags(cell: dict[str, object]) -> list[str]:
    meta = cell.get("metadata")
    tags = meta.get("tags") if isinstance(meta, dict) else None
    if not isinstance(tags, list):
        return []
    return [t[len(TAG):].strip() for t in tags if isinstance(t, str) and t.startswith(TAG) and t[len(TAG):].strip()]


def _markdown_answer(source: str) -> str:
    """A Markdown cell's answer: its text, without the `$…$`/`$$…$$` around the whole of it."""
    text = source.strip()
    match = re.fullmatch(r"\$\$(.*)\$\$|\$(.*)\$", text, flags=re.S)
    return (match[1] if match[1] is not None else match[2]).strip() if match else text


# IPython syntax that is not Python: line magics (%pip), shell lines (!ls), help (x?); a cell magic
# (%%bash) makes the whole cell another language.
_NOT_PYTHON = re.compile(r"^\s*[%!]|^\s*\w[\w.]*\?{1,2}\s*$")


class _Calls:
    """The `gn.answer` and `gn.use` calls of code cells, found by name after the notebook's imports."""

    def __init__(self, found: Found) -> None:
        self.found = found
        self.modules: set[str] = set()  # names bound to grader.notebook (`gn`)
        self.functions: dict[str, str] = {}  # names bound to its functions (`answer` -> "answer")

    def answers(self, source: str, cell: int) -> list[tuple[str, str, str]]:
        if source.lstrip().startswith("%%"):
            return []
        lines = ["" if _NOT_PYTHON.match(line) else line for line in source.split("\n")]
        try:
            tree = ast.parse("\n".join(lines))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            if "answer" in source:  # the only cells whose loss could cost an answer
                where = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
                self.found.notes.append(f"cell {cell} is not Python{where}: any gn.answer in it was not read")
            return []
        out: list[tuple[str, str, str]] = []
        for node in ast.walk(tree):  # breadth first; sorted by position below
            self._imports(node)
        calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
        for call in calls:
            name = self._function(call.func)
            if name == "answer":
                got = self._answer(call, cell)
                if got is not None:
                    out.append(got)
            elif name == "use":
                self._use(call)
        return out

    def _imports(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == MODULE:
                    self.modules.add(alias.asname or MODULE)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if node.module == "grader" and alias.name == "notebook":
                    self.modules.add(alias.asname or "notebook")
                elif node.module == MODULE and alias.name in ("answer", "use"):
                    self.functions[alias.asname or alias.name] = alias.name

    def _function(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if isinstance(func, ast.Attribute) and func.attr in ("answer", "use") and _dotted(func.value) in self.modules:
            return func.attr
        return None

    def _answer(self, call: ast.Call, cell: int) -> tuple[str, str, str] | None:
        where = f"cell {cell}, line {call.lineno}"
        args = list(call.args) + [k.value for k in call.keywords if k.arg in ("part", "text")]
        part = _literal(args[0]) if args else None
        text = _literal(args[1]) if len(args) > 1 else None
        if part is None:
            self.found.notes.append(f"{where}: gn.answer without a part address in quotes was not read")
            return None
        if text is None:
            self.found.notes.append(f"{where}: the answer to `{part}` is not a string literal, so it was not read "
                                    "(a handed-in notebook is never run: write the answer between quotes)")
            return None
        student = next((_literal(k.value) for k in call.keywords if k.arg == "student"), None)
        if _an_id(student) and not _an_id(self.found.student):
            self.found.student = student
        return part, text, where

    def _use(self, call: ast.Call) -> None:
        sheet = _literal(call.args[0]) if call.args else None
        for k in call.keywords:
            if k.arg == "sheet":
                sheet = _literal(k.value)
            elif k.arg == "student" and _an_id(_literal(k.value)) and not _an_id(self.found.student):
                self.found.student = _literal(k.value)
            elif k.arg == "seed" and isinstance(k.value, ast.Constant) and type(k.value.value) is int:
                self.found.seed = self.found.seed or str(k.value.value)
        if sheet and not self.found.sheet and not _a_file(sheet):
            self.found.sheet = sheet


def _an_id(student: str | None) -> bool:
    """A student id, not nothing or the handout's placeholder (a later `student="..."` takes its place)."""
    return bool(student and student.strip() and student.strip().lower() != PLACEHOLDER_STUDENT)


def _a_file(spec: str) -> bool:
    """`gn.use("hw3.yaml")` names the sheet's file, where the student worked, not its id: the batch's
    --sheet decides (a submission's `sheet:` is an id)."""
    return spec.lower().endswith((".yaml", ".yml")) or "/" in spec or "\\" in spec


def _literal(node: ast.expr) -> str | None:
    """A plain string literal's text ("a" "b" is one); anything else (a name, an f-string, a call) is None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""
