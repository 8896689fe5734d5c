"""changes.md (`grader grade --compare-with OLD_DIR`): after a sheet is fixed and the class
regraded, whose scores changed, by part, old -> new, and why (the old and the new verdict and
feedback). Submissions are matched by (student, file); ones only in the old or the new run are
listed too. Sorted by student and file: the same two runs give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.model import Batch, Row
from grader.batch.reports.summary import code_span, one_line
from grader.core.errors import UsageError
from grader.text.numbers import num


@dataclass(frozen=True)
class OldRun:
    """What an earlier run's results.json says: (student, file) -> its submission."""

    path: str
    sheet_id: str
    submissions: Mapping[tuple[str, str], Mapping[str, Any]]


def read_old(folder: Path) -> OldRun:
    """The results.json of an earlier `grader grade`; UsageError saying what to give instead."""
    path = folder / "results.json" if folder.is_dir() else folder
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        subs = {(str(s["student"]), str(s["file"])): s for s in data["submissions"]}
        return OldRun(str(path), str(data["sheet"]["id"]), subs)
    except FileNotFoundError:
        raise UsageError(f"--compare-with: no results.json in `{folder}`; give the --out folder of the "
                         "earlier `grader grade` run") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--compare-with: `{path}` is not a results.json written by `grader grade` ({exc})") from None


def changes_markdown(batch: Batch, old: OldRun) -> str:
    new = {(r.student, r.file): r for r in batch.rows}
    changed = [(key, old.submissions[key], new[key]) for key in sorted(set(new) & set(old.submissions))
               if _differs(old.submissions[key], new[key])]
    up = sum(1 for _, before, row in changed if _total(row) > (before.get("total") or 0))
    down = sum(1 for _, before, row in changed if _total(row) < (before.get("total") or 0))
    gone = sorted(set(old.submissions) - set(new))
    added = sorted(set(new) - set(old.submissions))
    lines = [f"# Changes: {one_line(batch.sheet_title)}", "",
             f"Compared with `{one_line(old.path)}` (sheet `{one_line(old.sheet_id)}`).", "",
             f"- Submissions: {len(batch.rows)} now, {len(old.submissions)} before.",
             f"- Scores changed: {sum(1 for _, b, r in changed if _total(r) != (b.get('total') or 0))} "
             f"({up} up, {down} down); verdicts changed with the same score: "
             f"{sum(1 for _, b, r in changed if _total(r) == (b.get('total') or 0))}.",
             f"- Only in this run: {len(added)}; only in the earlier run: {len(gone)}."]
    if old.sheet_id != batch.sheet_id:
        lines += ["", f"Warning: the earlier run graded sheet `{one_line(old.sheet_id)}`, this one "
                      f"`{one_line(batch.sheet_id)}`: parts with other addresses cannot be compared."]
    if not changed and not gone and not added:
        lines += ["", "No score or verdict changed."]
    if changed:
        lines += ["", "## Changed", "", "| student | file | before | now | change |", "|---|---|---:|---:|---:|"]
        for (student, file), before, row in changed:
            delta = _total(row) - (before.get("total") or 0)
            lines.append(f"| {_cell(student)} | {_cell(file)} | {_points(before.get('total'))} | "
                         f"{_points(row.total if row.readable else None)} | {'+' if delta > 0 else ''}{num(delta)} |")
        for (student, file), before, row in changed:
            lines += ["", f"### {code_span(student)} ({code_span(file)}): "
                          f"{_points(before.get('total'))} → {_points(row.total if row.readable else None)}", ""]
            lines += _parts(before, row)
    for title, keys in (("Only in this run", added), ("Only in the earlier run", gone)):
        if keys:
            lines += ["", f"## {title}", ""] + [f"- {code_span(s)} ({code_span(f)})" for s, f in keys]
    return "\n".join(lines) + "\n"


def _total(row: Row) -> float:
    return row.total if row.readable else 0.0


def _differs(before: Mapping[str, Any], row: Row) -> bool:
    if (before.get("total") or 0) != _total(row) or bool(before.get("unreadable")) != (not row.readable):
        return True
    answers = before.get("answers") or {}
    return any(_old(answers, a.address) != (a.status, a.points) for a in row.answers)


def _old(answers: Mapping[str, Any], address: str) -> tuple[str, float]:
    a = answers.get(address) or {}
    return (str(a.get("status", "missing")), float(a.get("points") or 0))


def _parts(before: Mapping[str, Any], row: Row) -> list[str]:
    if not row.readable or before.get("unreadable"):
        was = f"unreadable: {before['unreadable']}" if before.get("unreadable") else "read"
        now = f"unreadable: {row.unreadable}" if not row.readable else "read"
        return [f"- The file: before {one_line(was)}; now {one_line(now)}."]
    answers = before.get("answers") or {}
    lines = []
    for a in row.answers:
        status, points = _old(answers, a.address)
        if (status, points) == (a.status, a.points):
            continue
        old = answers.get(a.address) or {}
        before_text = old.get("answer")
        answer = (f"answer {code_span(a.text or '')}" if before_text == a.text
                  else f"answer before {code_span(str(before_text or ''))}, now {code_span(a.text or '')}")
        lines.append(f"- `{a.address}`: {status} {num(points)} → {a.status} {num(a.points)} ({answer})")
        lines.append(f"  - before: {one_line(str(old.get('error') or old.get('feedback') or '—'))}")
        now = a.error or (a.result.feedback if a.result is not None else "")
        lines.append(f"  - now: {one_line(now or '—')}")
    return lines or ["- No part changed (the total did)."]


def _points(total: object) -> str:
    return num(float(total)) if isinstance(total, int | float) else "unreadable"


def _cell(text: str) -> str:
    return code_span(text).replace("|", "\\|")
