"""A CSV of responses (a form's or an LMS quiz's export): one row per student, a column per part.

    student,sigmoid.a,tanh.a            or, with --columns "Q1=sigmoid.a,Email=student":
    s1,σ(x)(1-σ(x)),1 - tanh(x)^2       Timestamp,Email,Q1

UTF-8 with or without a byte-order mark (Excel writes one), Excel quoting ("" inside quotes) and
quoted cells over several lines (a derivation) are read as Excel writes them; `,`, `;` or a tab
separates cells (the header line decides). The student column is `--columns X=student`, else a
header `student`, `student id`, `id`, `sis user id`, `username` or `email` (any case). A header
that is a part address (any case) is that part; other columns (timestamps, names) are ignored and
named once. Each row is a Submission whose `file` is `responses.csv:LINE` (the row's first line).
A CSV has no escapes, so a backslash is a backslash: `\tanh` is safe here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from grader.batch.submissions import Submission, Unreadable, shown_path
from grader.core.errors import UsageError

MAX_CSV_BYTES = 50_000_000  # a class's responses; bounds what a wrong file can cost
STUDENT_HEADERS = ("student", "student id", "id", "sis user id", "username", "email", "email address")


@dataclass(frozen=True)
class Responses:
    rows: tuple[Submission | Unreadable, ...]
    ignored: tuple[str, ...]  # headers that are neither the student nor a part


def parse_columns(spec: str) -> dict[str, str]:
    """`"Q1=sigmoid.a, Email=student"` -> {"Q1": "sigmoid.a", "Email": "student"}; UsageError if malformed."""
    out: dict[str, str] = {}
    for item in (i.strip() for i in spec.split(",")):
        header, sep, target = item.partition("=")
        if not item:
            continue
        if not sep or not header.strip() or not target.strip():
            raise UsageError(f"--columns: `{item}` is not HEADER=ADDRESS",
                             'example: --columns "Q1=sigmoid.a,Email=student"')
        out[header.strip()] = target.strip()
    return out


def read_responses(file: str, addresses: Collection[str], columns: Mapping[str, str] | None = None) -> Responses:
    """The rows of a CSV of responses. A file that cannot be read at all is one Unreadable row;
    a --columns header that the file does not have is a UsageError (the whole batch is wrong)."""
    shown = shown_path(file)
    stem = PurePath(shown).stem
    try:
        text = _text(file)
    except ValueError as bad:
        return Responses((Unreadable(shown, stem, str(bad)),), ())
    lines = text.splitlines()
    header_line = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        target, ignored = _targets(header, addresses, columns or {}, shown)
        if "student" not in target.values():
            raise ValueError("no student column: name one `student` or map it, as in --columns \"Email=student\"")
        rows: list[Submission | Unreadable] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append(_row(f"{shown}:{start}", cells, header, target, stem))
            start = reader.line_num + 1
    except csv.Error as exc:
        return Responses((Unreadable(shown, stem, f"invalid CSV at line {reader.line_num}: {exc}"),), ())
    except ValueError as bad:
        return Responses((Unreadable(shown, stem, str(bad)),), ())
    return Responses(tuple(rows), tuple(ignored))


def _text(file: str) -> str:
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file is too large (more than {MAX_CSV_BYTES // 1_000_000} MB)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("the file is UTF-16 text; save it as CSV UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         "save it as CSV UTF-8") from None
    if "\x00" in text:
        raise ValueError("the file is binary (it contains NUL bytes), not a CSV")
    return text.removeprefix("\ufeff")


def _targets(header: list[str], addresses: Collection[str], columns: Mapping[str, str],
             shown: str) -> tuple[dict[int, str], list[str]]:
    """Column index -> `student` or a part address, and the headers that are ignored."""
    missing = [h for h in columns if h not in header]
    if missing:
        raise UsageError(f"--columns names {', '.join(f'`{h}`' for h in missing)}, which `{shown}` does not have",
                         f"its columns are: {', '.join(h for h in header if h)}")
    lower = {a.lower(): a for a in addresses}
    target: dict[int, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        mapped = columns.get(h) or lower.get(h.lower())
        if mapped is None and h.lower() in STUDENT_HEADERS and "student" not in target.values() and not any(
                v == "student" for v in columns.values()):
            mapped = "student"
        if mapped is None or mapped in target.values():
            ignored.append(h or f"column {i + 1}")
        else:
            target[i] = mapped
    return target, ignored


def _row(file: str, cells: list[str], header: list[str], target: Mapping[int, str],
         stem: str) -> Submission | Unreadable:
    values = {name: cells[i].replace("\r\n", "\n").replace("\r", "\n") for i, name in target.items() if i < len(cells)}
    student = values.pop("student", "").strip()
    if len(cells) > len(header):
        return Unreadable(file, student or f"{stem}-{file.rsplit(':', 1)[1]}",
                          f"the row has {len(cells)} cells but the header {len(header)}: a comma outside quotes?")
    if not student:
        return Unreadable(file, f"{stem}-{file.rsplit(':', 1)[1]}", "the student cell is empty")
    if not student.isprintable() or len(student) > 200:
        return Unreadable(file, f"{stem}-{file.rsplit(':', 1)[1]}", "the student cell must be one printable line")
    answers = {address: text for address, text in values.items() if text.strip()}
    return Submission(file, student, None, answers)
