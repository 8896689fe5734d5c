"""Class mode: the roster, one secret sign-in link per student and one for the instructor.

Tokens come from `secrets` and only their hashes are in the database, so the links file is the one
place a link can be read again: rerunning reads it back and keeps every link that still signs in.
The file is written atomically (a temporary file, then a rename), so a crash never leaves half of it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import UsageError
from grader.serve.store import LTI_PREFIX, Store
from grader.sheets.variants import seed_for_student

INSTRUCTOR = "*instructor*"  # the instructor's roster id: '*' starts no real id (refused below)
HEADER = ("student_id", "name", "link")
MAX_ROSTER_BYTES = 10_000_000


@dataclass(frozen=True)
class Member:
    id: str
    name: str


# Header names as exports write them, compared without case, spaces, `_`, `-` or `.`; the id's in
# order of preference (an export naming both `SIS User ID` and `ID` means the first).
ID_COLUMNS = ("student id", "student_id", "sis id", "sis user id", "student number", "username", "user name",
              "login id", "email", "e-mail", "email address", "e-mail address", "id", "student", "user")
NAME_COLUMNS = ("name", "full name", "student name", "display name")
FIRST_COLUMNS = ("first name", "firstname", "given name", "first")
LAST_COLUMNS = ("last name", "lastname", "surname", "family name", "last")
DELIMITERS = (",", ";", "\t")
UTF8_FIX = "Save it as CSV UTF-8 (Excel: Save As → \"CSV UTF-8 (Comma delimited)\") and run again"


def _key(cell: str) -> str:
    return re.sub(r"[\s_.\-]+", "", cell.lower())


def _find(keys: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if _key(name) in keys:
            return keys.index(_key(name))
    return None


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 10:
        raise UsageError(f"{path} is UTF-16 (Excel's \"Unicode text\"), not UTF-8", UTF8_FIX)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        byte = data[err.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        raise UsageError(
            f"{path}, line {line}: byte 0x{byte:02x} is not UTF-8; the file is probably Windows-1252 or Latin-1 "
            f"(where it is `{guess}`)", UTF8_FIX) from err


def _delimiter(text: str) -> str:
    """The first line's most frequent of `,` `;` tab outside quotes (a name may hold a comma)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    bare = re.sub(r'"[^"]*"', "", first)
    best = max(DELIMITERS, key=bare.count)
    return best if bare.count(best) else ","


def _columns(path: Path, cells: list[str]) -> tuple[int, list[int]] | None:
    """For a header row: the id column and the name column(s); None if the row names no known column."""
    keys = [_key(c) for c in cells]
    known = {_key(n) for n in ID_COLUMNS + NAME_COLUMNS + FIRST_COLUMNS + LAST_COLUMNS}
    if not known.intersection(keys):
        return None
    found = ", ".join(f"`{c}`" for c in cells)
    id_at = _find(keys, ID_COLUMNS)
    if id_at is None:
        raise UsageError(f"{path}: the header ({found}) names no student id column",
                         f"Name it one of: {', '.join(ID_COLUMNS)}")
    name_at = _find(keys, NAME_COLUMNS)
    first, last = _find(keys, FIRST_COLUMNS), _find(keys, LAST_COLUMNS)
    if name_at is not None and name_at != id_at:
        return id_at, [name_at]
    if first is not None and last is not None:
        return id_at, [first, last]
    others = [i for i, c in enumerate(cells) if i != id_at and c]
    if len(others) == 1:  # `Student ID,Nom`: the one other column is the name
        return id_at, others
    raise UsageError(f"{path}: the header ({found}) names no name column",
                     f"Name it one of: {', '.join(NAME_COLUMNS)}; or first and last name columns")


def read_roster(path: Path) -> list[Member]:
    """Rows of (student id, name): UTF-8 with or without a BOM, separated by `,`, `;` or tabs. A header
    row is read by its names (the columns in any order); without one the columns are id, name."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise UsageError(f"{path}: a roster is at most {MAX_ROSTER_BYTES} bytes")
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read the roster {path}: {err}") from err
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    columns: tuple[int, list[int]] | None = None
    first_row = True
    members: list[Member] = []
    seen: set[str] = set()
    for row in reader:
        number = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if first_row:
            first_row = False
            columns = _columns(path, cells)
            if columns is not None:
                continue
        id_at, name_at = columns or (0, [1])
        if len(cells) <= max(id_at, *name_at) or not cells[id_at]:
            raise UsageError(f"{path}, line {number}: expected `student id, name`")
        student = cells[id_at]
        if student.startswith(("*", LTI_PREFIX)):
            raise UsageError(f"{path}, line {number}: a student id may not start with `*` or `{LTI_PREFIX}` "
                             "(LMS users' ids start so)")
        if student in seen:
            raise UsageError(f"{path}, line {number}: student id `{student}` is given twice")
        seen.add(student)
        members.append(Member(student, " ".join(cells[i] for i in name_at if cells[i])))
    if not members:
        raise UsageError(f"{path}: the roster names no student")
    return members


def _old_tokens(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    tokens = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
        link = row.get("link") or ""
        if row.get("student_id") is not None and "/signin/" in link:
            tokens[row["student_id"]] = link.rsplit("/signin/", 1)[1]
    return tokens


def links_base(path: Path) -> str | None:
    """The address the links in an existing links file open (what precedes `/signin/`), if any."""
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    for row in rows:
        link = row.get("link") or ""
        if "/signin/" in link:
            return link.rsplit("/signin/", 1)[0].rstrip("/")
    return None


def check_url(url: str, option: str = "--url") -> str:
    """A base URL for the links (`http://192.168.1.20:8000`), without its trailing `/`; else a UsageError."""
    fix = f"Give the address students open, e.g. {option} " + (
        "https://grader.example.edu" if option == "--public-url" else "http://192.168.1.20:8000")
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not one
    except ValueError as err:
        raise UsageError(f"{option} {url}: {err}", fix) from err
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {url}: not an http:// or https:// address with a host", fix)
    if parts.path.strip("/") or parts.query or parts.fragment:  # the server answers at `/`, not under a path
        raise UsageError(f"{option} {url}: a base address has no path, `?` or `#` part", fix)
    return url.strip().rstrip("/")


def enrol(store: Store, members: list[Member], links: Path, base_url: str) -> list[str]:
    """Create (or keep) each member's link and the instructor's, and write them all to `links`. Servers
    starting together on one class take turns (the links file read and written under one lock), so the
    later ones keep the links the first wrote. Returns the roster ids whose earlier link was replaced
    (`links` did not hold it): the link they were sent signs them in no more."""
    with store.exclusive("grader:enrol"):
        return _enrol(store, members, links, base_url)


def _enrol(store: Store, members: list[Member], links: Path, base_url: str) -> list[str]:
    old = _old_tokens(links)
    rows = []
    replaced = []
    for member, role in [(Member(INSTRUCTOR, "instructor"), "instructor")] + [(m, "student") for m in members]:
        fresh, anew = store.enrol(member.id, member.name, role, seed_for_student(member.id), old.get(member.id))
        token = fresh if fresh is not None else old[member.id]
        rows.append((member.id, member.name, f"{base_url.rstrip('/')}/signin/{token}"))
        if anew:
            replaced.append(member.id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    links.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=links.parent, prefix=".links-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(out.getvalue())
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)  # the links are passwords
        os.replace(temporary, links)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return replaced
