"""Item analysis (grader.grading.item_analysis) on classes built to give known figures, checked
against an independent computation (statistics.correlation, statistics.quantiles)."""

from __future__ import annotations

import statistics

import pytest

from grader.grading.item_analysis import PartAnswers, analyse


def _part(address: str, scores: list[float], points: float = 1.0, **kw: object) -> PartAnswers:
    wrong = "missing" if address == "unanswered" else "incorrect"
    statuses = tuple("correct" if s == points else wrong for s in scores)
    return PartAnswers(address, points, tuple(scores), statuses, **kw)  # type: ignore[arg-type]


# Eight students, the first four strong: `skill` ranks them, `easy` everyone gets, `top` only the
# strong half, `bottom` only the weak half.
SKILL = [3.0, 3.0, 2.0, 2.0, 1.0, 1.0, 0.0, 0.0]
TOP = [1.0] * 4 + [0.0] * 4
BOTTOM = [0.0] * 4 + [1.0] * 4
STEPS = [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.0, 0.0]  # a second part that ranks them


def _class() -> list[PartAnswers]:
    return [_part("skill", SKILL, points=3.0), _part("easy", [1.0] * 8), _part("top", TOP),
            _part("bottom", BOTTOM), _part("steps", STEPS, points=2.0)]


def _rest(parts: list[PartAnswers], address: str) -> list[float]:
    return [sum(p.scores[i] for p in parts if p.address != address) for i in range(8)]


def test_known_parts_give_known_figures() -> None:
    parts = _class()
    figures = {p.address: p for p in analyse(parts).parts}
    assert figures["easy"].difficulty == 1.0
    assert figures["easy"].discrimination is None  # no variance: undefined, not 0
    assert figures["top"].difficulty == 0.5 and figures["bottom"].difficulty == 0.5
    assert figures["skill"].difficulty == pytest.approx(0.5)
    assert figures["top"].discrimination is not None and figures["top"].discrimination > 0.5
    assert figures["bottom"].discrimination is not None and figures["bottom"].discrimination < -0.5
    for address in ("skill", "top", "bottom", "steps"):
        expected = statistics.correlation(next(p for p in parts if p.address == address).scores,
                                          _rest(parts, address))
        assert figures[address].discrimination == pytest.approx(expected, abs=1e-6)


def test_totals_are_the_usual_statistics() -> None:
    parts = _class()
    totals = [sum(p.scores[i] for p in parts) for i in range(8)]
    t = analyse(parts).totals
    q1, median, q3 = statistics.quantiles(totals, n=4, method="inclusive")
    assert (t.students, t.max_total) == (8, 8.0)
    assert t.mean == pytest.approx(statistics.fmean(totals))
    assert t.median == pytest.approx(statistics.median(totals)) == pytest.approx(median)
    assert t.sd == pytest.approx(statistics.stdev(totals))
    assert (t.q1, t.q3) == (pytest.approx(q1), pytest.approx(q3))
    assert (t.low, t.high) == (min(totals), max(totals))
    assert sum(n for _, n in analyse(parts).histogram) == 8


def test_flags_an_instructor_can_act_on() -> None:
    parts = [*_class(), _part("hard", [0.0] * 8, top_wrong=(5, "2x"), unused_mistakes=("Forgot the chain rule.",)),
             _part("unanswered", [0.0] * 8, unused_mistakes=("Forgot the chain rule.",))]
    kinds = {(f.kind, f.part) for f in analyse(parts).flags}
    assert kinds == {("negative-discrimination", "bottom"), ("nobody-right", "hard"),
                     ("wrong-beats-right", "hard"), ("unused-mistake", "hard")}  # not "unanswered": nobody tried


def test_too_few_students_or_none() -> None:
    one = analyse([_part("a", [1.0]), _part("b", [0.0])])
    assert one.parts[0].discrimination is None and one.totals.sd is None
    assert one.totals.q1 == one.totals.q3 == one.totals.median == 1.0
    none = analyse([_part("a", [])])
    assert none.parts[0].difficulty is None and none.totals.mean is None and none.flags == ()
    assert analyse([]).totals.students == 0


def test_invalid_answers_are_counted() -> None:
    part = PartAnswers("a", 1.0, (0.0, 0.0, 1.0, 0.0), ("invalid", "missing", "correct", "invalid"))
    figures = analyse([part]).parts[0]
    assert (figures.invalid, figures.invalid_percent, figures.correct) == (2, 50.0, 1)
