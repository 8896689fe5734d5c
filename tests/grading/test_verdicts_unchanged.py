"""Every recorded Result and Decision (data/verdicts.json) comes out the same, field for field.

The record was made before the engine's speed work (issue 27) and is the reference: a change to the
engine that changes any verdict, score, word, counterexample or `decided_by` of these ~1,300 answers
fails here. Graded in one process that keeps its caches, and (marked `system`: ~40 s) with every cache
emptied before each answer. `verdict_cases.py` says what they are and records them again (only on purpose).

One exception: a case where the engine took a fallback because a time budget ran out (locating kinks
gets 0.5 s; under heavy load it may not finish) may come out in other words, or undecided, as the
engine intends; but never correct where it was incorrect, or the other way round.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Any

import pytest
from verdict_cases import DATA, decision_tables

from grader import sheets
from grader.core import caches
from grader.equivalence import compare, fallbacks
from grader.grading.grade import grade
from grader.sheets import variants

RECORD: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))


def _differences(rows: list[dict[str, Any]], got: list[dict[str, Any]], key: str, timed: list[bool]) -> list[str]:
    """The cases that changed; one that took a timed fallback (`timed`) only if correct and incorrect swapped."""
    verdict = "status" if key == "result" else "verdict"
    flipped = {"correct", "incorrect"}, {"equivalent", "different"}
    return [f"{row.get('sheet', '')} {row.get('part', row.get('case'))} {row.get('answer')!r}:\n"
            f"  recorded {row[key]}\n  now      {now}"
            for row, now, cut in zip(rows, got, timed, strict=True)
            if (row[key] != now and not cut) or {row[key][verdict], now[verdict]} in flipped]


def _timed(run: Any) -> tuple[Any, bool]:
    """run(), and whether the engine took a fallback because a time budget ran out on the way."""
    before = fallbacks.cut_short
    return run(), fallbacks.cut_short != before


@pytest.mark.parametrize(("cold", "pretty"),
                         [(False, True), (False, False), pytest.param(True, True, marks=pytest.mark.system)],
                         ids=["warm", "warm-without-pretty", "cold"])
def test_results_unchanged(cold: bool, pretty: bool) -> None:
    """`pretty=False` (batch workers, the class server) changes nothing but `pretty`, which it may leave None."""
    caches.clear()
    loaded: dict[str, Any] = {}
    got, timed = [], []
    for row in RECORD["results"]:
        if cold:
            caches.clear()
        if row["sheet"] not in loaded:
            loaded[row["sheet"]] = variants.pick(sheets.load(row["sheet"]), None)
        sheet = variants.scoped(loaded[row["sheet"]], row["part"])
        result, cut = _timed(lambda: grade(sheet, row["part"], row["answer"], pretty=pretty))  # noqa: B023
        got.append(json.loads(json.dumps(replace(result, seconds=0.0).to_json())))
        timed.append(cut)
    rows = RECORD["results"]
    if not pretty:
        assert sum(now["pretty"] is None for now in got) > sum(row["result"]["pretty"] is None for row in rows)
        rows = [{**row, "result": {**row["result"], "pretty": None}} if now["pretty"] is None else row
                for row, now in zip(rows, got, strict=True)]
    differ = _differences(rows, got, "result", timed)
    assert not differ, f"{len(differ)} Results changed:\n" + "\n".join(differ[:10])


def test_decisions_unchanged() -> None:
    caches.clear()
    tables = decision_tables()
    assert [name for name, *_ in tables] == [row["case"] for row in RECORD["decisions"]]
    got, timed = [], []
    for _, ref, ans, variables, kw in tables:
        decision, cut = _timed(lambda: compare(ref, ans, list(variables), **kw))  # noqa: B023
        got.append(json.loads(json.dumps(asdict(decision))))
        timed.append(cut)
    differ = _differences(RECORD["decisions"], got, "decision", timed)
    assert not differ, f"{len(differ)} Decisions changed:\n" + "\n".join(differ[:10])
