"""Class mode: the roster, one secret sign-in link per student and one for the instructor.

Tokens come from `secrets` and only their hashes are in the database, so the links file is the one
place a link can be read again: rerunning reads it back and keeps every link that still signs in.
The file is written atomically (a temporary file, then a rename), so a crash never leaves half of it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import UsageError
from grader.serve.store import Store
from grader.sheets.variants import seed_for_student

INSTRUCTOR = "*instructor*"  # the instructor's roster id: '*' starts no real id (refused below)
HEADER = ("student_id", "name", "link")
MAX_ROSTER_BYTES = 10_000_000


@dataclass(frozen=True)
class Member:
    id: str
    name: str


def read_roster(path: Path) -> list[Member]:
    """Rows of (student id, name), UTF-8 with or without a BOM; a first row naming the columns is skipped."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise UsageError(f"{path}: a roster is at most {MAX_ROSTER_BYTES} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read the roster {path}: {err}") from err
    members: list[Member] = []
    seen: set[str] = set()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().replace(" ", "_") in ("student_id", "id", "student"):
            continue
        if len(cells) < 2 or not cells[0]:
            raise UsageError(f"{path}, line {number}: expected `student id, name`")
        if cells[0].startswith("*"):
            raise UsageError(f"{path}, line {number}: a student id may not start with `*`")
        if cells[0] in seen:
            raise UsageError(f"{path}, line {number}: student id `{cells[0]}` is given twice")
        seen.add(cells[0])
        members.append(Member(cells[0], cells[1]))
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


def enrol(store: Store, members: list[Member], links: Path, base_url: str) -> None:
    """Create (or keep) each member's link and the instructor's, and write them all to `links`."""
    old = _old_tokens(links)
    rows = []
    for member, role in [(Member(INSTRUCTOR, "instructor"), "instructor")] + [(m, "student") for m in members]:
        fresh = store.enrol(member.id, member.name, role, seed_for_student(member.id), old.get(member.id))
        token = fresh if fresh is not None else old[member.id]
        rows.append((member.id, member.name, f"{base_url.rstrip('/')}/signin/{token}"))
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
