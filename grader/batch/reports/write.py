"""A graded batch -> report files, written atomically and byte-for-byte reproducibly.

Every file is written to a temporary file in its own folder and fsynced; only when all of them are
complete are they moved into place with os.replace, so a run killed half-way leaves the previous
reports as they were. Reports hold no timestamps or timings, rows are sorted and JSON keys too:
the same submissions give the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from grader.batch.duplicates import Counted
from grader.batch.model import Answer, Batch, Row, WrongGroup
from grader.batch.reports.csv_cells import cell, csv_text
from grader.batch.reports.formats import render as render_formats
from grader.batch.reports.html import report_html
from grader.batch.reports.items import batch_analysis
from grader.batch.reports.summary import summary_markdown
from grader.grading.results import Result
from grader.text.numbers import num


def write_reports(batch: Batch, out: Path, formats: Sequence[str] = (), counted: Counted | None = None,
                  assignment: str | None = None, extra: Mapping[str, str] | None = None,
                  names: Mapping[str, str] | None = None) -> list[Path]:
    """Write grades.csv, results.json, summary.md, report.html and the `formats` asked for; return their paths.

    `counted`: the rows the LMS formats hold (one per student, grader.batch.duplicates); default: all.
    `assignment`: the Canvas/Moodle grade column (default: the sheet's title). `extra`: more files
    (name -> text, e.g. changes.md), written with the others. `names`: student id -> name (a
    roster's), for the LMS columns that show people's names.
    """
    counted = counted or Counted(batch.rows, ())
    stage = Stage(out)
    try:
        stage.write("grades.csv", grades_csv(batch, counted.dropped, counted.why))
        with stage.open("results.json") as handle:
            write_results_json(batch, handle)
        stage.write("summary.md", summary_markdown(batch))
        stage.write("report.html", report_html(batch))
        for name, text in render_formats(batch, formats, counted.rows, assignment, names).items():
            stage.write(name, text)
        for name, text in sorted((extra or {}).items()):
            stage.write(name, text)
        written = stage.commit()
    except BaseException:
        stage.discard()
        raise
    _prune(out, written)
    return written


PER_STUDENT = ("feedback", "gradescope")  # folders with a file per student


def _prune(out: Path, written: Sequence[Path]) -> None:
    """Remove what an earlier run wrote in a per-student folder this run rewrote: a student graded
    before but not now must not keep an old feedback file that could be mailed with the new ones."""
    for folder in (out / name for name in PER_STUDENT):
        if any(folder in path.parents for path in written):  # not asked for this time: left as it was
            remove_others(folder, written, (".md", ".json"))


def remove_others(folder: Path, keep: Collection[Path], suffixes: tuple[str, ...]) -> None:
    """Delete the files under `folder` with these suffixes that are not in `keep` (an earlier run's,
    for students no longer there), and the folders that leaves empty."""
    kept = set(keep)
    for old in sorted(folder.rglob("*"), reverse=True):  # files before the folders that hold them
        if old.is_file() and old not in kept and old.suffix in suffixes:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()


# --- atomic writing --------------------------------------------------------------------------------


class Stage:
    """Files written under temporary names, moved into place together by `commit`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._staged: list[tuple[Path, Path]] = []  # (temporary, final)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        final = self.folder / name
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        self._staged.append((Path(temp), final))
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; reports are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    def write(self, name: str, text: str) -> None:
        with self.open(name) as handle:
            handle.write(text)

    def commit(self) -> list[Path]:
        folders = set()
        for temp, final in self._staged:
            os.replace(temp, final)
            folders.add(final.parent)
        for folder in sorted(folders):  # make the renames themselves durable
            _fsync_dir(folder)
        done = [final for _, final in self._staged]
        self._staged = []
        return done

    def discard(self) -> None:
        for temp, _ in self._staged:
            temp.unlink(missing_ok=True)
        self._staged = []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder; the files themselves are synced
    finally:
        os.close(fd)


# --- grades.csv ----------------------------------------------------------------------------------


def grades_csv(batch: Batch, dropped: Mapping[str, str] | None = None, why: Mapping[str, str] | None = None) -> str:
    """student, file, one column per part (points), total, max_total, status. Unreadable: no points.
    `dropped`: files the LMS files do not count (another file of the student counts instead); `why`: why."""
    dropped, why = dropped or {}, why or {}
    header = ["student", "file", *(address for address, _ in batch.parts), "total", "max_total", "status"]
    variants = batch.randomised  # then each row also says which variants it answered
    rows = [[*header, "seed", "variant"] if variants else header]
    for row in batch.rows:
        points = [num(a.points) for a in row.answers] if row.readable else [""] * len(batch.parts)
        total = num(row.total) if row.readable else ""
        extra = [str(row.seed) if row.seed is not None else "", row.variant_text] if variants else []
        status = row.status
        if row.file in dropped:
            reason = f" ({why[row.file]})" if row.file in why else ""
            status += f"; not exported: {dropped[row.file]} counts for this student{reason}"
        rows.append([cell(row.student), cell(row.file), *points, total, num(row.max_total), cell(status), *extra])
    return csv_text(rows)


# --- results.json --------------------------------------------------------------------------------


def write_results_json(batch: Batch, handle: IO[str]) -> None:
    """Every answer of every submission, byte-identical to json.dumps(..., indent=2, sort_keys=True)
    of the whole. Streamed one submission at a time, and each distinct answer is encoded once:
    10,000 students share a few hundred distinct answers, and indented json.dumps is slow."""
    cache: dict[tuple[object, ...], str] = {}
    handle.write('{\n  "sheet": ' + _dump(_sheet_json(batch), 1) + ',\n  "submissions": [')
    for i, row in enumerate(batch.rows):
        handle.write(("," if i else "") + "\n    " + _row_text(row, cache))
    handle.write(("\n  " if batch.rows else "") + '],\n  "summary": ' + _dump(_summary_json(batch), 1) + "\n}\n")


def _dump(value: object, level: int) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * level)


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False) builds one per call


def _object(items: dict[str, str], level: int) -> str:
    """A JSON object from already-encoded values, laid out as json.dumps(indent=2, sort_keys=True) would."""
    if not items:
        return "{}"
    pad = "  " * (level + 1)
    body = ",\n".join(f"{pad}{_encode(key)}: {items[key]}" for key in sorted(items))
    return "{\n" + body + "\n" + "  " * level + "}"


def _row_text(row: Row, cache: dict[tuple[object, ...], str]) -> str:
    level = 2  # inside {"submissions": [ ... ]}
    fields = {
        "student": row.student, "file": row.file, "status": row.status, "unreadable": row.unreadable or None,
        "total": row.total if row.readable else None, "max_total": row.max_total,
    }
    items = {key: _encode(value) for key, value in fields.items()}
    if row.seed is not None:  # a randomised sheet: which variants this submission answered
        items |= {"seed": _encode(row.seed), "variant": _dump(row.variant, level + 1)}
    answers = {}
    for a in row.answers:
        key = (a.address, a.status, a.text, a.points, a.error, id(a.result))
        if key not in cache:
            cache[key] = _dump(answer_json(a), level + 2)
        answers[a.address] = cache[key]
    items["answers"] = _object(answers, level + 1)
    return _object(items, level)


def _sheet_json(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.sheet_id, "title": batch.sheet_title, "max_total": batch.max_total,
        "parts": [{"address": address, "points": points} for address, points in batch.parts],
    }


_RESULT_DROPS = ("part", "pretty", "seconds", "status", "points", "score", "max_points")


def answer_json(answer: Answer) -> dict[str, Any]:
    """One answer with the same keys whatever its status; `error` says why it could not be graded."""
    data: dict[str, Any] = {
        "status": answer.status, "answer": answer.text, "points": answer.points, "max_points": answer.max_points,
        "score": round(answer.points / answer.max_points, 6) if answer.max_points else 0.0,
        "error": answer.error or None, "feedback": None, "interpreted": None, "decided_by": None, "detail": "",
        "mistake": None, "counterexample": None, "parse_error": None, "steps": [],
    }
    if answer.result is not None:
        data.update(_result_json(answer.result))
    return data


def _result_json(result: Result) -> dict[str, Any]:
    raw = result.to_json()
    for name in _RESULT_DROPS:
        raw.pop(name, None)
    if not raw.get("extra"):
        raw.pop("extra", None)
    return raw


def _summary_json(batch: Batch) -> dict[str, Any]:
    not_counted = {"not_counted": sorted(batch.dropped)} if batch.dropped else {}  # the parts' figures omit them
    return not_counted | {
        "item_analysis": batch_analysis(batch).to_json(),
        "submissions": len(batch.rows), "graded": len(batch.graded), "unreadable": len(batch.unreadable),
        "distinct_answers": batch.distinct_answers, "warnings": list(batch.warnings),
        "parts": [
            {
                "address": s.address, "points": s.points, "mean": s.mean, "counts": dict(s.counts),
                "wrong_answers": [
                    {"count": g.count, "mistake": g.mistake or None, "feedback": g.why,
                     "forms": [{"answer": text, "count": n} for text, n in g.forms]}
                    | ({"variant": g.variant} if g.variant else {})
                    for g in _top(s.wrong, 10)
                ],
                "unreadable_answers": [
                    {"answer": u.text, "count": u.count, "feedback": u.why} for u in s.unreadable[:10]
                ],
            }
            for s in batch.summaries
        ],
    }


def _top(groups: Sequence[WrongGroup], n: int) -> list[WrongGroup]:
    """The `n` most common groups of each variant (groups come by variant, most common first)."""
    seen: dict[str, int] = {}
    kept = []
    for g in groups:
        seen[g.variant] = seen.get(g.variant, 0) + 1
        if seen[g.variant] <= n:
            kept.append(g)
    return kept
