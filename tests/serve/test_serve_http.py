"""The practice server, route by route, in process (Starlette's TestClient), with real grading in a
real worker process and a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from grader.core import limits
from grader.serve import app as web
from grader.serve import pages
from grader.serve.database import Connection, location
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"
RIGHT = "e^(-x)/(1+e^(-x))^2"
WRONG = "-e^(-x)/(1+e^(-x))^2"  # a known mistake: the sign

HOSTILE_SHEET = """\
id: hostile
title: A sheet whose text tries to be HTML
variables: [x]
questions:
  - id: q
    title: Escaping <b>bold</b>
    statement: |
      <script>alert("statement")</script> and maths $a < b$ and $\\frac{1}{2}$, **strong <i>x</i>** `a<b`.
    parts:
      - id: a
        ask: Find $x<y$ & <img src=x onerror=alert(1)>
        kind: expression
        answer: 2*x
        points: 1
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pages.Loaded]:
    hostile = tmp_path_factory.mktemp("sheets") / "hostile.yaml"
    hostile.write_text(HOSTILE_SHEET, encoding="utf-8")
    return pages.load_sheets([SHEET, "piecewise-activations", str(hostile)])


def make_client(loaded: dict[str, pages.Loaded], db: Path | str, workers: Workers, **settings: float) -> TestClient:
    store = Store(db)
    return TestClient(web.create_app(loaded, store, workers, web.Settings(**settings)))  # type: ignore[arg-type]


@pytest.fixture
def client(loaded: dict[str, pages.Loaded], class_db: str, workers: Workers) -> TestClient:
    """Practice mode on each backend: a SQLite file, and a PostgreSQL database (the same tests)."""
    return make_client(loaded, class_db, workers)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def question(client: TestClient, q: str = "sigmoid", sheet: str = SHEET) -> str:
    page = client.get(f"/sheets/{sheet}/q/{q}")
    assert page.status_code == 200
    return page.text


def submit(client: TestClient, address: str, answer: str, sheet: str = SHEET) -> str:
    token = csrf_of(question(client, address.split(".")[0], sheet))
    reply = client.post(f"/sheets/{sheet}/parts/{address}/answer", data={"csrf": token, "answer": answer})
    assert reply.status_code == 200, reply.text  # after the redirect back to the question
    return reply.text


def section(html: str, address: str) -> str:
    start = html.index(f'<section class="part" id="{address}"')
    return html[start:html.index("</section>", start)]


def show_solution(client: TestClient, address: str, sheet: str = SHEET) -> int:
    """Press "Show the solution" under `address` as the page has it (with the parts it says it ends)."""
    part = section(question(client, address.split(".")[0], sheet), address)
    ends = re.search(r'name="ends" value="([^"]*)"', part)
    data = {"csrf": csrf_of(part), **({"ends": ends.group(1)} if ends else {})}
    return client.post(f"/sheets/{sheet}/parts/{address}/solution", data=data).status_code


def count_attempts_in(db: Path | str, table: str = "attempts") -> int:
    """Rows in a table of either backend's database."""
    connection = Connection(location(db))
    try:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def test_the_sheet_list_links_every_sheet_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for sheet in (SHEET, "piecewise-activations", "hostile"):
        assert f'href="/sheets/{sheet}"' in page.text
    assert "Derivatives of Common Activation Functions" in page.text


def test_a_first_visit_gets_a_secret_session_cookie_httponly_and_samesite_lax(client: TestClient) -> None:
    page = client.get("/")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(web.COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=2592000" in cookie  # 30 days
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert len(token) >= 40
    again = client.get("/")
    assert "set-cookie" not in again.headers  # the same browser keeps its session


def test_the_question_page_carries_the_statement_for_katex_and_an_input_per_part(client: TestClient) -> None:
    html = question(client)
    assert r"$$\sigma(x) = \frac{1}{1 + e^{-x}}.$$" in html  # typeset in the browser by auto-render
    assert '<script defer src="/static/katex/katex.min.js">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from elsewhere: works offline
    assert '<input type="text" name="answer"' in section(html, "sigmoid.a")
    assert "<textarea" in section(html, "sigmoid.b")  # a derivation: one step a line


def test_maths_and_sheet_text_are_escaped_never_inserted_as_html(client: TestClient) -> None:
    html = question(client, "q", "hostile")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;statement&#34;)&lt;/script&gt;" in html
    assert "$a &lt; b$" in html and "$x&lt;y$ &amp; &lt;img" in html
    assert "<strong>strong &lt;i&gt;x&lt;/i&gt;</strong> <code>a&lt;b</code>" in html  # Markdown's ** and `


def test_the_vendored_katex_is_served_with_its_fonts_and_licence(client: TestClient) -> None:
    script = client.get("/static/katex/katex.min.js")
    assert script.status_code == 200 and "katex" in script.text[:2000].lower()
    css = client.get("/static/katex/katex.min.css").text
    font = re.search(r"url\((fonts/[^)]+\.woff2)\)", css)
    assert font, "the KaTeX stylesheet names its fonts"
    assert client.get("/static/katex/" + font.group(1)).status_code == 200
    assert client.get("/static/katex/contrib/auto-render.min.js").status_code == 200
    assert "MIT" in client.get("/static/katex/LICENSE").text


def preview(client: TestClient, address: str, text: str, sheet: str = SHEET, token: str | None = None) -> dict:
    html = question(client, address.split(".")[0], sheet)
    headers = {"X-CSRF-Token": csrf_of(html) if token is None else token}
    reply = client.post("/preview", data={"sheet": sheet, "part": address, "text": text}, headers=headers)
    return {"status": reply.status_code, **reply.json()}


def test_the_preview_of_a_readable_answer_is_its_latex(client: TestClient) -> None:
    shown = preview(client, "sigmoid.a", "e^-x/(1+e^-x)^2")
    assert shown["status"] == 200
    assert shown["lines"] == [{"text": "e^-x/(1+e^-x)^2", "latex": r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}"}]


def test_the_preview_of_an_unreadable_answer_is_the_caret_and_the_hint(client: TestClient) -> None:
    [line] = preview(client, "sigmoid.a", "e^-x/(1+e^-x")["lines"]
    assert "latex" not in line
    assert "never closed" in line["error"]
    assert line["caret"] == "e^-x/(1+e^-x\n     ^"
    assert "missing `)`" in line["hint"]


def test_a_derivation_is_previewed_line_by_line(client: TestClient) -> None:
    lines = preview(client, "sigmoid.b", "e^-x/(1+e^-x)^2\n= sigma(x)*(1-sigma(x)\n= sigma(x)*(1-sigma(x))")["lines"]
    assert [("latex" in line) for line in lines] == [True, False, True]
    assert lines[2]["latex"].startswith("= ")
    assert lines[1]["caret"]


def test_the_preview_refuses_a_request_without_the_page_token(client: TestClient) -> None:
    assert preview(client, "sigmoid.a", "x", token="forged")["status"] == 403


def test_a_wrong_answer_gets_feedback_and_costs_an_attempt(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", WRONG), "sigmoid.a")
    assert '<strong class="status">incorrect</strong>' in part
    assert "The sign is wrong" in part
    assert "2 attempts left." in part
    assert "Worked solution" not in part


def test_an_unreadable_answer_shows_the_caret_and_costs_no_attempt(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", "e^-x/(1+e^-x"), "sigmoid.a")
    assert '<strong class="status">invalid</strong>' in part
    assert '<pre class="caret">e^-x/(1+e^-x\n     ^</pre>' in part
    assert "3 attempts left." in part


def test_a_right_answer_gets_the_points_and_the_worked_solution(client: TestClient) -> None:
    submit(client, "sigmoid.a", WRONG)
    part = section(submit(client, "sigmoid.a", RIGHT), "sigmoid.a")
    assert '<strong class="status">correct</strong>' in part
    assert "2 / 2 points" in part
    assert "Worked solution" in part and 'class="tex display"' in part
    assert '<form class="answer"' not in part  # the part is over
    table = client.get(f"/sheets/{SHEET}").text
    assert re.search(r"<td>sigmoid\.a</td><td>Sigmoid Function</td><td>2</td><td>correct</td><td>2 / 2</td>", table)


def test_after_the_last_attempt_the_part_closes_and_shows_the_solution(client: TestClient) -> None:
    for _ in range(pages.ATTEMPTS):
        html = submit(client, "sigmoid.a", WRONG)
    part = section(html, "sigmoid.a")
    assert "No attempts left." in part and "Worked solution" in part and "Expected:" in part
    token = csrf_of(html)
    client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": RIGHT})
    assert "correct</strong>" not in section(question(client), "sigmoid.a").replace("incorrect</strong>", "")


def test_hints_come_one_at_a_time_and_the_solution_on_request(client: TestClient) -> None:
    token = csrf_of(question(client))
    client.post(f"/sheets/{SHEET}/parts/sigmoid.a/hint", data={"csrf": token})
    part = section(question(client), "sigmoid.a")
    assert "Hint 1:" in part and "Hint 2:" not in part
    assert "Worked solution" not in part
    client.post(f"/sheets/{SHEET}/parts/sigmoid.a/solution", data={"csrf": token})
    assert "Worked solution" in section(question(client), "sigmoid.a")


def test_a_post_without_the_page_token_is_refused_and_not_recorded(client: TestClient, class_db: str) -> None:
    question(client)
    for data in ({"answer": RIGHT}, {"answer": RIGHT, "csrf": "forged"}):
        reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data=data)
        assert reply.status_code == 403 and "CSRF" in reply.text
    assert client.post(f"/sheets/{SHEET}/parts/sigmoid.a/hint", data={"csrf": "x"}).status_code == 403
    assert count_attempts_in(class_db) == 0 and count_attempts_in(class_db, "reveals") == 0


def test_a_post_from_a_browser_without_a_session_is_refused(client: TestClient) -> None:
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": "x", "answer": RIGHT})
    assert reply.status_code == 403


def test_an_answer_over_the_size_cap_is_refused_and_not_recorded(client: TestClient, class_db: str) -> None:
    token = csrf_of(question(client))
    long = "x+" * (limits.MAX_ANSWER_CHARS // 2) + "x"
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": long})
    assert reply.status_code == 413 and str(limits.MAX_ANSWER_CHARS) in reply.text
    huge = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": "x" * 10**6})
    assert huge.status_code == 413
    assert count_attempts_in(class_db) == 0


def test_attempts_are_kept_in_sqlite_and_resume_in_a_new_server(
    loaded: dict[str, pages.Loaded], tmp_path: Path, workers: Workers
) -> None:
    db = tmp_path / "progress.sqlite"
    first = make_client(loaded, db, workers)
    submit(first, "sigmoid.a", WRONG)
    cookie = first.cookies[web.COOKIE]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT part, answer, status, counted, variant FROM attempts").fetchall()
    assert rows == [("sigmoid.a", WRONG, "incorrect", 1, "")]
    second = make_client(loaded, db, workers)
    second.cookies.set(web.COOKIE, cookie)
    part = section(question(second), "sigmoid.a")
    assert "2 attempts left." in part and "The sign is wrong" in part
    stranger = make_client(loaded, db, workers)
    assert "attempts left." not in section(question(stranger), "sigmoid.a")  # a new browser starts afresh


def test_a_randomised_question_shows_its_variant_and_seed(client: TestClient) -> None:
    html = question(client, "leaky_relu", "piecewise-activations")
    found = re.search(r"Variant alpha=(0\.01|0\.1|0\.2) \(seed (\d+)\)", html)
    assert found, "the variant and the seed are on the page"
    alpha = found.group(1)
    assert f"\\alpha = {alpha}" in html


def test_grading_is_rate_limited_per_student(loaded: dict[str, pages.Loaded], tmp_path: Path, workers: Workers) -> None:
    client = make_client(loaded, tmp_path / "db.sqlite", workers, grades_per_minute=2)
    token = csrf_of(question(client))
    codes = [client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": "x"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    other = make_client(loaded, tmp_path / "db.sqlite", workers, grades_per_minute=2)
    part = section(submit(other, "sigmoid.a", RIGHT), "sigmoid.a")  # another student is not limited
    assert '<strong class="status">correct</strong>' in part


def test_a_hostile_answer_is_invalid_within_the_deadline(client: TestClient) -> None:
    began = time.monotonic()
    part = section(submit(client, "sigmoid.a", "9^9^9^9^9^9^9^9"), "sigmoid.a")
    assert time.monotonic() - began < limits.DEFAULT_SECONDS + web.KILL_GRACE + 2
    assert '<strong class="status">invalid</strong>' in part
    assert "3 attempts left." in part


def test_a_groups_solution_waits_until_all_its_sub_parts_are_over(client: TestClient) -> None:
    def solution_under(address: str) -> bool:
        return "Worked solution" in section(question(client, "relu"), address)

    for _ in range(pages.ATTEMPTS):
        submit(client, "relu.b.left", "5")
    assert not solution_under("relu.b.left")  # relu.b's solution would give away relu.b.right ...
    assert not solution_under("relu.b.at_zero")
    assert show_solution(client, "relu.b.right") == 200
    assert solution_under("relu.b.at_zero")


def test_a_derivation_shows_which_step_does_not_follow(client: TestClient) -> None:
    chain = "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) * e^-x/(1+e^-x)\n= σ(x)(1+σ(x))"
    part = section(submit(client, "sigmoid.b", chain), "sigmoid.b")
    assert '<strong class="status">incorrect</strong>' in part
    assert "Line 3 does not follow from line 2" in part
    steps = re.findall(r'<li class="(ok|bad)"><span class="tex" data-tex="[^"]*"><code>([^<]*)</code>', part)
    assert steps == [("ok", "e^-x/(1+e^-x)^2"), ("ok", "1/(1+e^-x) * e^-x/(1+e^-x)"), ("bad", "σ(x)(1+σ(x))")]


def test_the_verdict_says_how_the_answer_was_read(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", WRONG), "sigmoid.a")
    # typeset in the browser; the text form stays inside for a page read without scripts
    assert ('<p class="read-as">Read as: <span class="tex" data-tex="- \\frac{e^{- x}}'
            '{\\left(1 + e^{- x}\\right)^{2}}"><code>-exp(-x)/(1 + exp(-x))**2</code></span></p>') in part


@pytest.mark.system  # the module's worker process is killed at the deadline and a new one forked
def test_an_answer_whose_worker_is_killed_at_the_deadline_is_invalid_and_costs_no_attempt(
    loaded: dict[str, pages.Loaded], tmp_path: Path, workers: Workers
) -> None:
    db = tmp_path / "db.sqlite"
    hasty = make_client(loaded, db, workers, kill_grace=-limits.DEFAULT_SECONDS)  # a deadline of 0 s: killed at once
    salt = time.monotonic_ns() % 10**6  # a new answer each run: no cache answers it before the deadline
    slow = "+".join(f"sin({k}*x)/{k + salt}" for k in range(1, 60))  # ~0.3 s of work against a 0 s deadline
    part = section(submit(hasty, "sigmoid.a", slow), "sigmoid.a")
    assert '<strong class="status">invalid</strong>' in part and "took longer than" in part
    assert "3 attempts left." in part
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, counted FROM attempts").fetchall() == [("invalid", 0)]
    patient = make_client(loaded, db, workers)  # the worker was replaced: grading goes on
    patient.cookies.set(web.COOKIE, hasty.cookies[web.COOKIE])
    assert '<strong class="status">correct</strong>' in section(submit(patient, "sigmoid.a", RIGHT), "sigmoid.a")


def test_a_form_with_too_many_fields_is_refused_not_a_server_error(client: TestClient) -> None:
    token = csrf_of(question(client))
    junk = "&".join(f"f{i}=1" for i in range(50))
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", content=f"csrf={token}&answer=x&{junk}",
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert reply.status_code == 403


def test_once_the_solution_is_shown_no_answer_to_the_part_is_graded(client: TestClient, class_db: str) -> None:
    submit(client, "sigmoid.a", WRONG)
    part = section(question(client), "sigmoid.a")
    assert "Show the solution (no more answers to this part after)" in part
    assert show_solution(client, "sigmoid.a") == 200
    token = csrf_of(question(client))  # the right answer, copied from the solution, in a tab opened before
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": RIGHT})
    assert reply.status_code == 409 and "Solution shown" in reply.text and "was not graded" in reply.text
    part = section(question(client), "sigmoid.a")
    assert "Ended: the worked solution was shown." in part and '<form class="answer"' not in part
    assert "correct</strong>" not in part.replace("incorrect</strong>", "") and "0 / 2 points" in part
    assert count_attempts_in(class_db) == 1
    table = client.get(f"/sheets/{SHEET}").text
    assert re.search(r"<td>sigmoid\.a</td><td>Sigmoid Function</td><td>1</td><td>solution shown</td><td>0 / 2</td>",
                     table)
    assert '<strong class="status">' in section(submit(client, "sigmoid.b", "x"), "sigmoid.b")  # others still open


def test_a_groups_solution_button_names_the_open_sub_parts_it_ends(client: TestClient) -> None:
    submit(client, "relu.b.differentiable", "no")  # finished: right
    part = section(question(client, "relu"), "relu.b.differentiable")
    assert ("Show the solution to relu.b (it ends relu.b.left, relu.b.right, relu.b.at_zero: no more answers to "
            "them after)") in part
    assert show_solution(client, "relu.b.differentiable") == 200  # as the button said
    html = question(client, "relu")
    for address in ("relu.b.left", "relu.b.right", "relu.b.at_zero"):
        assert '<form class="answer"' not in section(html, address), address
        assert "Ended: the worked solution was shown." not in section(html, address)  # none answered: no verdict
    assert "1 / 1 points" in section(html, "relu.b.differentiable")  # a finished sub-part keeps its points
    assert '<form class="answer"' in section(html, "relu.a")


def test_sub_parts_a_groups_solution_ended_say_so_and_offer_it_no_more(client: TestClient) -> None:
    """Cold trial (issue 22): the sub-parts it ended looked unfinished, and kept a 'Show the solution' button."""
    submit(client, "relu.b.right", "1")  # right, before
    submit(client, "relu.b.left", "1")  # wrong
    html = question(client, "relu")
    ends = re.search(r'name="ends" value="([^"]*)"', section(html, "relu.b.left")).group(1)
    reply = client.post(f"/sheets/{SHEET}/parts/relu.b.left/solution", data={"csrf": csrf_of(html), "ends": ends})
    assert reply.status_code == 200
    html = question(client, "relu")
    for address in ("relu.b.differentiable",):  # ended without an answer, its solution shown elsewhere
        assert "Ended: the worked solution of relu.b was shown on this page." in section(html, address)
    for address in ("relu.b.left", "relu.b.right", "relu.b.differentiable", "relu.b.at_zero"):
        assert "/solution" not in section(html, address), address  # no button for a solution already shown
    assert "Worked solution" in section(html, "relu.b.left")  # where it was asked for


def test_a_groups_solution_asked_without_naming_the_open_sub_parts_asks_first(client: TestClient) -> None:
    token = csrf_of(question(client, "relu"))  # a page from before, or a hand-made request: no `ends`
    reply = client.post(f"/sheets/{SHEET}/parts/relu.b.left/solution", data={"csrf": token})
    assert reply.status_code == 409
    assert "Show the solution to relu.b?" in reply.text and "relu.b.right, relu.b.differentiable, relu.b.at_zero" \
        in reply.text
    html = question(client, "relu")
    assert '<form class="answer"' in section(html, "relu.b.right")  # nothing ended yet
    confirm = client.post(f"/sheets/{SHEET}/parts/relu.b.left/solution", data={
        "csrf": csrf_of(reply.text), "ends": re.search(r'name="ends" value="([^"]*)"', reply.text).group(1)})
    assert confirm.status_code == 200
    html = question(client, "relu")
    for address in ("relu.b.left", "relu.b.right", "relu.b.differentiable", "relu.b.at_zero"):
        assert '<form class="answer"' not in section(html, address), address


def test_an_answer_to_a_part_already_answered_right_gets_a_message_and_no_attempt(
    client: TestClient, class_db: str
) -> None:
    token = csrf_of(question(client))  # a second tab, opened before the part was done
    submit(client, "sigmoid.a", RIGHT)
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": WRONG})
    assert reply.status_code == 409
    assert "Already answered" in reply.text and "sigmoid.a correctly" in reply.text
    assert 'href="/sheets/activation-derivatives/q/sigmoid#sigmoid.a"' in reply.text
    assert count_attempts_in(class_db) == 1


def test_the_answer_box_keeps_the_last_answer_to_correct_it(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", 'e^-x/(1+e^-x "<b>'), "sigmoid.a")
    assert 'value="e^-x/(1+e^-x &#34;&lt;b&gt;"' in part


def test_what_was_read_and_what_was_expected_are_typeset_after_a_submit(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", WRONG), "sigmoid.a")
    read_as = part[part.index('<p class="read-as">'):]
    assert read_as.startswith('<p class="read-as">Read as: <span class="tex" data-tex="- \\frac{e^{- x}}')
    for _ in range(pages.ATTEMPTS - 1):
        html = submit(client, "sigmoid.a", WRONG)
    expected = section(html, "sigmoid.a").split('<p class="expected">', 1)[1]
    assert expected.startswith('Expected: <span class="tex" data-tex="')
    steps = section(submit(client, "sigmoid.b", "d/dx σ(x) = e^(-x)/(1+e^(-x))^2\n= σ(x)(1-σ(x))"), "sigmoid.b")
    assert steps.count('<span class="tex" data-tex=') == 2, steps


def test_a_preview_says_the_problem_and_its_hint_once_each(client: TestClient) -> None:
    line = preview(client, "sigmoid.a", "tanhx")["lines"][0]
    assert (line["error"], line["hint"]) == ("unknown name `tanhx` at column 1", "did you mean `tanh(x)`?")


def test_a_worked_solution_draws_no_define_line_that_repeats_its_step(client: TestClient) -> None:
    submit(client, "sigmoid.a", RIGHT)
    part = section(question(client), "sigmoid.a")
    assert 'data-tex="u(x) = 1 + e^{-x} \\quad \\Rightarrow' in part  # the step, as written
    assert 'data-tex="u = 1 + e^{-x}"' not in part  # its `define: {u: ...}` drawn again


def test_an_unreadable_answers_hint_is_said_once_with_its_code_typeset(client: TestClient) -> None:
    part = section(submit(client, "sigmoid.a", "tanhx"), "sigmoid.a")
    assert part.count("did you mean") == 1, part
    assert "<code>tanh(x)</code>" in part and "`tanh(x)`" not in part
    part = section(submit(client, "sigmoid.a", "e^-x/(1+e^-x"), "sigmoid.a")
    hint = part.split('<p class="hint-line">', 1)[1].split("</p>", 1)[0]  # not in the feedback: said apart
    assert hint == "missing <code>)</code> to close the <code>(</code> at column 6"


def test_a_derivations_lines_are_read_as_typed_not_as_sympy_evaluates_them(client: TestClient) -> None:
    lines = preview(client, "sigmoid.b", "e^-x/(1+e^-x)^2\n= 1/(1+e^-x) * e^-x/(1+e^-x)\n= σ(x)(1-σ(x))")["lines"]
    assert [line["latex"] for line in lines] == [
        r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}",
        r"= \frac{1}{1 + e^{- x}} \frac{e^{- x}}{1 + e^{- x}}",  # not line 1 again
        r"= \sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)"]
