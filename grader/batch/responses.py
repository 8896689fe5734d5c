"""A CSV of responses (a form's or an LMS quiz's export): one row per student, a column per part.

    student,sigmoid.a,tanh.a            or, with --columns "Q1=sigmoid.a,Email=student":
    s1,σ(x)(1-σ(x)),1 - tanh(x)^2       Timestamp,Email,Q1

UTF-8 with or without a byte-order mark (Excel writes one), Excel quoting ("" inside quotes) and
quoted cells over several lines (a derivation) are read as Excel writes them; `,`, `;` or a tab
separates cells (the header line decides). The student column is `--columns X=student`, else a
header `student`, `student id`, `id`, `sis user id`, `username` or `email` (any case). A header
that is a part address (any case) is that part; a timestamp column (`Timestamp`, `Completion time`,
`Submitted`, ... or `--columns X=submitted`) says when each row was handed in (`--duplicates
latest`; grader.batch.times reads it); other columns (names) are ignored and named once. A CSV in
which no header is a part is a UsageError that proposes the --columns to map them. Each row is a
Submission whose `file` is `responses.csv:LINE` (the row's first line).
A CSV has no escapes, so a backslash is a backslash: `\tanh` is safe here.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath

from grader.batch import times
from grader.batch.submissions import Submission, Unreadable, shown_path
from grader.core.errors import UsageError

MAX_CSV_BYTES = 50_000_000  # a class's responses; bounds what a wrong file can cost
STUDENT_HEADERS = ("student", "student id", "id", "sis user id", "username", "email", "email address")
TIME_HEADERS = ("submitted", "submitted at", "submission time", "timestamp", "completion time", "completed",
                "completed on", "end time", "enddate", "end date", "recordeddate", "date submitted")
TARGETS = ("student", "submitted")  # what a column may be besides a part address
NOT_ANSWERS = re.compile(r"\b(name|surname|section|score|total|points|grade|started|startdate|state|time|date)\b",
                         re.IGNORECASE)  # headers never proposed as a part in the --columns a UsageError suggests


@dataclass(frozen=True)
class Responses:
    rows: tuple[Submission | Unreadable, ...]
    ignored: tuple[str, ...]  # headers that are neither the student nor a part
    warnings: tuple[str, ...] = ()  # times that could not be read


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


def read_responses(file: str, addresses: Sequence[str], columns: Mapping[str, str] | None = None,
                   sheet: str = "") -> Responses:
    """The rows of a CSV of responses (`addresses`: the parts of `sheet`, in order). A file that cannot
    be read at all is one Unreadable row; a --columns header that the file does not have, or a file
    in which no column is a part, is a UsageError (the whole batch is wrong)."""
    shown = shown_path(file)
    stem = PurePath(shown).stem
    try:
        text = _text(file)
        modified = os.stat(file).st_mtime
    except ValueError as bad:
        return Responses((Unreadable(shown, stem, str(bad)),), ())
    except OSError:
        modified = 0.0
    lines = text.splitlines()
    header_line = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        target, ignored = _targets(header, addresses, columns or {}, shown)
        if not set(target.values()) - set(TARGETS):
            raise _no_parts(shown, header, target, addresses, sheet)
        if "student" not in target.values():
            raise ValueError("no student column: name one `student` or map it, as in --columns \"Email=student\"")
        rows: list[Submission | Unreadable] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append(_row(f"{shown}:{start}", cells, header, target, stem, modified))
            start = reader.line_num + 1
    except csv.Error as exc:
        return Responses((Unreadable(shown, stem, f"invalid CSV at line {reader.line_num}: {exc}"),), ())
    except ValueError as bad:
        return Responses((Unreadable(shown, stem, str(bad)),), ())
    timed, warnings = _timed(rows, header, target, shown)
    return Responses(timed, tuple(ignored), warnings)


def _timed(rows: list[Submission | Unreadable], header: list[str], target: Mapping[int, str],
           shown: str) -> tuple[tuple[Submission | Unreadable, ...], tuple[str, ...]]:
    """Each row's own time from the timestamp column: the column decides day or month first."""
    column = next((i for i, name in target.items() if name == "submitted"), None)
    if column is None:
        return tuple(rows), ()
    name = header[column]
    cells = [r.when for r in rows if isinstance(r, Submission)]  # the raw cell, until read here
    order = times.order_of(cells)
    out: list[Submission | Unreadable] = []
    unread: list[str] = []
    for row in rows:
        if not isinstance(row, Submission) or not row.when.strip():
            out.append(replace(row, when="") if isinstance(row, Submission) else row)
            continue
        seconds = times.parse(row.when, order)
        if seconds is None:
            unread.append(row.file.rsplit(":", 1)[1])
            out.append(replace(row, when=""))
        else:
            out.append(replace(row, submitted=seconds, when=f"{' '.join(row.when.split())} (column `{name}`)"))
    if not unread:
        return tuple(out), ()
    why = ("could be day or month first, and no value says which" if any(times.ambiguous(c, order) for c in cells)
           else "are not dates and times read here (e.g. 2026-12-07 09:15)")
    lines = ", ".join(unread[:10]) + (f" and {len(unread) - 10} more" if len(unread) > 10 else "")
    return tuple(out), (f"{shown}: the times in column `{name}` of line(s) {lines} {why}: --duplicates latest uses "
                        "the CSV file's modification time for those rows",)


def _no_parts(shown: str, header: list[str], target: Mapping[int, str], addresses: Sequence[str],
              sheet: str) -> UsageError:
    """No header is a part: every student would get 0 of N, `missing`. Propose the mapping, in order."""
    mapped = set(target)
    free = [h for i, h in enumerate(header) if h and i not in mapped and not NOT_ANSWERS.search(h)]
    pairs = [f"{h}={a}" for h, a in zip(free, addresses, strict=False)]
    if "student" not in target.values():
        who = next((h for h in header if any(w in h.lower() for w in ("mail", "id", "user", "login"))), "HEADER")
        pairs.append(f"{who}=student")
    seen = ", ".join(f"`{h}`" for h in header if h) or "none"
    of = f" of sheet `{sheet}`" if sheet else ""
    fix = f"map the columns to parts with --columns, e.g. --columns {shlex.quote(','.join(pairs))}"
    if len(free) != len(addresses):
        fix += f" ({len(free)} column(s) for {len(addresses)} part(s): check each pair)"
    else:
        fix += " (paired in order: check each pair)"
    if any("," in h or "=" in h for h in free):
        fix += "; a header with a comma or `=` cannot be named in --columns: rename it in the CSV first"
    return UsageError(f"no column of `{shown}` is a part{of}, so every student would get 0. Its headers: {seen}. "
                      f"The parts: {', '.join(addresses)}", fix)


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


def _targets(header: list[str], addresses: Sequence[str], columns: Mapping[str, str],
             shown: str) -> tuple[dict[int, str], list[str]]:
    """Column index -> `student` or a part address, and the headers that are ignored."""
    missing = [h for h in columns if h not in header]
    if missing:
        raise UsageError(f"--columns names {', '.join(f'`{h}`' for h in missing)}, which `{shown}` does not have",
                         f"its columns are: {', '.join(h for h in header if h)}")
    lower = {a.lower(): a for a in addresses}
    given = {h: lower.get(a.lower()) or (a.lower() if a.lower() in TARGETS else None) for h, a in columns.items()}
    unknown = [f"`{h}={columns[h]}`" for h, a in given.items() if a is None]
    if unknown:  # its column would be ignored, and every student get 0 for the part meant
        raise UsageError(f"--columns maps to no part of the sheet graded: {', '.join(unknown)}",
                         f"the parts: {', '.join(addresses)}; a column may also be `student` or `submitted`")
    columns = {h: a for h, a in given.items() if a is not None}
    target: dict[int, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        mapped = columns.get(h) or lower.get(h.lower())
        for name, known in (("student", STUDENT_HEADERS), ("submitted", TIME_HEADERS)):
            if mapped is None and h.lower() in known and name not in target.values() and name not in columns.values():
                mapped = name
        if mapped is None or mapped in target.values():
            ignored.append(h or f"column {i + 1}")
        else:
            target[i] = mapped
    return target, ignored


def _row(file: str, cells: list[str], header: list[str], target: Mapping[int, str],
         stem: str, modified: float) -> Submission | Unreadable:
    values = {name: cells[i].replace("\r\n", "\n").replace("\r", "\n") for i, name in target.items() if i < len(cells)}
    student = values.pop("student", "").strip()
    when = values.pop("submitted", "")
    if len(cells) > len(header):
        return Unreadable(file, student or f"{stem}-{file.rsplit(':', 1)[1]}",
                          f"the row has {len(cells)} cells but the header {len(header)}: a comma outside quotes?")
    if not student:
        return Unreadable(file, f"{stem}-{file.rsplit(':', 1)[1]}", "the student cell is empty")
    if not student.isprintable() or len(student) > 200:
        return Unreadable(file, f"{stem}-{file.rsplit(':', 1)[1]}", "the student cell must be one printable line")
    answers = {address: text for address, text in values.items() if text.strip()}
    return Submission(file, student, None, answers, modified=modified, when=when)  # `when` is read in _timed
