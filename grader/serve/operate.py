"""What an operator does to a class database besides serving it: look (`check`), bring its schema up to
date (`upgrade`), and move a class from a SQLite file to PostgreSQL (`copy`), verified row by row and by
the class's export. Errors are `UsageError`s with what to do instead; the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import UsageError
from grader.serve import export
from grader.serve.database import Connection, Location, Unavailable, location
from grader.serve.store import MIGRATIONS, TABLES, Store

# a class: not the answers in flight, rate windows or LTI logins in progress; scores not yet sent to the LMS are
COPIED = ("students", "sessions", "attempts", "reveals", "lti_keys", "lti_users", "lti_grades", "outbox")
LATEST = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class Health:
    where: str  # the database as shown (no password)
    version: int  # its schema version, 0 for an empty database
    counts: dict[str, int]  # rows per table (empty before the first migration)
    missing: tuple[int, ...] = ()  # migrations below `version` never applied (one added to an earlier place)

    @property
    def current(self) -> bool:
        return self.version == LATEST and not self.missing


def _where(given: str | Path | Location) -> Location:
    return given if isinstance(given, Location) else location(given)


def _unreachable(where: Location, err: Exception) -> UsageError:
    fix = ("start PostgreSQL, or correct the URL (postgresql://USER@HOST/DBNAME)" if where.kind == "postgresql"
           else "give the file `grader serve --db` used")
    return UsageError(f"cannot reach the database {where.shown}: {err}", fix)


def check(given: str | Path | Location) -> Health:
    """The schema version and the rows per table, read only (nothing is migrated)."""
    where = _where(given)
    if where.kind == "sqlite" and not where.path.is_file():
        raise UsageError(f"no such database: `{where.shown}`", "give the file `grader serve --db` used")
    try:
        db = Connection(where, read_only=True)
    except Unavailable as err:
        raise _unreachable(where, err) from None
    try:
        tables = db.tables()
        if "schema_migrations" not in tables:
            if tables - {"schema_migrations"}:
                raise UsageError(f"`{where.shown}` is not a grader serve database (it has other tables)",
                                 "give the database `grader serve --db` used, or an empty one")
            return Health(where.shown, 0, {})
        applied = {int(row[0]) for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
        version = max(applied, default=0)
        missing = tuple(v for v, _ in MIGRATIONS if v not in applied and v < version)
        counts = {t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES if t in tables}
    except Unavailable as err:
        raise _unreachable(where, err) from None
    finally:
        db.close()
    return Health(where.shown, version, counts, missing)


def upgrade(given: str | Path | Location) -> tuple[int, int]:
    """Run the migrations not yet applied (one server at a time: a lock); (version before, after)."""
    where = _where(given)
    before = check(where).version if where.kind == "postgresql" or where.path.is_file() else 0
    try:
        store = Store(where)
    except Unavailable as err:
        raise _unreachable(where, err) from None
    try:
        return before, store.version()
    finally:
        store.close()


@dataclass(frozen=True)
class Copied:
    counts: dict[str, int]  # rows copied per table
    sheets: list[str]  # the sheets whose class export was compared (identical)


def _rows(db: Connection, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    order = "id" if "id" in columns else ", ".join(columns[:4])
    return [tuple(r) for r in db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()]


def copy(source: str | Path, target: str | Path) -> Copied:
    """Copy a class from a SQLite file (its server stopped) into an empty database, keeping every id,
    in one transaction; then check that each table holds the same rows and that the class's export of
    each sheet it answered is the same from both. Nothing is written to the target when a check fails
    before the commit; after it, a failed comparison is an error that names the table."""
    src, dst = _where(source), _where(target)
    if src.kind != "sqlite":
        raise UsageError(f"`{src.shown}`: copy moves a class from a SQLite file", "give the file first, then the URL")
    if src == dst:
        raise UsageError("the source and the target are the same database")
    upgrade(src)  # an older file gets the current schema first, as the server would give it
    try:
        old, new = Store(src), Store(dst)
    except Unavailable as err:
        raise _unreachable(dst, err) from None
    try:
        filled = {t: n for t, n in new.counts().items() if n}
        if filled:
            held = ", ".join(f"{n} {t}" for t, n in filled.items())
            raise UsageError(f"`{dst.shown}` already holds a class ({held})",
                             "copy into a new, empty database (createdb), never over a class")
        a, b = old._db, new._db  # the same schema on both: the column lists are the source's
        columns = {t: sorted(a.columns(t)) for t in COPIED}
        with b.write("copy"):
            for table in COPIED:
                rows = _rows(a, table, columns[table])
                marks = ", ".join("?" * len(columns[table]))
                for row in rows:
                    b.execute(f"INSERT INTO {table} ({', '.join(columns[table])}) VALUES ({marks})", row)
            if dst.kind == "postgresql":  # the next id after the copied ones
                for table in ("students", "attempts", "outbox"):
                    b.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                              f" GREATEST((SELECT MAX(id) FROM {table}), 1))")
        counts = {t: len(_rows(a, t, columns[t])) for t in COPIED}
        has_class = bool(old.roster())
        for table in COPIED:
            if _rows(a, table, columns[table]) != _rows(b, table, columns[table]):
                raise UsageError(f"the copy of `{table}` differs from the source", "report this; the source is "
                                 "unchanged: serve it as before")
    except Unavailable as err:
        raise _unreachable(dst, err) from None
    finally:
        old.close()
        new.close()
    sheets = export.sheet_ids(src) if has_class else []
    for sheet in sheets:
        if export.class_answers(src, sheet) != export.class_answers(dst, sheet):
            raise UsageError(f"the class's answers to `{sheet}` read differently from the copy", "report this; "
                             "the source is unchanged: serve it as before")
    return Copied(counts, sheets)
