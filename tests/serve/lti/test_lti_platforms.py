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
    ({"platforms": [{**GOOD, "keyset_url": "x"}]}, "unknown field `keyset_url` (did you mean `key_set_url`?)"),
    ({"platforms": [{**GOOD, "deployment_ids": "1"}]}, "`deployment_ids` must be a list"),
    ({"platforms": [{**GOOD, "deployment_ids": []}]}, "`deployment_ids` must be a list"),
    ({"platforms": [{**GOOD, "auth_login_url": "sso.canvaslms.com/x"}]}, "not an https:// URL"),
    ({"platforms": [{**GOOD, "client_id": ""}]}, "`client_id` must be text"),
    ({"platforms": [GOOD, GOOD]}, "is given twice"),
])
def test_mistakes_are_named(data: Any, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        platforms.parse(data)
    assert words in raised.value.problem
    assert "grader serve --help" in raised.value.fix or "Keep one entry" in raised.value.fix


def test_serve_refuses_a_broken_file_and_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "platforms.json"
    broken.write_text('{"platforms": [\n  {"issuer": "x",}\n]}', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--lti", str(broken), "--db", str(tmp_path / "c.sqlite")])
    assert result.exit_code != 0
    assert "line 2, column 18: not JSON" in result.output and "grader serve --help" in result.output
    assert "docs/lti.md" not in result.output  # a pip-installed user has no docs folder
    missing = CliRunner().invoke(app, ["serve", "--lti", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0 and "cannot read" in missing.output


def test_serve_help_shows_an_lti_example() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--lti" in result.output and "--public-url" in result.output
    assert "grader serve --lti platforms.json" in result.output


def test_the_example_in_the_error_is_a_valid_file() -> None:
    assert platforms.parse(json.loads(platforms.EXAMPLE))[0].issuer == "https://moodle.example.edu"


@pytest.mark.parametrize(("data", "words"), [
    ({**{k: v for k, v in GOOD.items() if k != "client_id"}, "clientid": "1"},
     "unknown field `clientid` (did you mean `client_id`?)"),
    ({**GOOD, "issuer": "canvas.instructure.com"}, "`issuer` is `canvas.instructure.com`, not an https:// URL"),
    ({**GOOD, "issuer": "http://moodle.school.edu"}, "not an https:// URL"),
    ({**GOOD, "auth_token_url": "http://sso.canvaslms.com/login/oauth2/token"}, "`auth_token_url` is"),
    ({**GOOD, "key_set_url": "javascript:alert(1)"}, "`key_set_url` is"),
])
def test_what_the_cold_trial_saw_accepted_or_misnamed(data: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as raised:
        platforms.parse({"platforms": [data]})
    assert words in raised.value.problem
    assert platforms.EXAMPLE not in raised.value.fix  # a field's own example, not the whole file again


def test_a_platform_on_this_machine_may_use_http() -> None:
    local = {k: v.replace("https://canvas.instructure.com", "http://localhost:9001").replace(
        "https://sso.canvaslms.com", "http://127.0.0.1:9001") if isinstance(v, str) else v for k, v in GOOD.items()}
    assert platforms.parse({"platforms": [local]})[0].auth_token_url.startswith("http://127.0.0.1:9001")


def test_an_issuer_with_a_trailing_slash_is_kept_as_written_with_a_warning(lti_log: pytest.LogCaptureFixture) -> None:
    read = platforms.parse({"platforms": [{**GOOD, "issuer": "https://moodle.school.edu/"}]})
    assert read[0].issuer == "https://moodle.school.edu/"  # compared exactly with what the LMS sends
    assert any("ends with `/`" in r.getMessage() for r in lti_log.records)


def test_the_public_url_error_names_the_option_used_with_lti(tmp_path: Path) -> None:
    good = tmp_path / "platforms.json"
    good.write_text(json.dumps({"platforms": [GOOD]}), encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--lti", str(good), "--db", str(tmp_path / "c.sqlite"),
                                      "--public-url", "grader.example.edu"])
    assert result.exit_code != 0 and "--public-url grader.example.edu" in result.output
    assert "--url " not in result.output
