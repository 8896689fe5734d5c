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


def _twice(parts: list[PartAnswers]) -> list[PartAnswers]:
    """The class twice over (16 students): the same correlations, enough students to flag them."""
    return [PartAnswers(p.address, p.points, p.scores * 2, p.statuses * 2) for p in parts]


def test_flags_an_instructor_can_act_on() -> None:
    parts = [*_twice(_class()),
             _part("hard", [0.0] * 16, top_wrong=(5, "2x"), unused_mistakes=("Forgot the chain rule.",)),
             _part("unanswered", [0.0] * 16, unused_mistakes=("Forgot the chain rule.",)),
             _part("split", [1.0] * 6 + [0.0] * 10, top_wrong=(7, "2x"))]
    flags = analyse(parts).flags
    kinds = {(f.kind, f.part) for f in flags}
    # not "unanswered": nobody tried; not wrong-beats-right on "hard": nobody-right says it first
    assert kinds == {("negative-discrimination", "bottom"), ("nobody-right", "hard"), ("unused-mistake", "hard"),
                     ("wrong-beats-right", "split")}
    words = {f.part + f.kind: f.words for f in flags}
    assert "over 16 students; flagged below -0.1 with at least 10" in words["bottomnegative-discrimination"]
    assert "(7 students) is more common than the right one (6 students)" in words["splitwrong-beats-right"]
    assert "1 known mistake nobody made, though 16 students answered wrong" in words["hardunused-mistake"]


def test_negative_discrimination_is_flagged_only_where_it_means_something() -> None:
    """The instructor's trial: five students and r = -0.17 was flagged. Now: at least 10 students who
    count, and r below -0.1."""
    small = [_part("a", [1.0, 0.0, 1.0, 0.0, 1.0]), _part("b", [1.0, 1.0, 0.0, 0.0, 1.0]),
             _part("c", [0.0, 1.0, 1.0, 0.0, 0.0])]
    figures = analyse(small)
    assert any(p.discrimination is not None and p.discrimination < -0.1 for p in figures.parts)
    assert not [f for f in figures.flags if f.kind == "negative-discrimination"]
    # 40 students, r slightly negative (-0.05): noise, not flagged
    base = [1.0] * 20 + [0.0] * 20
    noisy = [1.0] * 10 + [0.0] * 10 + [1.0] * 11 + [0.0] * 9
    parts = [_part("base", base), _part("noisy", noisy)]
    r = analyse(parts).parts[1].discrimination
    assert r is not None and -0.1 < r < 0
    assert not [f for f in analyse(parts).flags if f.kind == "negative-discrimination"]
    # 12 students, clearly negative: flagged
    strong = [1.0] * 6 + [0.0] * 6
    parts = [_part("s1", strong), _part("s2", strong), _part("rev", [0.0] * 5 + [1.0] * 7)]
    assert [f.part for f in analyse(parts).flags if f.kind == "negative-discrimination"] == ["rev"]


def test_one_student_is_singular() -> None:
    parts = [_part("a", [1.0, 0.0, 0.0], top_wrong=(2, "0"))]
    words = " ".join(f.words for f in analyse(parts).flags)
    assert "(2 students) is more common than the right one (1 student)" in words
    assert "1 students" not in words


def test_wrong_beats_right_within_the_group_s_variant() -> None:
    """A randomised part: 6 wrong answers of variant alpha=0.1 against 2 right of that variant
    (10 right over both variants). Compared with the 10, no flag; with the 2 of its variant, one,
    asking whether it is right for another variant."""
    statuses = ("incorrect",) * 6 + ("correct",) * 2 + ("correct",) * 8
    variants = ("alpha=0.1",) * 8 + ("alpha=2",) * 8
    scores = tuple(1.0 if s == "correct" else 0.0 for s in statuses)
    part = PartAnswers("elu.a", 1.0, scores, statuses, (6, "0.1 if x < 0 else 1"), (), variants, "alpha=0.1")
    (flag,) = [f for f in analyse([part]).flags if f.kind == "wrong-beats-right"]
    assert "(6 students) is more common than the right one of variant `alpha=0.1` (2 students)" in flag.words
    assert "right for another variant" in flag.words
    fewer = PartAnswers("elu.a", 1.0, scores, statuses, (6, "x"), (), ("alpha=0.1",) * 14 + ("alpha=2",) * 2,
                        "alpha=0.1")  # 6 wrong against 8 right of alpha=0.1: nothing to say
    assert [f for f in analyse([fewer]).flags if f.kind == "wrong-beats-right"] == []


def test_too_few_students_or_none() -> None:
    one = analyse([_part("a", [1.0]), _part("b", [0.0])])
    assert one.parts[0].discrimination is None and one.totals.sd is None
    assert one.totals.q1 == one.totals.q3 == one.totals.median == 1.0
    none = analyse([_part("a", [])])
    assert none.parts[0].difficulty is None and none.totals.mean is None and none.flags == ()
    assert none.parts[0].invalid_percent is None and none.to_json()["parts"][0]["invalid_percent"] is None
    assert analyse([]).totals.students == 0


def test_invalid_answers_are_counted() -> None:
    part = PartAnswers("a", 1.0, (0.0, 0.0, 1.0, 0.0), ("invalid", "missing", "correct", "invalid"))
    figures = analyse([part]).parts[0]
    assert (figures.invalid, figures.invalid_percent, figures.correct) == (2, 50.0, 1)
