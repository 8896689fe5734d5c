"""The security headers (issue 22, item 5): on every route's every reply, pages and errors alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from grader.serve import app as web
from grader.serve import pages, security
from grader.serve.store import Store
from grader.serve.workers import Workers

SHEET = "activation-derivatives"
TEMPLATES = Path(web.__file__).parent / "templates"
STATIC = Path(web.__file__).parent / "static"


@pytest.fixture(scope="module")
def loaded() -> dict[str, pages.Loaded]:
    return pages.load_sheets([SHEET])


def replies(client: TestClient) -> dict[str, object]:
    """One reply of every route (and of a few errors), by what was asked."""
    page = client.get(f"/sheets/{SHEET}/q/sigmoid")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    part = f"/sheets/{SHEET}/parts/sigmoid.a"
    return {
        "GET /": client.get("/"),
        "GET sheet": client.get(f"/sheets/{SHEET}"),
        "GET question": page,
        "POST answer": client.post(f"{part}/answer", data={"csrf": token, "answer": "2x"}),
        "POST answer, refused": client.post(f"{part}/answer", data={"csrf": "forged", "answer": "2x"}),
        "POST hint": client.post(f"{part}/hint", data={"csrf": token}),
        "POST solution": client.post(f"{part}/solution", data={"csrf": token}),
        "POST preview": client.post("/preview", data={"sheet": SHEET, "part": "sigmoid.a", "text": "x"},
                                    headers={"X-CSRF-Token": token}),
        "GET signin": client.get("/signin/unknown"),
        "POST signout": client.post("/signout", data={"csrf": "forged"}),
        "GET instructor": client.get("/instructor"),
        "GET stats": client.get("/instructor/stats.json"),
        "GET no such page": client.get("/nowhere"),
        "GET no such sheet": client.get("/sheets/nowhere"),
        "GET static": client.get("/static/style.css"),
        "GET katex": client.get("/static/katex/katex.min.js"),
    }


def test_every_reply_carries_the_security_headers(loaded, tmp_path: Path, workers: Workers) -> None:
    client = TestClient(web.create_app(loaded, Store(tmp_path / "db.sqlite"), workers), follow_redirects=False)
    for what, reply in replies(client).items():
        headers = reply.headers  # type: ignore[attr-defined]
        csp = headers.get("content-security-policy", "")
        rules = dict([*r.strip().split(" ", 1), ""][:2] for r in csp.split(";"))
        assert rules.get("script-src") == "'self'", what  # no inline script, no eval
        assert rules.get("default-src") == "'self'" and rules.get("object-src") == "'none'", what
        assert rules.get("frame-ancestors") == "'self'", what
        assert "'unsafe-inline'" not in rules.get("style-src-elem", "x"), what
        assert headers.get("x-content-type-options") == "nosniff", what
        assert headers.get("x-frame-options") == "SAMEORIGIN", what
        assert headers.get("referrer-policy") in ("same-origin", "no-referrer"), what
        if not what.startswith("GET static") and what != "GET katex":
            assert headers.get("cache-control") == "no-store", what


def test_the_sign_in_page_sends_no_referrer(loaded, tmp_path: Path, workers: Workers) -> None:
    client = TestClient(web.create_app(loaded, Store(tmp_path / "db.sqlite"), workers))
    assert client.get("/signin/unknown").headers["referrer-policy"] == "no-referrer"


def test_the_frame_ancestors_are_set_in_one_place(loaded, tmp_path: Path, workers: Workers) -> None:
    settings = web.Settings(frame_ancestors=("'self'", "https://lms.example.edu"))
    client = TestClient(web.create_app(loaded, Store(tmp_path / "db.sqlite"), workers, settings))
    reply = client.get("/")
    assert "frame-ancestors 'self' https://lms.example.edu" in reply.headers["content-security-policy"]
    assert "x-frame-options" not in reply.headers  # it cannot name another site: the CSP decides
    assert security.FRAME_ANCESTORS == ("'self'",)


def test_no_page_or_script_uses_inline_script_or_javascript_urls() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "javascript:" not in text, template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name  # every script is a file
        assert not re.search(r"\son[a-z]+=", text), template.name  # no onclick= and the like
    for script in STATIC.glob("*.js"):
        assert "innerHTML" not in script.read_text(encoding="utf-8"), script.name
