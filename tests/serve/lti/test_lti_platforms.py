"""PLATFORMS.json as `grader serve --lti` reads it: every mistake an LMS admin may make is named with
what to fix (and the server does not start); one issuer may have several client ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.core.errors import UsageError
from grader.serve.lti import platforms

GOOD: dict[str, Any] = {"issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
                        "deployment_ids": ["1:abc"], "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
                        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
                        "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks"}


def test_one_issuer_with_several_client_ids() -> None:
    read = platforms.parse({"platforms": [GOOD, {**GOOD, "client_id": 10000000000002, "deployment_ids": [7]}]})
    assert [p.client_id for p in read] == ["10000000000001", "10000000000002"]  # numbers as Canvas shows them
    assert read[1].deployment_ids == ("7",)
    assert platforms.find(read, GOOD["issuer"], "10000000000002") is read[1]
    assert platforms.find(read, GOOD["issuer"], None) is None  # two registrations: the client id decides
    assert platforms.find(read, GOOD["issuer"], "3") is None
    assert read[0].frame_origins == ("https://canvas.instructure.com", "https://sso.canvaslms.com")


def test_frame_origins_may_be_given() -> None:
    read = platforms.parse({"platforms": [{**GOOD, "frame_origins": ["https://school.instructure.com/"]}]})
    assert read[0].frame_origins == ("https://school.instructure.com",)


@pytest.mark.parametrize(("data", "words"), [
    ([], "expected an object with a list `platforms`"),
    ({"platforms": []}, "`platforms` is empty"),
    ({"platforms": [{k: v for k, v in GOOD.items() if k != "key_set_url"}]}, "platform 1 has no `key_set_url`"),
    ({"platforms": [{**GOOD, "keyset_url": "x"}]}, "unknown field `keyset_url` (a typo?)"),
    ({"platforms": [{**GOOD, "deployment_ids": "1"}]}, "`deployment_ids` must be a list"),
    ({"platforms": [{**GOOD, "deployment_ids": []}]}, "`deployment_ids` must be a list"),
    ({"platforms": [{**GOOD, "auth_login_url": "sso.canvaslms.com/x"}]}, "not an http:// or https:// URL"),
    ({"platforms": [{**GOOD, "client_id": ""}]}, "`client_id` must be text"),
    ({"platforms": [GOOD, GOOD]}, "is given twice"),
])
def test_mistakes_are_named(data: Any, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        platforms.parse(data)
    assert words in raised.value.problem
    assert "docs/lti.md" in raised.value.fix or "Keep one entry" in raised.value.fix or "fields are" in raised.value.fix


def test_serve_refuses_a_broken_file_and_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "platforms.json"
    broken.write_text('{"platforms": [\n  {"issuer": "x",}\n]}', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--lti", str(broken), "--db", str(tmp_path / "c.sqlite")])
    assert result.exit_code != 0
    assert "line 2, column 18: not JSON" in result.output and "docs/lti.md" in result.output
    missing = CliRunner().invoke(app, ["serve", "--lti", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0 and "cannot read" in missing.output


def test_serve_help_shows_an_lti_example() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--lti" in result.output and "--public-url" in result.output
    assert "grader serve --lti platforms.json" in result.output


def test_the_example_in_the_error_is_a_valid_file() -> None:
    assert platforms.parse(json.loads(platforms.EXAMPLE))[0].issuer == "https://moodle.example.edu"
