"""`grader verify`'s results cached by content (grader.verify.cache): a run from the cache says, byte for
byte, what a run without it says; any change to what a file's checks read checks it again; the cache
never hides a problem."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.core import limits
from grader.sheets import cache as sheet_cache
from grader.verify import cache, items, workers

runner = CliRunner()

SHEET = """\
id: scaled
title: Scaled squares
questions:
  - id: sq
    statement: 'Let $f(x) = ({k} x)^2$.'
    parameters:
      k: [2, 3]
    function: (k*x)^2
    parts:
      - {id: a, ask: 'Find $f''(x)$.', kind: expression, answer: 2*k^2*x, derivative: true}
  - id: cube
    statement: 'Let $g(x) = (1 + x^2)^2$.'
    function: (1 + x^2)^2
    parts:
      - id: a
        ask: 'Find $g''(x)$.'
        kind: expression
        answer: 4*x*(1 + x^2)
        derivative: true
        mistakes:
          - {answer: 2*(1 + x^2), message: 'The chain rule: times the derivative of the inside, $2x$.'}
"""
WORKED = """\
sheet: scaled
solutions:
  sq.a:
    title: 'The chain rule'
    steps:
      - say: 'By the chain rule,'
        math: '\\frac{d}{dx}({k}x)^2 = 2 ({k}x) \\cdot {k}'
    result: '\\frac{d}{dx}({k}x)^2 = 2 \\cdot {k}^2 x'
  cube.a:
    title: 'The chain rule'
    steps:
      - say: 'By the chain rule,'
        math: '\\frac{d}{dx}(1 + x^2)^2 = 2 (1 + x^2) \\cdot 2x = 4 x (1 + x^2)'
    result: '\\frac{d}{dx}(1 + x^2)^2 = 4 x (1 + x^2)'
"""
FALSE_STEP = ("2 ({k}x) \\cdot {k}'", "2 ({k}x) \\cdot 2'")  # holds for k = 2 only
ALL_FORMATS = [[], ["--diagnosis"], ["--format", "json"], ["--format", "github"], ["solutions/"],
               ["exercises/week.yaml"]]


@pytest.fixture
def folder(cache_home: Path) -> Path:
    """The cache's own folder, empty; GRADER_NO_CACHE unset."""
    return cache_home / "verify"


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "course"
    (root / "exercises").mkdir(parents=True)
    (root / "solutions").mkdir()
    (root / "exercises" / "week.yaml").write_text(SHEET, encoding="utf-8")
    (root / "solutions" / "week-worked.yaml").write_text(WORKED, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files whose checks ran (were not replayed from the cache), in order."""
    ran: list[str] = []
    real = items.items_for

    def counting(path: Path, known: object = None) -> Iterator[items.Item]:
        ran.append(path.as_posix())
        return real(path, known)  # type: ignore[arg-type]

    monkeypatch.setattr(items, "items_for", counting)
    yield ran


def verify(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("broken", [False, True])
def test_a_run_from_the_cache_says_what_a_run_without_it_says(folder: Path, course: Path, checked: list[str],
                                                               broken: bool) -> None:
    if broken:
        edit(course / "solutions" / "week-worked.yaml", *FALSE_STEP)
    for args in ALL_FORMATS:
        without = verify("--no-cache", *args)
        checked.clear()
        first = verify(*args)  # the first fills the cache, the others add `--diagnosis` notes or reuse it
        assert bool(checked) is (args in ([], ["solutions/"])), args  # alone: against the sheet found beside
        checked.clear()
        second = verify(*args)
        assert checked == [], args  # every file replayed
        assert first == second == without, args
        assert (without[0] == 1) is broken, without
    assert "[fails for k=3, holds for k=2]" in without[1] or not broken


def test_no_cache_neither_reads_nor_writes_it(folder: Path, course: Path, checked: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    verify("--no-cache")
    assert not folder.exists() or not list(folder.iterdir())
    verify()
    assert list(folder.glob("*.json"))
    checked.clear()

    def no_reading(*args: object) -> None:
        raise AssertionError("read the cache")

    monkeypatch.setattr(cache.Store, "runs", no_reading)
    monkeypatch.setattr(cache.Store, "notes", no_reading)
    before = {p: p.read_bytes() for p in folder.iterdir()}
    assert verify("--no-cache", "--diagnosis")[0] == 0
    assert checked == ["exercises/week.yaml", "solutions/week-worked.yaml"]
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    monkeypatch.setenv("GRADER_NO_CACHE", "1")  # as for the parsed-sheet cache
    assert verify("--diagnosis")[0] == 0


def test_a_step_made_false_after_a_clean_run_is_reported(folder: Path, course: Path, checked: list[str]) -> None:
    """The test that would catch a stale cache: a solution verified clean, then edited to be wrong."""
    assert verify() == (0, "", verify("--no-cache")[2])
    edit(course / "solutions" / "week-worked.yaml", *FALSE_STEP)
    checked.clear()
    code, out, _ = verify()
    assert code == 1 and "solutions/week-worked.yaml:7:" in out and "does not hold" in out, out
    assert checked == ["solutions/week-worked.yaml"]  # the sheet did not change: replayed
    assert verify() == verify("--no-cache")


def test_an_edited_sheet_checks_its_solutions_again(folder: Path, course: Path, checked: list[str]) -> None:
    assert verify()[0] == 0
    # the sheet's function changes and its answer with it: the sheet checks clean, its worked solution is
    # now of another function, which only the solutions file's checks can say
    sheet = course / "exercises" / "week.yaml"
    edit(sheet, "function: (1 + x^2)^2", "function: (1 + x^2)^3")
    edit(sheet, "answer: 4*x*(1 + x^2)\n", "answer: 6*x*(1 + x^2)^2\n")
    checked.clear()
    code, out, _ = verify()
    assert checked == ["exercises/week.yaml", "solutions/week-worked.yaml"]
    assert code == 1 and out.startswith("solutions/week-worked.yaml:"), out
    assert (code, out) == verify("--no-cache")[:2]
    edit(sheet, "answer: 6*x*(1 + x^2)^2\n", "answer: 6*x*(1 + x^2)\n")  # and now the sheet is wrong too
    code, out, _ = verify()
    assert "exercises/week.yaml:" in out and "is not the derivative" in out, out


def test_a_sheet_that_appears_beside_its_solutions_is_used(folder: Path, course: Path, checked: list[str]) -> None:
    sheet = course / "exercises" / "week.yaml"
    sheet.rename(course / "week.yaml")  # no `exercises/` holds it: the solutions' sheet is not found
    code, out, _ = verify("solutions/")
    assert code == 1 and "no sheet has `id: scaled`" in out
    assert verify("solutions/")[1] == out
    (course / "week.yaml").rename(sheet)
    assert verify("solutions/")[:2] == (0, "")
    edit(sheet, "function: (1 + x^2)^2", "function: (1 + x^2)^3")  # the sheet they are checked against changed
    edit(sheet, "answer: 4*x*(1 + x^2)\n", "answer: 6*x*(1 + x^2)^2\n")
    code, out, _ = verify("solutions/")
    assert code == 1 and out.startswith("solutions/week-worked.yaml:"), out
    assert (code, out) == verify("--no-cache", "solutions/")[:2]


def test_the_grader_code_is_in_the_key(folder: Path, course: Path, checked: list[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    verify()
    checked.clear()
    verify()
    assert checked == []
    monkeypatch.setattr(sheet_cache, "code_fingerprint", lambda: "another version of the grader")
    verify()
    assert checked == ["exercises/week.yaml", "solutions/week-worked.yaml"]
    monkeypatch.setenv("SYMPY_GROUND_TYPES", "python")  # the maths libraries' settings too
    checked.clear()
    verify()
    assert len(checked) == 2


def test_a_corrupt_entry_is_checked_again(folder: Path, course: Path, checked: list[str]) -> None:
    edit(course / "solutions" / "week-worked.yaml", *FALSE_STEP)
    expected = verify("--no-cache", "--diagnosis")
    verify("--diagnosis")
    entries = sorted(folder.glob("*.json"))
    assert len(entries) == 4  # the sheet's checks and notes; the solutions' sheet id, and checks against it
    for damage in (lambda b: b[: len(b) // 2], lambda b: b"\xff\xfe not json",
                   lambda b: json.dumps({**json.loads(b), "runs": [["a", "", [["x", "one", 1, "m"]]]],
                                         "notes": 3, "sheet_id": 5}).encode(),
                   lambda b: json.dumps({**json.loads(b), "key": "0" * 64}).encode(),
                   lambda b: b"[]"):
        for entry in entries:
            entry.write_bytes(damage(entry.read_bytes()))
        checked.clear()
        assert verify("--diagnosis") == expected
        assert checked == ["exercises/week.yaml", "solutions/week-worked.yaml"]
    entries[0].unlink()
    assert verify("--diagnosis") == expected


def test_checks_cut_short_by_a_budget_are_not_kept(folder: Path, course: Path, checked: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    real = items.items_for

    def overrunning(path: Path, known: object = None) -> Iterator[items.Item]:
        monkeypatch.setattr(limits, "overruns", limits.overruns + 1)
        return real(path, known)  # type: ignore[arg-type]

    monkeypatch.setattr(items, "items_for", overrunning)
    verify()
    assert not list(folder.glob("*.json"))


def test_a_file_edited_while_it_is_checked_is_not_kept(folder: Path, course: Path, checked: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A false step fixed between the cache's look at the file and the checks' reading of it: what the checks
    found (clean) must not be kept as the result of the file with the false step."""
    worked = course / "solutions" / "week-worked.yaml"
    edit(worked, *FALSE_STEP)
    real = items.items_for

    def fixed_meanwhile(path: Path, known: object = None) -> Iterator[items.Item]:
        if path.name == worked.name:
            edit(worked, FALSE_STEP[1], FALSE_STEP[0])
        return real(path, known)  # type: ignore[arg-type]

    monkeypatch.setattr(items, "items_for", fixed_meanwhile)
    assert verify()[0] == 0  # the checks read the fixed file
    monkeypatch.setattr(items, "items_for", real)
    edit(worked, *FALSE_STEP)  # back to the bytes the cache looked at
    code, out, _ = verify()
    assert code == 1 and "does not hold" in out


def test_a_solutions_file_checked_alone_and_with_its_sheet_keeps_both(folder: Path, course: Path,
                                                                      checked: list[str]) -> None:
    """Given alone, its sheet is found beside it (named alike here, but not among the files checked): two
    entries, each kept, not one overwriting the other."""
    for args in ([], ["solutions/"], [], ["solutions/"]):
        verify(*args)
    checked.clear()
    verify()
    verify("solutions/")
    assert checked == []


# --- the checks in worker processes (grader.verify.workers) -----------------------------------------------


@pytest.fixture
def few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for the few checks of the small course here."""
    monkeypatch.setattr(workers, "FEWEST", 1)


@pytest.mark.system  # verify's two worker processes against this process's run
@pytest.mark.parametrize("broken", [False, True])
def test_workers_say_what_one_process_says(course: Path, few: None, broken: bool) -> None:
    if broken:
        edit(course / "solutions" / "week-worked.yaml", *FALSE_STEP)
        edit(course / "exercises" / "week.yaml", "answer: 4*x*(1 + x^2)\n", "answer: 4*x*(1 + x)\n")
    alone = verify("--no-cache", "--jobs", "1", "--diagnosis")
    assert verify("--no-cache", "--jobs", "2", "--diagnosis") == alone
    assert (alone[0] == 1) is broken


@pytest.mark.system  # verify's worker processes, one raising, one dying
def test_a_check_that_fails_in_a_worker_is_run_again_here(course: Path, few: None, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    edit(course / "solutions" / "week-worked.yaml", *FALSE_STEP)
    alone = verify("--no-cache", "--jobs", "1")
    assert alone[0] == 1
    parent = os.getpid()
    real = items.items_for
    ran = tmp_path / "a worker ran"

    Check = Callable[[], list[items.Problem]]

    def in_workers(run: Check, then: Callable[[], object]) -> Check:
        def checked() -> list[items.Problem]:
            if os.getpid() == parent:
                return run()
            ran.touch()
            then()
            return []
        return checked

    def failing(path: Path, known: object = None) -> Iterator[items.Item]:
        for item in real(path, known):  # type: ignore[arg-type]
            yield dataclasses.replace(item, run=in_workers(item.run, lambda: 1 / 0))

    def dying(path: Path, known: object = None) -> Iterator[items.Item]:
        for item in real(path, known):  # type: ignore[arg-type]
            yield dataclasses.replace(item, run=in_workers(item.run, lambda: os._exit(9)))

    for checks in (failing, dying):
        monkeypatch.setattr(items, "items_for", checks)
        ran.unlink(missing_ok=True)
        assert verify("--no-cache", "--jobs", "2") == alone
        assert ran.exists()


@pytest.mark.system  # starts two worker processes and has them killed
def test_an_interrupt_stops_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the workers check: they are stopped (killed), not left to finish their checks."""
    checks = [items.Item("f.yaml", f"c{i}", lambda: time.sleep(60) or []) for i in range(workers.FEWEST)]
    statuses: list[int] = []
    real_waitpid = os.waitpid

    def waitpid(pid: int, options: int) -> tuple[int, int]:
        found = real_waitpid(pid, options)
        statuses.append(found[1])
        return found

    def interrupted(read: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "waitpid", waitpid)
    monkeypatch.setattr(workers, "_results", interrupted)
    with pytest.raises(KeyboardInterrupt):
        workers.run_all(checks, 2)
    assert len(statuses) == 2  # each worker reaped
    assert all(os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGKILL for s in statuses), statuses
