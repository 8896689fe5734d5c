"""Item analysis of a class's answers, as an LMS quiz report shows it (Moodle's facility and
discrimination indices): per part its difficulty and discrimination, the totals' spread, and
flags an instructor can act on. `summary.md`, `results.json`, `report.html` (grader.batch) and the
class server's instructor page (grader.serve) all compute their figures here, so they agree.

- difficulty: the mean score fraction of the part (points / the part's points), 0 to 1; 1 is easy.
- discrimination: Pearson's correlation of the part's score with the total of the *other* parts,
  over the students who count (the part is left out of the total, or a part would correlate with
  itself). None when it is undefined: fewer than 2 students, or either side has no variance.
- totals: mean, median, standard deviation (the sample's, n - 1, as Moodle and spreadsheets' STDEV),
  and quartiles by linear interpolation between the sorted totals (numpy's default, spreadsheets'
  QUARTILE.INC, `statistics.quantiles(method="inclusive")`).

Pure arithmetic on numbers the callers read from graded answers: nothing here grades.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from grader.sheets import variants
from grader.sheets.model import Sheet
from grader.text.numbers import num, plural

QUARTILES = "linear interpolation (numpy's default, QUARTILE.INC)"
# Negative discrimination is flagged only where it says something: on a handful of students one
# student's luck makes r swing by ±0.3, and a slightly negative r is noise at any size.
NEGATIVE_MIN_STUDENTS = 10
NEGATIVE_BELOW = -0.1
FlagKind = Literal["nobody-right", "negative-discrimination", "unused-mistake", "wrong-beats-right"]


@dataclass(frozen=True)
class PartAnswers:
    """One part's answers that count, one per student, students in the same order in every part."""

    address: str
    points: float  # what the part is worth
    scores: tuple[float, ...]  # each student's points (a missing answer: 0)
    statuses: tuple[str, ...]  # each student's status: correct, incorrect, invalid, error, missing
    top_wrong: tuple[int, str] | None = None  # (students, answer text) of the largest wrong-answer group
    unused_mistakes: tuple[str, ...] = ()  # the sheet's known mistakes (their messages) nobody's answer matched
    # Randomised questions: each student's variant (`alpha=0.1`) and the variant of the largest
    # wrong-answer group (a group is one variant's answers).
    variants: tuple[str, ...] = ()
    top_variant: str = ""


@dataclass(frozen=True)
class PartFigures:
    address: str
    points: float
    students: int
    difficulty: float | None  # mean score fraction; None with no students or a part worth 0
    discrimination: float | None  # None where undefined
    correct: int
    invalid: int
    top_wrong: tuple[int, str] | None

    @property
    def invalid_percent(self) -> float | None:
        """None with no students: 0 of 0 is no percentage."""
        return 100.0 * self.invalid / self.students if self.students else None


@dataclass(frozen=True)
class Totals:
    """The students' totals; every figure None when there are none (standard deviation: fewer than 2)."""

    students: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    q1: float | None
    q3: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    part: str
    words: str  # a sentence that says what was found and what to look at


@dataclass(frozen=True)
class ItemAnalysis:
    parts: tuple[PartFigures, ...]
    totals: Totals
    flags: tuple[Flag, ...]
    histogram: tuple[tuple[float, int], ...]  # (total, students with it), by total

    def to_json(self) -> dict[str, Any]:
        t = self.totals
        return {
            "students": t.students,
            "totals": {"mean": t.mean, "median": t.median, "sd": t.sd, "q1": t.q1, "q3": t.q3, "min": t.low,
                       "max": t.high, "max_total": t.max_total, "quartile_method": QUARTILES,
                       "histogram": [{"total": total, "students": n} for total, n in self.histogram]},
            "parts": [{"address": p.address, "points": p.points, "students": p.students, "difficulty": p.difficulty,
                       "discrimination": p.discrimination, "correct": p.correct, "invalid": p.invalid,
                       "invalid_percent": None if p.invalid_percent is None else _round(p.invalid_percent),
                       "top_wrong": None if p.top_wrong is None else {"students": p.top_wrong[0],
                                                                      "answer": p.top_wrong[1]}}
                      for p in self.parts],
            "flags": [{"kind": f.kind, "part": f.part, "words": f.words} for f in self.flags],
        }


def analyse(parts: Sequence[PartAnswers]) -> ItemAnalysis:
    """The figures of parts whose `scores` line up student by student."""
    n = len(parts[0].scores) if parts else 0
    if any(len(p.scores) != n or len(p.statuses) != n or len(p.variants) not in (0, n) for p in parts):
        raise ValueError("every part needs one score and one status (and variant, if any) per student")
    totals = [sum(p.scores[i] for p in parts) for i in range(n)]
    figures = tuple(_part(p, totals) for p in parts)
    flags = tuple(flag for p, f in zip(parts, figures, strict=True) for flag in _flags(p, f))
    max_total = sum(p.points for p in parts)
    counts: dict[float, int] = {}
    for total in totals:
        counts[_round(total)] = counts.get(_round(total), 0) + 1
    return ItemAnalysis(figures, _totals(totals, max_total), flags, tuple(sorted(counts.items())))


def _part(p: PartAnswers, totals: Sequence[float]) -> PartFigures:
    n = len(p.scores)
    difficulty = _round(sum(s / p.points for s in p.scores) / n) if n and p.points else None
    rest = [total - score for total, score in zip(totals, p.scores, strict=True)]
    return PartFigures(p.address, p.points, n, difficulty, _correlation(p.scores, rest),
                       p.statuses.count("correct"), p.statuses.count("invalid"), p.top_wrong)


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than 2 pairs, or a side without variance)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    dx, dy = [x - mx for x in xs], [y - my for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if sxx <= 1e-12 * max(1.0, mx * mx) * n or syy <= 1e-12 * max(1.0, my * my) * n:
        return None  # constant up to rounding: 0.1 + 0.2 style noise is no variance
    r = math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
    return _round(max(-1.0, min(1.0, r)))


def _totals(totals: Sequence[float], max_total: float) -> Totals:
    if not totals:
        return Totals(0, max_total, None, None, None, None, None, None, None)
    ordered = sorted(totals)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        sd: float | None = statistics.stdev(ordered)
    else:
        q1 = q3 = ordered[0]
        sd = None
    return Totals(len(ordered), max_total, _round(statistics.fmean(ordered)), _round(statistics.median(ordered)),
                  None if sd is None else _round(sd), _round(q1), _round(q3), _round(ordered[0]), _round(ordered[-1]))


def _flags(p: PartAnswers, f: PartFigures) -> list[Flag]:
    flags = []
    missing = p.statuses.count("missing")
    nobody = bool(f.students and f.correct == 0 and missing < f.students)  # a part nobody answered says nothing
    if nobody:
        unanswered = f" ({missing} did not answer it)" if missing else ""
        flags.append(Flag("nobody-right", p.address, f"`{p.address}`: nobody of {f.students} got it right{unanswered}; "
                          "check its reference, or what the question asks."))
    if f.discrimination is not None and f.discrimination < NEGATIVE_BELOW and f.students >= NEGATIVE_MIN_STUDENTS:
        flags.append(Flag("negative-discrimination", p.address,
                          f"`{p.address}`: negative discrimination ({f.discrimination:.2f} over {f.students} students; "
                          f"flagged below {NEGATIVE_BELOW} with at least {NEGATIVE_MIN_STUDENTS}): students who did "
                          "well on the rest did worse here; check its reference and its known mistakes' scores."))
    if not nobody:  # nobody right: any wrong group beats the right one, and the flag above says more
        flags += _wrong_beats_right(p, f)
    if p.unused_mistakes and "incorrect" in p.statuses:  # with no wrong answer at all, an unused mistake says nothing
        listed = "; ".join(f'"{_short(m)}"' for m in p.unused_mistakes)
        flags.append(Flag("unused-mistake", p.address,
                          f"`{p.address}`: {plural(len(p.unused_mistakes), 'known mistake')} nobody made, though "
                          f"{plural(p.statuses.count('incorrect'), 'student')} answered wrong: {listed}. Worded for "
                          "answers students do not give?"))
    return flags


def _wrong_beats_right(p: PartAnswers, f: PartFigures) -> list[Flag]:
    """The largest wrong-answer group against the right answers of the same variant (a group is one
    variant's answers: on a randomised question the other variants' right answers are other functions)."""
    if f.top_wrong is None:
        return []
    wrong = f.top_wrong[0]  # its text is in the table: student text stays out of the flag's words
    if p.top_variant and p.variants:
        right = sum(1 for s, v in zip(p.statuses, p.variants, strict=True) if s == "correct" and v == p.top_variant)
        where = f" of variant `{p.top_variant}`"
    else:
        right, where = f.correct, ""
    if wrong <= right:
        return []
    # Whether it is right for another variant only `grader grade` knows (it grades wrong answers at the
    # other variants); its wrong-answer group says so. The words stay the same on the instructor page.
    elsewhere = (" Is it right after all, or right for another variant (its wrong-answer group says so: "
                 "another variant's question answered), or is the question misleading?" if p.top_variant
                 else " Is it right after all, or is the question misleading?")
    return [Flag("wrong-beats-right", p.address,
                 f"`{p.address}`: one wrong answer ({plural(wrong, 'student')}) is more common than"
                 f" the right one{where} ({plural(right, 'student')}).{elsewhere}")]


def unused_mistakes(sheet: Sheet, address: str, matched: Iterable[tuple[int | None, str]]) -> tuple[str, ...]:
    """The known mistakes of `address` (their messages on the sheet as written) that no answer matched.
    `matched`: (seed, message) of each answer that matched one; on a randomised sheet the message
    carries the student's variant's values, so it is looked up in the student's variant, by position."""
    try:
        written = sheet.part(address).mistakes
    except (KeyError, LookupError, ValueError):
        return ()
    used: set[int] = set()
    messages: dict[int | None, tuple[str, ...]] = {}
    for seed, message in matched:
        if seed not in messages:
            messages[seed] = tuple(m.message for m in variants.pick(sheet, seed).part(address).mistakes)
        used.update(i for i, m in enumerate(messages[seed]) if m == message)
    return tuple(m.message for i, m in enumerate(written) if i not in used)


def chart_data(items: ItemAnalysis) -> dict[str, Any]:
    """What static/charts.js draws: the histogram of totals in bars of `width` points (1 up to 20
    points, then a twentieth of the total, whole), from 0 to the full total (its own bar), and each
    part's difficulty and discrimination (null: not drawn)."""
    top = items.totals.max_total
    width = 1.0 if top <= 20 else float(math.ceil(top / 20))
    bars = int(top // width) + 1
    counts = [0] * bars
    for total, n in items.histogram:
        counts[max(0, min(int(total // width), bars - 1))] += n
    lows = [i * width for i in range(bars)]
    return {
        "histogram": {"x": lows, "y": counts, "width": width,
                      "labels": [num(low) if width == 1 else f"{num(low)}–{num(low + width)}" for low in lows]},
        "parts": {"labels": [p.address for p in items.parts], "difficulty": [p.difficulty for p in items.parts],
                  "discrimination": [p.discrimination for p in items.parts]},
    }


def _short(text: str, width: int = 70) -> str:
    """One line of at most `width` characters; never cut inside `$…$` (a lone `$` would pair with the next one)."""
    one = " ".join(text.split())
    if len(one) <= width:
        return one
    kept = one[: width - 1]
    if kept.count("$") % 2:
        kept = kept[: kept.rindex("$")].rstrip()
    return kept + "…"


def _round(value: float) -> float:
    return round(value, 6) + 0.0  # + 0.0: no -0.0 in a report
