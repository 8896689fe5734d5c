"""Finding submission files and reading them into plain data, or a reason why a file cannot be read.

A submission is YAML or JSON: `student` (default: the file name without its extension), optional
`sheet` (a sheet id), optional `seed` (which variants of randomised questions it answers), optional
`submitted` (when it was handed in: `--duplicates latest` keeps the latest) and `answers` (part
address -> answer text). Nothing here raises for the
contents of a file: every problem becomes an `Unreadable` with a reason an instructor can act on.
Nothing here evaluates an answer (no sympy); a batch runs `read` in its worker processes.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Literal

import yaml

from grader.batch import notebooks, salvage, times
from grader.batch.salvage import Repair, eaten_reason
from grader.core.errors import UsageError
from grader.grading.submission_file import PLACEHOLDER_STUDENT  # `student:` until a student fills it in
from grader.text.escapes import eaten, visible

SUFFIXES = (".yaml", ".yml", ".json", ".ipynb")  # what a folder is searched for
MAX_FILE_BYTES = 1_000_000  # a submission is a few kB; this bounds what one hostile file can cost
MAX_STUDENT_CHARS = 200
MAX_VALUES = 10_000  # YAML aliases can multiply values; refuse rather than expand them
KEYS = ("student", "sheet", "seed", "submitted", "answers")
MAX_SEED = 10**18

_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Submission:
    file: str  # the path as shown in reports (as given on the command line, joined with / )
    student: str
    sheet: str | None
    answers: dict[str, str]  # part address -> non-blank answer text, in file order
    seed: int | None = None  # the variants it answers; None: the student id's (grader.batch.variants)
    notes: tuple[str, ...] = ()  # what was reported and ignored (an unknown key), or fixed (a key's case)
    refused: tuple[tuple[str, str, str], ...] = ()  # (address, answer as typed, why it is not graded)
    modified: float = 0.0  # the file's modification time: `--duplicates latest` keeps the newest ...
    submitted: float | None = None  # ... unless the submission says when it was handed in (`submitted:`, a CSV column)
    when: str = ""  # that time as written, and where: "2026-12-07 09:15 (`submitted:`)"
    named_by: Literal["student", "file", "placeholder"] = "student"  # where the id came from (see _student)


@dataclass(frozen=True)
class Unreadable:
    file: str
    student: str  # from the file if it could be read that far, else the file name
    reason: str
    modified: float = 0.0
    foreign: bool = False  # it answers another sheet than the batch grades: never a student's file that counts


class _Pairs(list[tuple[str, object]]):
    """A mapping as read, keeping its order and any repeated keys (dicts would hide them)."""


class _Bad(Exception):
    """A reason a file is unreadable; raised while reading, caught in `read`."""

    def __init__(self, reason: str, student: str | None = None) -> None:
        super().__init__(reason)
        self.student = student


# --- finding files -------------------------------------------------------------------------------


def find(paths: Sequence[str], skip: Sequence[str] = ()) -> list[str]:
    """The submission files named by `paths`: files as given, folders searched recursively.

    Hidden files and folders are skipped, and so are the folders in `skip` (the report folder: its
    JSON files are not submissions); each file appears once, in sorted order per argument.
    Raises UsageError for a path that does not exist or when no submission file is found.
    """
    found: list[str] = []
    seen: set[str] = set()
    skipped = {os.path.realpath(folder) for folder in skip}
    for spec in paths:
        path = Path(spec)
        if not path.exists():
            raise UsageError(f"no such file or folder: `{spec}`")
        candidates = [path.as_posix()] if not path.is_dir() else sorted(_walk(path, skipped))
        for candidate in candidates:
            # One walk lists each file once; only overlapping arguments need the (slower) real path.
            key = os.path.realpath(candidate) if len(paths) > 1 else candidate
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    if not found:
        shown = ", ".join(f"`{p}`" for p in paths)
        raise UsageError(f"no submission files in {shown}", f"submissions end in {', '.join(SUFFIXES)}")
    return found


def _walk(folder: Path, skipped: set[str]) -> Iterator[str]:
    """Submission files under `folder` as posix paths ("./a/b.yaml" shown as "a/b.yaml")."""
    if os.path.realpath(folder) in skipped:
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) not in skipped]
        prefix = Path(root).as_posix()  # once per folder: a Path per file costs seconds at 10,000 files
        prefix = "" if prefix == "." else prefix + "/"
        for name in files:
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                yield prefix + name


def default_student(file: str) -> str:
    return PurePath(file).stem or PurePath(file).name


# --- reading one file ----------------------------------------------------------------------------


def read(file: str) -> Submission | Unreadable:
    """Read one submission; any problem with the file becomes an Unreadable with its reason."""
    shown = shown_path(file)
    student = default_student(shown)
    modified = _modified(file)
    try:
        if file.lower().endswith(".ipynb"):
            return replace(_notebook(shown, file), modified=modified)
        text = _text(file)
        is_json = file.lower().endswith(".json")
        value, repairs = (_json(text), ()) if is_json else _yaml(text)
        return replace(_submission(shown, value, "JSON" if is_json else "YAML", repairs), modified=modified)
    except _Bad as bad:
        return Unreadable(shown, bad.student or student, str(bad), modified)


def _notebook(shown: str, file: str) -> Submission:
    """A handed-in notebook: its sources read (grader.batch.notebooks), never run."""
    try:
        with open(file, "rb") as handle:
            found = notebooks.read(handle.read(notebooks.MAX_NOTEBOOK_BYTES + 1))
    except OSError as exc:
        raise _Bad(f"cannot read the file: {exc.strerror or exc}") from None
    except notebooks.Unusable as exc:
        raise _Bad(str(exc)) from None
    pairs = _Pairs([(k, v) for k, v in (("student", found.student), ("sheet", found.sheet), ("seed", found.seed))
                    if v is not None])
    pairs.append(("answers", _Pairs(found.answers.items())))
    sub = _submission(shown, pairs, "notebook")
    return replace(sub, notes=sub.notes + tuple(found.notes))


def _modified(file: str) -> float:
    try:
        return os.stat(file).st_mtime
    except OSError:
        return 0.0


def shown_path(file: str) -> str:
    """The path for reports and the terminal: bytes that are not UTF-8 (Linux allows any) and
    control characters (an escape sequence in a file name) become U+FFFD."""
    text = file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def _text(file: str) -> str:
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _Bad(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _Bad(f"the file is too large (more than {MAX_FILE_BYTES // 1000} kB); a submission is a few kB")
    if not data.strip():
        raise _Bad("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Bad("the file is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise _Bad("the file is binary (it contains NUL bytes), not a YAML or JSON submission")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise _Bad(f"the file is not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}); save it as UTF-8") from None
    return text.removeprefix("\ufeff")


def _yaml(text: str) -> tuple[object, tuple[Repair, ...]]:
    """The file's YAML as plain values, and what was repaired to read it (grader.batch.salvage): a file
    indented with tabs, or an answer whose double quotes hold a backslash that is no escape, is read
    with that answer refused; any other error makes the file unreadable, in words where there are some."""
    repairs: list[Repair] = []
    while True:
        try:
            node = yaml.compose(text, Loader=_YamlLoader)  # nodes only: no tags are constructed
            break
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = str(exc.problem or exc.context)
            if mark is None:
                raise _Bad(f"invalid YAML: {problem}") from None
            repaired = salvage.repair(text, mark.line, problem, len(repairs))
            if repaired is None or repaired[0] == text or len(repairs) >= salvage.MAX_REPAIRS:
                words = salvage.explain(text, mark.line, mark.column, problem)
                column = "" if repairs else f", column {mark.column + 1}"  # repairs keep lines, not columns
                raise _Bad(f"invalid YAML at line {mark.line + 1}{column}: {words or problem}") from None
            text, done = repaired
            repairs.append(done)
        except (yaml.YAMLError, RecursionError) as exc:
            raise _Bad(f"invalid YAML: {_short(str(exc)) or type(exc).__name__}") from None
    if node is None:
        raise _Bad("the file is empty (only comments)")
    return _plain(node, depth=0, budget=[MAX_VALUES]), tuple(repairs)


def _plain(node: yaml.Node, depth: int, budget: list[int]) -> object:
    """YAML nodes -> str | None | list | _Pairs, keeping scalars as written (`no` stays "no")."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 4:  # a submission is at most 3 levels deep; aliases can loop
        raise _Bad("wrong shape: the file is nested too deeply or repeats too many values")
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL_TAG else str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, depth + 1, budget) for item in node.value]
    assert isinstance(node, yaml.MappingNode)
    pairs = _Pairs()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Bad(f"wrong shape: a key at line {key_node.start_mark.line + 1} is not a plain name")
        pairs.append((str(key_node.value), _plain(value_node, depth + 1, budget)))
    return pairs


def _json(text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_Pairs, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        words = (": a backslash in a JSON string starts an escape, so LaTeX needs each one twice (\"\\\\sigma(x)\")"
                 if exc.msg.startswith("Invalid \\escape") else "")
        raise _Bad(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{words}") from None
    except RecursionError:
        raise _Bad("wrong shape: the file is nested too deeply") from None


# --- the shape of a submission -------------------------------------------------------------------


def _submission(file: str, value: object, kind: str, repairs: tuple[Repair, ...] = ()) -> Submission:
    if not isinstance(value, _Pairs):
        raise _Bad(f"wrong shape: the file must be a mapping with {_keys()}, not {_kind(value)}")
    fields = _unique(value, "the file")
    markers = {r.marker: r for r in repairs if r.marker}
    for key, field_value in fields.items():  # a repaired line outside `answers` (the student id): not safe
        if key != "answers" and isinstance(field_value, str) and field_value in markers:
            raise _Bad(f"invalid YAML: `{_short(key)}` is in double quotes with a backslash that is no escape: "
                       "use single quotes")
    # An unknown key (`name:`) is reported and ignored: it must not cost the student the whole file.
    notes = [f"unknown key `{_short(key)}` ignored{_did_you_mean(key, KEYS)}; the keys are {_keys()}"
             for key in fields if key not in KEYS]
    student, named_by = _student(fields.get("student"), file)
    try:
        sheet = _optional_text(fields.get("sheet"), "sheet")
        seed = _seed(fields.get("seed"))
        submitted, when = _submitted(fields.get("submitted"), notes)
        if "answers" not in fields:
            raise _Bad("wrong shape: no `answers` (a mapping from part address to answer)"
                       + "".join(f"; {note}" for note in notes))
        answers = _answers(fields["answers"])
    except _Bad as bad:
        raise _Bad(str(bad), student) from None  # the row keeps the id the file gave
    refused = []
    for address, text in list(answers.items()):
        if text in markers:
            del answers[address]
            refused.append((address, markers[text].raw, markers[text].reason))
        elif eaten(text):
            del answers[address]
            refused.append((address, visible(text), eaten_reason(kind, text)))
    notes += [r.note for r in repairs if r.note]
    return Submission(file, student, sheet, answers, seed, tuple(notes), tuple(refused), submitted=submitted,
                      when=when, named_by=named_by)


def _submitted(value: object, notes: list[str]) -> tuple[float | None, str]:
    """`submitted: 2026-12-07 09:15`: when the file was handed in; a time that cannot be read is a note."""
    if value is None:
        return None, ""
    text = _optional_text(value, "submitted") or ""
    seconds = times.parse(text)
    if seconds is None:
        notes.append(f"`submitted: {_short(text)}` is not a date and time read here (write it as 2026-12-07 09:15); "
                     "--duplicates latest uses the file's modification time")
        return None, ""
    return seconds, f"{_short(text)} (`submitted:`)"


def _student(value: object, file: str) -> tuple[str, Literal["student", "file", "placeholder"]]:
    """The id, and where it came from: `student:`, or the file name when the file has none or still has
    the template's placeholder (two students who both left it must not become one "duplicate")."""
    if value is None:
        return default_student(file), "file"
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"wrong shape: `student` must be a name or id, not {_kind(value)}")
    if value.strip().lower() == PLACEHOLDER_STUDENT:
        return default_student(file), "placeholder"
    return _one_line(value, "student"), "student"


def _optional_text(value: object, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"wrong shape: `{key}` must be a text, not {_kind(value)}")
    return _one_line(value, key)


def _seed(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip().isdigit() or int(value) > MAX_SEED:
        raise _Bad(f"wrong shape: `seed` must be a whole number from 0 to {MAX_SEED}, not {_kind(value)}")
    return int(value)


def _one_line(value: str, key: str) -> str:
    """An id that reports and the terminal show as is: printable (no escape sequences), one line."""
    text = value.strip()
    if len(text) > MAX_STUDENT_CHARS or not text.isprintable() or not _encodable(text):
        raise _Bad(f"wrong shape: `{key}` must be one printable line of at most {MAX_STUDENT_CHARS} characters")
    return text


def _answers(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, _Pairs):
        raise _Bad(f"wrong shape: `answers` must be a mapping from part address to answer, not {_kind(value)}")
    answers: dict[str, str] = {}
    for address, answer in _flat(value, ""):
        if address in answers:
            raise _Bad(f"wrong shape: `answers` gives `{_short(address)}` twice")
        text = _answer_text(address, answer)
        if text.strip():  # a blank answer is a missing one, not a wrong one
            answers[address] = text
    return answers


def _flat(pairs: _Pairs, prefix: str) -> list[tuple[str, object]]:
    """`relu.b: {left: 0}` -> `relu.b.left: 0`: students nest sub-parts as the sheet shows them."""
    out: list[tuple[str, object]] = []
    for key, value in _unique(pairs, "`answers`").items():
        if isinstance(value, _Pairs):
            out += _flat(value, f"{prefix}{key}.")
        else:
            out.append((prefix + key, value))
    return out


def _answer_text(address: str, value: object) -> str:
    if isinstance(value, str):
        text = value
    elif value is None:
        text = ""
    elif isinstance(value, bool):  # JSON true/false: choice parts accept true/false
        text = "true" if value else "false"
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "\n".join(value)  # a derivation written as a list of lines
    else:
        raise _Bad(f"wrong shape: the answer to `{_short(address)}` must be text, not {_kind(value)}")
    if not _encodable(text):
        raise _Bad(f"the answer to `{_short(address)}` contains characters that are not valid Unicode")
    return text


def _unique(pairs: _Pairs, what: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if not isinstance(key, str) or not _encodable(key):
            raise _Bad(f"wrong shape: {what} has a key that is not text")
        if key in out:
            raise _Bad(f"wrong shape: {what} gives `{_short(key)}` twice")
        out[key] = value
    return out


def fit(sub: Submission, addresses: Collection[str]) -> Submission:
    """The submission with its answers keyed by the sheet's part addresses: a key that differs only in
    case (`Sigmoid.A`) is graded under the sheet's address; an unknown one is reported and ignored."""
    lower: dict[str, list[str]] = {}
    for address in addresses:
        lower.setdefault(address.lower(), []).append(address)
    notes = list(sub.notes)

    def key(address: str) -> str | None:
        if address in addresses:
            return address
        same = lower.get(address.lower(), [])
        if len(same) == 1 and same[0] not in sub.answers:
            notes.append(f"`{_short(address)}` was graded as `{same[0]}`")
            return same[0]
        notes.append(f"unknown part address `{_short(address)}` ignored{_hint(address, addresses)}")
        return None

    answers = {k: text for address, text in sub.answers.items() if (k := key(address)) is not None}
    refused = tuple((k, text, why) for address, text, why in sub.refused if (k := key(address)) is not None)
    if len(notes) == len(sub.notes):
        return sub
    return replace(sub, answers=answers, refused=refused, notes=tuple(notes))


def _hint(address: str, addresses: Collection[str]) -> str:
    groups = [a for a in addresses if a.startswith(address + ".")]
    return f"; answer its sub-parts {', '.join(groups)}" if groups else _did_you_mean(address, list(addresses))


# --- words ---------------------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, _Pairs):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return f"the text `{_short(str(value))}`"


def _keys() -> str:
    return ", ".join(f"`{k}`" for k in KEYS)


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _short(text: str, width: int = 40) -> str:
    """Text from a file, made safe to show on one line: control characters visible, cut to width."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")  # lone surrogates from escapes ("\ud800") cannot be written out
    except UnicodeEncodeError:
        return False
    return True
