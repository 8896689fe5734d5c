"""Item analysis (issue 26) is the same wherever an instructor reads it: a class answers through the
web app, then the instructor page's figures (/instructor/stats.json and the page itself) equal those
`grader grade --db` writes in results.json, summary.md and report.html for the same class."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from grader.cli import app
from grader.serve import app as web
from grader.serve import classroom, pages
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"
ROSTER = "student id,name\n" + "".join(f"s{i},Student {i}\n" for i in range(1, 8))
RIGHT = {"sigmoid.a": "σ(x)(1-σ(x))", "tanh.a": "1 - tanh(x)^2", "relu.a": "Heaviside(x)", "relu.b.left": "0"}
# Each student's answers in the order sent: wrong then right (the right one counts), only unreadable
# (it counts: invalid), two spellings of one wrong function (one group), a known mistake; s7 sends nothing.
SENT = {
    "s1": [("sigmoid.a", "-σ(x)(1-σ(x))"), ("sigmoid.a", RIGHT["sigmoid.a"]), ("tanh.a", RIGHT["tanh.a"]),
           ("relu.a", RIGHT["relu.a"]), ("relu.b.left", "0")],
    "s2": [("sigmoid.a", RIGHT["sigmoid.a"]), ("tanh.a", RIGHT["tanh.a"]), ("relu.a", "x")],
    "s3": [("sigmoid.a", RIGHT["sigmoid.a"]), ("tanh.a", "1 + tanh(x)^2"), ("relu.a", "x"), ("relu.b.left", "1")],
    "s4": [("sigmoid.a", "((x"), ("tanh.a", "1 + tanh(x)**2"), ("relu.a", "sign(x)"), ("relu.b.left", "1")],
    "s5": [("sigmoid.a", "-σ(x)(1-σ(x))"), ("tanh.a", "tanh(x)^2 + 1"), ("relu.b.left", "0")],
    "s6": [("relu.a", "x"), ("relu.b.left", "1")],
}


# A randomised sheet: Leaky ReLU's slope differs between students, and so do a mistake's words.
RANDOMISED = "piecewise-activations"
SENT_RANDOMISED = {
    "s1": [("leaky_relu.b.left", "0.2"), ("leaky_relu.b.left", "0.1"), ("leaky_relu.a", "{0.1 if x<0; 1 if x>0}")],
    "s2": [("leaky_relu.b.left", "0.1"), ("leaky_relu.a", "x: y"), ("leaky_relu.b.right", "1")],
    "s3": [("leaky_relu.b.left", "5"), ("leaky_relu.b.right", "7"), ("leaky_relu.a", "Heaviside(x)")],
    "s4": [("leaky_relu.a", "Heaviside(x)"), ("leaky_relu.b.right", "1")],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], str, Path]]:
    """The instructor's figures (stats.json), the instructor page, and `grader grade --db`'s folder."""
    yield _class(tmp_path_factory, SHEET, SENT)


def _class(tmp_path_factory: pytest.TempPathFactory, sheet: str, sent: dict[str, list[tuple[str, str]]]
           ) -> tuple[dict[str, Any], str, Path]:
    folder = tmp_path_factory.mktemp("figures")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    store = Store(folder / "class.sqlite")
    links = folder / "links.csv"
    classroom.enrol(store, classroom.read_roster(folder / "roster.csv"), links, "http://127.0.0.1:8000")
    tokens = {row["student_id"]: row["link"].rsplit("/", 1)[1] for row in csv.DictReader(links.open(encoding="utf-8"))}
    workers = Workers(jobs=1)
    try:
        server = web.create_app(pages.load_sheets([sheet]), store, workers, web.Settings(class_mode=True))
        for student, answers in sent.items():
            client = TestClient(server)
            assert client.get(f"/signin/{tokens[student]}").status_code == 200
            for part, text in answers:
                page = client.get(f"/sheets/{sheet}/q/{part.split('.')[0]}")
                found = re.search(r'name="csrf" value="([^"]+)"', page.text)
                assert found
                form = {"csrf": found.group(1), "answer": text}
                reply = client.post(f"/sheets/{sheet}/parts/{part}/answer", data=form)
                assert reply.status_code == 200, reply.text
        teacher = TestClient(server)
        assert teacher.get(f"/signin/{tokens[classroom.INSTRUCTOR]}").status_code == 200
        figures = teacher.get("/instructor/stats.json").json()["figures"]
        page = teacher.get("/instructor").text
    finally:
        workers.close()
        store.close()
    out = folder / "grades"
    ran = CliRunner().invoke(app, ["grade", "--db", str(folder / "class.sqlite"), "--out", str(out), "--jobs", "1"])
    assert ran.exit_code == 0, ran.output
    assert [f["sheet"] for f in figures] == [sheet]
    return figures[0], page, out


@pytest.mark.system  # grades a class through the app's worker process, then with batch's forked workers
def test_a_randomised_sheet_too(tmp_path_factory: pytest.TempPathFactory) -> None:
    served, _, out = _class(tmp_path_factory, RANDOMISED, SENT_RANDOMISED)
    batch = json.loads((out / "results.json").read_text(encoding="utf-8"))["summary"]["item_analysis"]
    assert served["items"] == batch
    assert batch["students"] == 7 and any(p["discrimination"] is not None for p in batch["parts"])


def test_the_instructor_page_gives_the_figures_of_grade_db(graded: tuple[dict[str, Any], str, Path]) -> None:
    served, _, out = graded
    batch = json.loads((out / "results.json").read_text(encoding="utf-8"))["summary"]["item_analysis"]
    assert served["items"] == batch
    # and they are the figures this class was built to give
    parts = {p["address"]: p for p in batch["parts"]}
    assert batch["students"] == 7  # s7 answered nothing: 0 points, counted as grade --db counts them
    assert parts["sigmoid.a"]["correct"] == 3 and parts["sigmoid.a"]["invalid"] == 1
    assert parts["tanh.a"]["top_wrong"] == {"students": 3, "answer": "1 + tanh(x)^2"}  # 3 spellings, one group
    assert parts["relu.a"]["top_wrong"] == {"students": 3, "answer": "x"}
    assert parts["sigmoid.b"]["difficulty"] == 0.0 and parts["sigmoid.b"]["discrimination"] is None
    kinds = {(f["kind"], f["part"]) for f in batch["flags"]}
    assert ("wrong-beats-right", "relu.a") in kinds and ("wrong-beats-right", "tanh.a") in kinds
    assert not any(part == "sigmoid.b" for _, part in kinds)  # nobody tried it: nothing to say of the part


def test_summary_md_report_html_and_the_page_show_the_same_numbers(graded: tuple[dict[str, Any], str, Path]) -> None:
    served, page, out = graded
    summary = (out / "summary.md").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    t = served["items"]["totals"]
    for figure in ("mean", "median", "sd", "q1", "q3"):
        shown = f"{t[figure]:.2f}"
        assert f"<b>{shown}</b>" in page and f"<b>{shown}</b>" in report and shown in summary
    for p in served["items"]["parts"]:
        difficulty = "—" if p["difficulty"] is None else f"{p['difficulty']:.2f}"
        discrimination = "—" if p["discrimination"] is None else f"{p['discrimination']:.2f}"
        assert f"| `{p['address']}` | {difficulty} | {discrimination} | {p['invalid_percent']:.1f} |" in summary
        assert f"<td>{p['address']}</td><td>{difficulty}</td><td>{discrimination}</td>" in page
        assert (f'<td class="n">{difficulty}</td><td class="n">{discrimination}</td>'
                f'<td class="n">{p["invalid_percent"]:.1f}</td>') in report
