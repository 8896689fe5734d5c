"""The speed-ups are exact: every cache gives the same results as no cache, and never goes stale."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
import sympy

from grader import sheets
from grader.core import caches
from grader.core.errors import SheetErrors
from grader.equivalence import KinkPolicy, compare, decide, fallbacks, memo
from grader.grading import grade as grading
from grader.grading.results import Result
from grader.parsing import symbol
from grader.sheets import cache as sheet_cache
from grader.sheets.model import Sheet

X = symbol("x")
E = sympy.exp

# Answers of every kind: right in several spellings, wrong, matching known mistakes, piecewise, at
# kinks, derivations, numbers, choices, unreadable.
ANSWERS = [
    ("sigmoid.a", "e^(-x)/(1+e^(-x))^2"), ("sigmoid.a", "σ(x)(1-σ(x))"), ("sigmoid.a", "σ(x) (1 - σ(x))"),
    ("sigmoid.a", "1/(4cosh(x/2)^2)"), ("sigmoid.a", "-e^(-x)/(1+e^(-x))^2"), ("sigmoid.a", "σ(x)(1+σ(x))"),
    ("sigmoid.a", "x*e^(-x)/(1+e^(-x))^2"), ("sigmoid.a", "e^-x/(1+e^-x"), ("sigmoid.a", "0.25"),
    ("tanh.a", "sech^2 x"), ("tanh.a", "1 - tanh(x)^2"), ("tanh.a", "1 + tanh(x)^2"), ("tanh.a", "2sech(x)^2"),
    ("relu.a", "Heaviside(x)"), ("relu.a", "Heaviside(x, 2)"), ("relu.a", "(x + abs(x))/(2x)"),
    ("relu.a", "1 if x < 0 else 0"), ("relu.a", "sign(x)"),
    ("sigmoid.b", "e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x)) * e^(-x)/(1+e^(-x))\n= σ(x)(1-σ(x))"),
    ("sigmoid.b", "e^-x/(1+e^-x)^2\n= (1/(1+e^-x))(1 - 1/(1+e^-x))\n= σ(x)(1+σ(x))"),
    ("tanh.b", "4/(e^x+e^(-x))^2\n= sech(x)^2\n= 1 - tanh(x)^2"),
    ("relu.b.left", "0.0"), ("relu.b.right", "2/2"), ("relu.b.right", "-1"), ("relu.b.at_zero", "1/2"),
    ("relu.b.differentiable", "No"), ("relu.b.differentiable", "yes"),
]


def _same(result: Result) -> Result:
    return dataclasses.replace(result, seconds=0.0)  # the only field that may differ: time taken


def test_grading_gives_the_same_results_with_and_without_caches(sheet: Sheet) -> None:
    uncached = []
    for address, text in ANSWERS:
        caches.clear()  # nothing cached from any earlier answer
        uncached.append(_same(grading.grade(sheet, address, text)))
    for address in sheet.parts:  # what a grading process does once per part
        grading.prepare(sheet, address)
    for address, text in ANSWERS:  # warm: the same sheet, answers and mistakes, all caches in use
        grading.grade(sheet, address, text)
    warm = [_same(grading.grade(sheet, address, text)) for address, text in ANSWERS]
    assert warm == uncached


def test_clearing_finds_every_cache() -> None:
    assert caches.clear() >= 6  # decisions, expansions, printing, compiled closures, reference values, ...
    assert not memo._decision_cache


PAIRS = [
    (E(-X) / (1 + E(-X)) ** 2, 1 / (4 * sympy.cosh(X / 2) ** 2), {}),
    (E(-X) / (1 + E(-X)) ** 2, -E(-X) / (1 + E(-X)) ** 2, {}),
    (sympy.Piecewise((0, X < 0), (1, X > 0)), sympy.Heaviside(X, 2), {}),
    (sympy.Piecewise((0, X < 0), (1, X > 0)), sympy.Heaviside(X, 2), {"kink_policy": KinkPolicy("any")}),
    (sympy.log(X**2), 2 * sympy.log(X), {"mode": "both"}),
    (sympy.log(X**2), 2 * sympy.log(X), {}),
]


@pytest.mark.parametrize(("ref", "ans", "options"), PAIRS)
def test_a_remembered_decision_is_the_decision(ref: sympy.Expr, ans: sympy.Expr, options: dict[str, object]) -> None:
    memo._decision_cache.clear()
    fresh = decide.compare(ref, ans, [X], **options)  # type: ignore[arg-type]
    first = compare(ref, ans, [X], **options)  # type: ignore[arg-type]
    again = compare(ref, ans, [X], **options)  # type: ignore[arg-type]
    assert first == fresh
    assert again is first  # from the cache


def test_options_are_part_of_the_key() -> None:
    ref, ans = PAIRS[2][0], PAIRS[2][1]
    strict = compare(ref, ans, [X])
    lenient = compare(ref, ans, [X], kink_policy=KinkPolicy("any"))
    assert (strict.verdict, lenient.verdict) == ("different", "equivalent")


def test_a_decision_cut_short_by_time_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    real = decide.compare

    def hurried(*args: object, **kwargs: object) -> object:
        fallbacks.cut()  # as _with_budget does when a sub-budget runs out
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decide, "compare", hurried)
    memo._decision_cache.clear()
    compare(E(X), E(X) + 0 * X, [X])
    assert not memo._decision_cache


# --- the parsed-sheet cache on disk ---------------------------------------------------------------


@pytest.fixture
def cache_dir(cache_home: Path) -> Path:
    return cache_home / "sheets"


@pytest.fixture
def sheet_file(tmp_path: Path) -> Path:
    path = tmp_path / "my-sheet.yaml"
    path.write_text((sheets.bundled_dir() / "activation-derivatives.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    return path


def test_a_cached_sheet_is_the_sheet_and_grades_alike(cache_dir: Path, sheet_file: Path) -> None:
    built = sheet_cache.load(str(sheet_file))
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    cached = sheet_cache.load(str(sheet_file))
    assert cached is not built and cached == sheets.load(str(sheet_file))
    for address, text in ANSWERS:
        assert _same(grading.grade(cached, address, text)) == _same(grading.grade(built, address, text))


def test_the_cache_follows_the_sheet_file(cache_dir: Path, sheet_file: Path) -> None:
    assert sheet_cache.load(str(sheet_file)).title == "Derivatives of Common Activation Functions"
    text = sheet_file.read_text(encoding="utf-8")
    sheet_file.write_text(text.replace("Derivatives of Common Activation Functions", "Edited"), encoding="utf-8")
    assert sheet_cache.load(str(sheet_file)).title == "Edited"
    sheet_file.write_text(text.replace("answer: e^(-x)/(1 + e^(-x))^2", "answer: e^(-x)/(1 + e^(-x))^3"),
                          encoding="utf-8")
    changed = sheet_cache.load(str(sheet_file))
    assert grading.grade(changed, "sigmoid.a", "σ(x)(1-σ(x))").status == "incorrect"
    assert len(list(cache_dir.glob("*.pickle"))) == 3


def test_a_broken_entry_is_rebuilt_and_errors_are_never_cached(cache_dir: Path, sheet_file: Path) -> None:
    sheet_cache.load(str(sheet_file))
    (entry,) = cache_dir.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:100])  # truncated
    assert sheet_cache.load(str(sheet_file)) == sheets.load(str(sheet_file))
    entry.write_bytes(b"grader-sheet-cache-1" + pickle.dumps("not a sheet"))
    assert sheet_cache.load(str(sheet_file)) == sheets.load(str(sheet_file))
    sheet_file.write_text("id: broken\nquestions: 3\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SheetErrors):
            sheet_cache.load(str(sheet_file))


def test_the_key_covers_the_grader_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = sheet_cache._key(b"sheet", "s.yaml")
    monkeypatch.setattr(sheet_cache, "code_fingerprint", lambda: "another version of the grader")
    assert sheet_cache._key(b"sheet", "s.yaml") != before


def test_no_cache_when_turned_off_or_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GRADER_NO_CACHE", "1")
    assert sheet_cache.cache_dir() is None
    monkeypatch.delenv("GRADER_NO_CACHE")
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets").chmod(0o777)  # others could plant a pickle there
    assert sheet_cache.cache_dir() is None
    (tmp_path / "sheets").chmod(0o700)
    assert sheet_cache.cache_dir() == tmp_path / "sheets"


@pytest.mark.parametrize(("value", "off"), [("1", True), ("yes", True), ("0", False), ("false", False),
                                            ("no", False), ("", False)])
def test_grader_no_cache_reads_as_it_says(value: str, off: bool, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """GRADER_NO_CACHE=0 turned the caches off: any value did."""
    from grader.sheets.cache import cache_dir

    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRADER_NO_CACHE", value)
    assert (cache_dir("verify") is None) is off
