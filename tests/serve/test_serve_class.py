"""Class mode: sign-in links from a roster, each student sees only their own work, and the attacks
a student might try (another's cookie, form or id; a forged cookie; the instructor page) are refused."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from grader.core.errors import GraderError, UsageError
from grader.serve import app as web
from grader.serve import classroom, pages
from grader.serve.store import Store
from grader.serve.workers import Workers
from grader.sheets.variants import seed_for_student

SHEET = "activation-derivatives"
ROSTER = "\ufeffstudent id,name\ns001,Ada Lovelace\ns002,Émile Borel\n"
WRONG_B = "-e^(-x)/(1+e^(-x))^2"


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([])


@pytest.fixture
def klass(tmp_path: Path, loaded: dict[str, pages.Loaded], workers: Workers,
          class_db: str) -> tuple[Store, dict[str, str], Path]:
    """A class on each backend: a SQLite file, and a PostgreSQL database (the same tests)."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    store = Store(class_db)
    links = tmp_path / "class.links.csv"
    classroom.enrol(store, classroom.read_roster(roster), links, "http://127.0.0.1:8000")
    tokens = {row["student_id"]: row["link"].rsplit("/", 1)[1] for row in csv.DictReader(links.open(encoding="utf-8"))}
    return store, tokens, links


def app_of(store: Store, loaded: dict[str, pages.Loaded], workers: Workers) -> web.Starlette:
    return web.create_app(loaded, store, workers, web.Settings(class_mode=True))


def signed_in(store: Store, loaded: dict[str, pages.Loaded], workers: Workers, token: str) -> TestClient:
    client = TestClient(app_of(store, loaded, workers))
    page = client.get(f"/signin/{token}")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert token not in cookie  # the session is its own random value, not the link
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def answer(client: TestClient, text: str, csrf: str | None = None) -> int:
    page = client.get(f"/sheets/{SHEET}/q/sigmoid")
    token = csrf if csrf is not None else csrf_of(page.text)
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": token, "answer": text})
    return reply.status_code


@contextmanager
def raw(store: Store) -> Iterator[Any]:
    """The store's own connection, whichever the backend (`?` placeholders, each statement committed)."""
    yield store._db


def count_attempts(store: Store) -> int:
    with raw(store) as db:
        return int(db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])


def test_the_roster_gives_one_link_per_student_and_one_for_the_instructor_hashed_in_the_db(klass) -> None:
    store, tokens, links = klass
    assert set(tokens) == {classroom.INSTRUCTOR, "s001", "s002"}
    assert len(set(tokens.values())) == 3 and all(len(t) >= 40 for t in tokens.values())
    assert "Émile Borel" in links.read_text(encoding="utf-8")
    with raw(store) as db:
        stored = " ".join(str(r) for r in db.execute("SELECT * FROM students"))
    assert not any(t in stored for t in tokens.values())  # only hashes are stored


def test_rerunning_keeps_every_link_and_adds_new_students(klass, tmp_path: Path) -> None:
    store, tokens, links = klass
    roster = tmp_path / "roster2.csv"
    roster.write_text(ROSTER.lstrip("\ufeff") + "s003,Carl\n", encoding="utf-8")  # no BOM this time
    classroom.enrol(store, classroom.read_roster(roster), links, "http://127.0.0.1:8000")
    again = {r["student_id"]: r["link"].rsplit("/", 1)[1] for r in csv.DictReader(links.open(encoding="utf-8"))}
    assert {k: again[k] for k in tokens} == tokens and "s003" in again
    assert not list(tmp_path.glob(".links-*"))  # the temporary file was renamed over, none left


def test_a_bad_roster_is_a_sentence(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("s1,A\ns1,B\n", encoding="utf-8")
    with pytest.raises(GraderError, match="given twice"):
        classroom.read_roster(roster)


def test_without_a_link_there_is_no_session_and_no_page(klass, loaded, workers) -> None:
    store, _, _ = klass
    before = store.count_students()
    client = TestClient(app_of(store, loaded, workers))
    for path in ("/", f"/sheets/{SHEET}", f"/sheets/{SHEET}/q/sigmoid", "/instructor"):
        page = client.get(path)
        assert page.status_code == 403 and "set-cookie" not in page.headers
    assert client.get("/signin/not-a-token").status_code == 403
    assert store.count_students() == before


def test_a_student_gets_the_variant_batch_grading_assigns(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    client = signed_in(store, loaded, workers, tokens["s002"])
    randomised = next(s for s, item in loaded.items() if item.sheet.randomised)
    assert f"seed {seed_for_student('s002')}" in client.get(f"/sheets/{randomised}").text


def test_a_student_sees_only_their_own_attempts(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    ada = signed_in(store, loaded, workers, tokens["s001"])
    emile = signed_in(store, loaded, workers, tokens["s002"])
    assert answer(ada, "7*x + 12345") == 200
    assert "12345" in ada.get(f"/sheets/{SHEET}/q/sigmoid").text
    assert "12345" not in emile.get(f"/sheets/{SHEET}/q/sigmoid").text


def test_another_students_form_a_forged_cookie_or_an_id_for_a_cookie_are_refused(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    ada = signed_in(store, loaded, workers, tokens["s001"])
    emile = signed_in(store, loaded, workers, tokens["s002"])
    emiles_csrf = csrf_of(emile.get(f"/sheets/{SHEET}/q/sigmoid").text)
    before = count_attempts(store)
    assert answer(ada, "x", csrf=emiles_csrf) == 403  # replaying Émile's form from Ada's browser
    assert answer(ada, "x", csrf="") == 403  # every POST needs the CSRF token
    for forged in ("1", "2", "s002", "0" * 43, ("B" if tokens["s002"][0] == "A" else "A") + tokens["s002"][1:]):
        stranger = TestClient(app_of(store, loaded, workers), cookies={web.COOKIE: forged})
        assert stranger.get(f"/sheets/{SHEET}/q/sigmoid").status_code == 403
        assert answer_raw(stranger, emiles_csrf) == 403
    assert count_attempts(store) == before


def answer_raw(client: TestClient, csrf: str) -> int:
    reply = client.post(f"/sheets/{SHEET}/parts/sigmoid.a/answer", data={"csrf": csrf, "answer": "x"})
    return reply.status_code


def test_only_the_instructor_link_opens_the_instructor_page(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    assert signed_in(store, loaded, workers, tokens["s001"]).get("/instructor").status_code == 403
    teacher = signed_in(store, loaded, workers, tokens[classroom.INSTRUCTOR])
    assert teacher.get("/instructor").status_code == 200


def test_the_instructor_sees_per_part_figures_and_wrong_answers_grouped(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    ada = signed_in(store, loaded, workers, tokens["s001"])
    emile = signed_in(store, loaded, workers, tokens["s002"])
    assert answer(ada, WRONG_B) == 200
    assert answer(emile, "-(e^(-x))/(1 + e^(-x))^2") == 200  # the same mistake, written otherwise
    assert answer(emile, "e^(-x)/(1+e^(-x))^2") == 200
    teacher = signed_in(store, loaded, workers, tokens[classroom.INSTRUCTOR])
    figures = teacher.get("/instructor/stats.json").json()["parts"]
    part = next(p for p in figures if p["part"] == "sigmoid.a")
    assert (part["attempted"], part["correct"]) == (2, 1)
    assert part["mean"] == 0.5 * max(1.0, loaded[SHEET].sheet.part("sigmoid.a").points)
    assert len(part["wrong"]) == 1 and part["wrong"][0]["count"] == 2
    page = teacher.get("/instructor").text
    assert "sigmoid.a" in page and "/static/instructor.js" in page


def test_a_student_cannot_fetch_the_class_figures(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    assert signed_in(store, loaded, workers, tokens["s001"]).get("/instructor/stats.json").status_code == 403
    assert TestClient(app_of(store, loaded, workers)).get("/instructor/stats.json").status_code == 403


def test_the_workers_prove_wrong_answers_written_apart_equal_for_the_instructor(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    assert answer(signed_in(store, loaded, workers, tokens["s001"]), "2x") == 200
    assert answer(signed_in(store, loaded, workers, tokens["s002"]), "x+x") == 200
    teacher = signed_in(store, loaded, workers, tokens[classroom.INSTRUCTOR])
    part = next(p for p in teacher.get("/instructor/stats.json").json()["parts"] if p["part"] == "sigmoid.a")
    assert [(w["count"], w["forms"]) for w in part["wrong"]] == [(2, ["2x", "x+x"])]


def roster_of(tmp_path: Path, data: bytes) -> list[tuple[str, str]]:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return [(m.id, m.name) for m in classroom.read_roster(path)]


def test_a_header_is_read_by_its_names_in_any_order(tmp_path: Path) -> None:
    assert roster_of(tmp_path, b"Name,Student ID\nAda Lovelace,s001\n") == [("s001", "Ada Lovelace")]
    assert roster_of(tmp_path, b"E-mail,Display Name,Section\nada@x.org,Ada,A\n") == [("ada@x.org", "Ada")]
    assert roster_of(tmp_path, b"Last Name,First Name,Username\nLovelace,Ada,al1\n") == [("al1", "Ada Lovelace")]
    assert roster_of(tmp_path, b"student_id,Nom\ns1,Ada\n") == [("s1", "Ada")]  # the one other column
    assert roster_of(tmp_path, b"s1,Ada\ns2,Carl\n") == [("s1", "Ada"), ("s2", "Carl")]  # no header: id, name


def test_a_header_without_an_id_column_names_the_headers_and_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        roster_of(tmp_path, b"Full Name,Matricule\nAda,s1\n")
    said = str(raised.value) + raised.value.fix
    assert "`Full Name`, `Matricule`" in said and "student id" in said and "email" in said


def test_a_semicolon_or_tab_separated_export_is_read(tmp_path: Path) -> None:
    assert roster_of(tmp_path, b"Student ID;Name\ns001;\"Lovelace, Ada\"\n") == [("s001", "Lovelace, Ada")]
    assert roster_of(tmp_path, b"s001\tAda\n") == [("s001", "Ada")]


def test_a_windows_1252_roster_names_the_byte_the_line_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        roster_of(tmp_path, "student id,name\ns001,Ada\ns002,Anaïs Noël\n".encode("cp1252"))
    said = str(raised.value) + raised.value.fix
    assert "line 3" in said and "0xef" in said and "Windows-1252" in said and "CSV UTF-8" in said


def test_a_utf16_roster_is_said_to_be_utf16(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        roster_of(tmp_path, "student id\tname\ns001\tAda\n".encode("utf-16"))
    assert "UTF-16" in str(raised.value) and "CSV UTF-8" in raised.value.fix


def test_the_links_base_is_read_back_from_the_links_file(klass) -> None:
    _, _, links = klass
    assert classroom.links_base(links) == "http://127.0.0.1:8000"
    assert classroom.links_base(links.with_name("none.csv")) is None


@pytest.mark.parametrize("url", ["192.168.1.20:8000", "ftp://h", "http://", "http://h:99999", "http://h/x", "http://h?a"])
def test_a_url_that_is_no_base_address_is_refused(url: str) -> None:
    with pytest.raises(GraderError, match="--url"):
        classroom.check_url(url)


def test_a_base_address_loses_its_trailing_slash() -> None:
    assert classroom.check_url("https://class.example.org/") == "https://class.example.org"


def test_the_link_itself_is_no_session_cookie(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    stranger = TestClient(app_of(store, loaded, workers), cookies={web.COOKIE: tokens["s001"]})
    assert stranger.get("/").status_code == 403


def test_a_link_opened_while_another_student_is_signed_in_asks_before_switching(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    browser = signed_in(store, loaded, workers, tokens["s001"])
    adas_session = browser.cookies[web.COOKIE]
    page = browser.get(f"/signin/{tokens['s002']}")  # what a page that redirects here makes the browser do
    assert page.status_code == 200 and "set-cookie" not in page.headers
    assert "Someone else is signed in" in page.text and "signed in as Ada Lovelace (s001)" in page.text
    assert "sign in as Émile Borel (s002)" in page.text
    assert "signed in as Ada Lovelace (s001)" in browser.get("/").text  # nothing changed yet
    forged = browser.post(f"/signin/{tokens['s002']}", data={"csrf": "forged"})
    assert forged.status_code == 403 and browser.cookies[web.COOKIE] == adas_session
    switched = browser.post(f"/signin/{tokens['s002']}", data={"csrf": csrf_of(page.text)})
    assert switched.status_code == 200 and "signed in as Émile Borel (s002)" in switched.text
    assert browser.cookies[web.COOKIE] != adas_session
    old = TestClient(app_of(store, loaded, workers), cookies={web.COOKIE: adas_session})
    assert old.get("/").status_code == 403  # switching signed Ada out


def test_the_same_students_link_again_changes_nothing(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    browser = signed_in(store, loaded, workers, tokens["s001"])
    again = browser.get(f"/signin/{tokens['s001']}")
    assert "Already signed in" in again.text and "set-cookie" not in again.headers


def test_signing_out_ends_the_session_and_the_link_signs_in_again(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    browser = signed_in(store, loaded, workers, tokens["s001"])
    session = browser.cookies[web.COOKIE]
    for path in ("/", f"/sheets/{SHEET}", f"/sheets/{SHEET}/q/sigmoid"):  # a sign-out button on every page
        assert '<form class="signout" method="post" action="/signout">' in browser.get(path).text, path
    assert browser.post("/signout", data={"csrf": "forged"}).status_code == 403
    out = browser.post("/signout", data={"csrf": csrf_of(browser.get("/").text)})
    assert out.status_code == 200 and "Signed out" in out.text
    assert f'{web.COOKIE}=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    replay = TestClient(app_of(store, loaded, workers), cookies={web.COOKIE: session})
    assert replay.get("/").status_code == 403  # the old cookie is dead on the server too
    assert "signed in as Ada Lovelace (s001)" in signed_in(store, loaded, workers, tokens["s001"]).get("/").text


def test_a_session_ends_after_its_term(klass, loaded, workers) -> None:
    store, tokens, _ = klass
    short = TestClient(web.create_app(loaded, store, workers, web.Settings(class_mode=True, session_days=2)))
    page = short.get(f"/signin/{tokens['s001']}")
    assert "Max-Age=172800" in page.headers["set-cookie"]
    assert short.get("/").status_code == 200
    with raw(store) as db:
        db.execute("UPDATE sessions SET expires_at = expires_at - 2 * 86400 - 1")  # two days later
    assert short.get("/").status_code == 403


def test_moodles_email_address_column_is_a_student_id(tmp_path: Path) -> None:
    """Cold trial: Moodle's participants export names its column `Email address`."""
    roster = tmp_path / "moodle.csv"
    roster.write_text("First name,Last name,Email address\nAda,Lovelace,ada@x.edu\n", encoding="utf-8")
    members = classroom.read_roster(roster)
    assert [(m.id, m.name) for m in members] == [("ada@x.edu", "Ada Lovelace")]


def test_another_site_cannot_sign_a_browser_with_no_session_in_silently(klass, loaded, workers) -> None:  # type: ignore[no-untyped-def]
    """Cold trial (issue 22): a page elsewhere redirecting a browser with nobody signed in to a student's link
    signed it in as that student without a word. Now such a navigation (Fetch Metadata: another site, no
    click) gets a page with a button; a link the person clicked, typed or opened from mail signs in at once."""
    store, tokens, _ = klass
    link = f"/signin/{tokens['s001']}"
    redirected = TestClient(app_of(store, loaded, workers))
    page = redirected.get(link, headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert page.status_code == 200 and "Sign in as" in page.text and "set-cookie" not in page.headers
    assert redirected.get(f"/sheets/{SHEET}").status_code == 403  # not signed in
    forged = redirected.post(link, headers={"sec-fetch-site": "cross-site"})  # an auto-submitted form elsewhere
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    evil = redirected.post(link, headers={"origin": "http://evil.example"})  # a browser without Fetch Metadata
    assert evil.status_code == 403
    pressed = redirected.post(link, headers={"sec-fetch-site": "same-origin"})  # the button on that page
    assert pressed.status_code == 200 and "set-cookie" in pressed.headers
    assert redirected.get(f"/sheets/{SHEET}").status_code == 200
    clicked = TestClient(app_of(store, loaded, workers))  # a link clicked in webmail: the person's own click
    page = clicked.get(link, headers={"sec-fetch-site": "cross-site", "sec-fetch-user": "?1"})
    assert page.status_code == 200 and "set-cookie" in page.headers
