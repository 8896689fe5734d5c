"""Class mode prepares every part before it opens: the grading workers are forked from a forkserver
that loaded the sheets and prepared their parts (grader.serve.prepared), so that no worker, nor the
replacement of one killed by a hostile answer, makes a class wait while it prepares."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from grader import sheets
from grader.core import caches
from grader.grading.grade import grade
from grader.serve import prepared, work
from grader.sheets import variants
from grader.sheets.bundled import resolve
from grader.sheets.model import Expression

PIECEWISE = str(resolve("piecewise-activations"))  # questions of 3 variants beside questions of one
SIGMOID = str(resolve("activation-derivatives"))


def test_every_part_at_every_variant_is_planned_the_first_variants_first() -> None:
    sheet = sheets.load(PIECEWISE)
    planned = work.preparations([(PIECEWISE, sheet)])
    wanted = {(PIECEWISE, part.address, i) for q in sheet.questions for part in q.parts
              for i in range(variants.variant_count(q))}
    assert set(planned) == wanted and len(planned) == len(wanted)
    indexes = [index for _, _, index in planned]
    assert indexes == sorted(indexes) and indexes[-1] == 2  # a budget that runs out leaves later variants
    assert [a for _, a, i in planned if i == 0] == list(sheet.parts)


@pytest.mark.system  # prepares in a fresh `python -c` process
def test_preparing_stops_when_its_time_is_up_and_skips_a_sheet_it_cannot_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nquestions: [\n", encoding="utf-8")
    code = textwrap.dedent(f"""
        import json
        from grader.serve import work
        nothing = work.prepare_parts([{str(broken)!r}, {SIGMOID!r}], 0.0)
        everything = work.prepare_parts([{str(broken)!r}, {SIGMOID!r}], 60.0)
        print(json.dumps([nothing, everything, work.prepared()]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    nothing, everything, done = json.loads(out.stdout)
    assert nothing == 0
    assert everything == len(sheets.load(SIGMOID).parts) and {path for path, _, _ in done} == {SIGMOID}


def _entries() -> dict[str, int]:
    sizes: dict[str, Any] = caches.registered()
    return {name: cache.cache_info().currsize if hasattr(cache, "cache_info") else len(cache)
            for name, cache in sizes.items()}


def test_what_is_prepared_is_what_grading_a_students_variant_uses() -> None:
    """Prepared by variant index, used by a student's seed: grading each part's own answer at each
    variant, as the server's worker does, then finds everything in the caches (nothing is added)."""
    caches.clear()
    work.prepare_parts([PIECEWISE], 120.0)
    sheet = sheets.load(PIECEWISE)
    graded = 0
    for question in sheet.questions:
        count = variants.variant_count(question)
        seeds = {variants.index_for(seed, sheet.id, question.id, count): seed for seed in range(200)}
        assert len(seeds) == count
        for part in question.parts:
            for seed in seeds.values():
                scoped = work._sheet(PIECEWISE, seed, part.address)
                answer = getattr(scoped.part(part.address).expects, "answer", None)
                if isinstance(answer, Expression):
                    before = _entries()
                    grade(scoped, part.address, answer.text, pretty=False)
                    assert _entries() == before, (part.address, seed)
                    graded += 1
    assert graded > len(sheet.parts)  # other variants too


def _workers_born(preload: str, seconds: float = 60.0) -> dict[str, Any]:
    """In a fresh process (a forkserver is one per process): what a worker and the replacement of a
    worker killed at its deadline were born with prepared."""
    code = textwrap.dedent(f"""
        import json, os, time
        from grader.serve import work
        from grader.serve.workers import Workers
        from grader.serve import prepared
        os.environ[prepared.PLAN] = prepared.plan([{SIGMOID!r}], {seconds})
        pool = Workers(jobs=1, preload={preload})
        first = pool.run(work.prepared, deadline=10).value
        assert pool.run(time.sleep, 30, deadline=0.5).failure == "timeout"
        replacement = pool.run(work.prepared, deadline=10).value
        graded = pool.run(work.grade_answer, {SIGMOID!r}, 0, "sigmoid.a", "σ(x)(1-σ(x))", 3.0, deadline=10).value
        pool.close()
        print(json.dumps({{"first": first, "replacement": replacement, "status": [graded["status"]]}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.mark.system  # a fresh `python -c` process with its own forkserver and workers
def test_every_worker_and_every_replacement_is_born_with_the_parts_prepared() -> None:
    born = _workers_born('("grader.serve.prepared",)')
    parts = list(sheets.load(SIGMOID).parts)
    assert [address for _, address, _ in born["first"]] == parts
    assert born["replacement"] == born["first"]
    assert born["status"] == ["correct"]


@pytest.mark.system  # a fresh `python -c` process with its own forkserver and workers
def test_without_the_prepared_preload_workers_are_born_with_nothing_prepared() -> None:
    born = _workers_born('("grader.serve.work",)')
    assert born["first"] == born["replacement"] == [] and born["status"] == ["correct"]


@pytest.mark.system  # the server it runs in this process starts its worker processes (from a forkserver)
def test_practice_mode_prepares_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from grader.cli import app

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    monkeypatch.setenv(prepared.PLAN, "")  # restored afterwards: the command sets it for its forkserver
    for options, prepares in (((), False), (("--prepare",), True)):
        result = CliRunner().invoke(app, ["serve", "activation-derivatives", "--jobs", "1", "--port", "0",
                                          "--db", str(tmp_path / "p.sqlite"), *options])
        assert result.exit_code == 0, result.output
        assert ("preparing" in result.stderr) is prepares


@pytest.mark.system
def test_ctrl_c_while_preparing_stops_everything_quietly(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group; the forkserver, still importing its preload, printed a
    KeyboardInterrupt traceback, and only ignores SIGINT once it serves."""
    import os
    import signal
    import time

    (tmp_path / "roster.csv").write_text("student id,name\ns1,Ada\n", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "serve", "--class", "roster.csv", "--db", "class.sqlite", "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal starts it
    assert server.stderr is not None
    assert "preparing" in server.stderr.readline()
    time.sleep(0.5)  # the bundled sheets take seconds to prepare
    os.killpg(server.pid, signal.SIGINT)
    _, err = server.communicate(timeout=30)
    assert "Traceback" not in err and "prepared in" not in err, err
    end = time.monotonic() + 10  # the resource tracker leaves when the last process holding its pipe has
    while (left := subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout.split()) \
            and time.monotonic() < end:
        time.sleep(0.2)
    assert left == []


@pytest.mark.system  # a fresh `python -c` process with its own forkserver and its worker (and a replacement)
def test_every_worker_grades_the_sheet_as_the_server_loaded_it_after_the_file_is_edited(tmp_path: Path) -> None:
    """Each worker read the sheet file at its first answer: after an edit, two workers of one class
    graded the same answer differently (and a removed file made every answer "could not be checked").
    Now the forkserver loads the sheets at start, with or without preparing the parts."""
    sheet = tmp_path / "exercises" / "week1.yaml"
    sheet.parent.mkdir()
    sheet.write_text(Path(SIGMOID).read_text(encoding="utf-8"), encoding="utf-8")
    code = textwrap.dedent(f"""
        import json, os, pathlib, time
        from grader.serve import prepared, work
        from grader.serve.workers import Workers
        os.environ[prepared.PLAN] = prepared.plan([{str(sheet)!r}], 0.0)
        pool = Workers(jobs=1, preload=("grader.serve.prepared",))
        path = pathlib.Path({str(sheet)!r})
        path.write_text(path.read_text().replace("sigmoid", "logistic"))  # no part sigmoid.a any more
        def status():
            done = pool.run(work.grade_answer, str(path), 0, "sigmoid.a", "σ(x)(1-σ(x))", 3.0, deadline=10)
            return done.value["status"] if done.value else done.failure
        first = status()
        assert pool.run(time.sleep, 30, deadline=0.5).failure == "timeout"  # a replacement worker
        second = status()
        path.unlink()
        third = status()
        pool.close()
        print(json.dumps([first, second, third]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == ["correct", "correct", "correct"]


MANY = """\
id: many
title: Many variants
variables: [z]
questions:
  - id: pw
    title: A power
    parameters:
      a: [VALUES]
      k: [VALUES]
    statement: Let $f(z) = {a} z^{{k}}$.
    function: a*z^k
    parts:
      - id: a
        ask: Find $f'(z)$.
        kind: expression
        answer: a*k*z^(k-1)
        derivative: true
      - id: b
        ask: Find $f''(z)$.
        kind: expression
        answer: a*k*(k-1)*z^(k-2)
""".replace("VALUES", ", ".join(str(i) for i in range(2, 32)))  # 900 variants: 1800 parts, ~10 s to prepare


@pytest.mark.system
def test_a_server_stopped_alone_while_preparing_leaves_no_forkserver_preparing(tmp_path: Path) -> None:
    """SIGTERM to the server process alone (a supervisor's stop): its forkserver went on preparing, for
    nobody, for up to 30 s of a core."""
    import os
    import signal
    import time

    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "many.yaml").write_text(MANY, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student id,name\ns1,Ada\n", encoding="utf-8")
    log = tmp_path / "server.log"
    with log.open("w") as out:  # a file, as a supervisor keeps the log (a pipe's reader going away ended it too)
        server = subprocess.Popen(
            [sys.executable, "-m", "grader", "serve", "--class", "roster.csv", "--db", "class.sqlite", "--port", "0"],
            cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    end = time.monotonic() + 60
    while "each variant: 1800 in all" not in log.read_text(encoding="utf-8") and time.monotonic() < end:
        time.sleep(0.1)
    time.sleep(1.0)
    os.kill(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    end = time.monotonic() + 4  # the part being prepared is finished first (milliseconds)
    while (left := subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True).stdout.split()) \
            and time.monotonic() < end:
        time.sleep(0.2)
    subprocess.run(["pkill", "-g", str(server.pid)], check=False)
    assert left == []
