"""Grade passback's HTTP side against a fake LMS (fake_ags.py): the scores URL, the score document, the
access token (a client assertion the LMS checks against the tool's public key; kept until shortly before
it expires; fetched again on a 401) and what each answer of the LMS comes to (sent, retry, failed)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fake_ags import CLIENT_ID, ISSUER, SCORE_SCOPE, SCORE_TYPE, TOKEN_URL, Platform, lineitem_url, signer, tool_key

from grader.serve.lti import ags
from grader.serve.lti.ags import ScoreTarget


@pytest.fixture(scope="module")
def key() -> Any:
    return tool_key()


def target(item: int = 1, query: str = "") -> ScoreTarget:
    return ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, lineitem_url(item, query))


class Clock:
    def __init__(self) -> None:
        import time

        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def run(platform: Platform, tokens: ags.Tokens, *documents: dict[str, Any], to: ScoreTarget | None = None
        ) -> list[ags.Outcome]:
    async def go() -> list[ags.Outcome]:
        async with httpx.AsyncClient(transport=platform.transport()) as client:
            return [await ags.send(client, tokens, to or target(), d) for d in documents]

    return asyncio.run(go())


def doc(user: str = "u1", given: float = 3.0, seconds: int = 0) -> dict[str, Any]:
    when = datetime(2026, 12, 7, 15, 0, tzinfo=UTC) + timedelta(seconds=seconds)
    return ags.score_document(user, given, 10.0, ags.stamp(when))


def test_the_scores_url_is_the_line_item_with_scores_added_to_its_path_and_its_query_kept() -> None:
    assert target().scores_url == "https://lms.example.edu/api/lti/courses/7/line_items/1/scores"
    assert (ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, "https://lms.example.edu/2923/lineitems/1/lineitem?type_id=1")
            .scores_url == "https://lms.example.edu/2923/lineitems/1/lineitem/scores?type_id=1")
    assert (ScoreTarget(ISSUER, CLIENT_ID, TOKEN_URL, "https://lms.example.edu/mod/lti/services.php/2/lineitems/5/"
                        "lineitem?type_id=3").scores_url
            == "https://lms.example.edu/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=3")


def test_a_score_document_has_the_fields_ags_names_and_a_timestamp_with_ms_and_offset() -> None:
    when = datetime(2026, 12, 7, 16, 5, 9, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert ags.score_document("u1", 7.5, 10.0, ags.stamp(when)) == {
        "userId": "u1", "scoreGiven": 7.5, "scoreMaximum": 10.0, "activityProgress": "Submitted",
        "gradingProgress": "FullyGraded", "timestamp": "2026-12-07T15:05:09.123+00:00"}
    with pytest.raises(ValueError, match="time zone"):
        ags.stamp(datetime(2026, 12, 7))


def test_a_score_is_posted_with_a_token_the_lms_checked_and_arrives_as_sent(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    outcome, = run(platform, ags.Tokens(signer(key)), doc(given=4.0), to=target(3, "type_id=1"))
    assert outcome == ags.Outcome("sent")
    assert platform.scores == [("/api/lti/courses/7/line_items/3/scores?type_id=1", doc(given=4.0))]
    claims, = platform.token_requests
    assert claims["iss"] == claims["sub"] == CLIENT_ID and claims["aud"] == TOKEN_URL
    assert claims["exp"] - claims["iat"] == ags.ASSERTION_SECONDS and len(claims["jti"]) >= 16


def test_the_token_request_is_a_client_credentials_grant_for_the_score_scope_only(key: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "abc", "token_type": "Bearer", "expires_in": 3600})
        return httpx.Response(200, json={})

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await ags.send(client, ags.Tokens(signer(key)), target(), doc())

    asyncio.run(go())
    token, score = seen
    form = {k: v[0] for k, v in parse_qs(token.content.decode()).items()}
    assert form["grant_type"] == "client_credentials" and form["scope"] == SCORE_SCOPE
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert set(form) == {"grant_type", "client_assertion_type", "client_assertion", "scope"}
    assert score.headers["authorization"] == "Bearer abc" and score.headers["content-type"] == SCORE_TYPE
    assert json.loads(score.content) == doc()


def test_a_token_is_kept_until_shortly_before_it_expires_then_fetched_again(key: Any) -> None:
    clock = Clock()
    platform = Platform({"keys": [key.as_dict(private=False)]}, token_life=3600, clock=clock)
    tokens = ags.Tokens(signer(key), clock)
    run(platform, tokens, doc("u1"), doc("u2"), doc("u3"))
    assert len(platform.token_requests) == 1 and len(platform.scores) == 3
    clock.now += 3600 - ags.MARGIN - 1
    run(platform, tokens, doc("u4"))
    assert len(platform.token_requests) == 1
    clock.now += 2  # within a minute of its end: a new one
    run(platform, tokens, doc("u5"))
    assert len(platform.token_requests) == 2 and len(platform.scores) == 5


def test_scores_sent_together_share_one_token_request_and_one_new_token_after_a_401(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    tokens = ags.Tokens(signer(key))

    async def together(n: int) -> list[ags.Outcome]:
        async with httpx.AsyncClient(transport=platform.transport()) as client:
            return list(await asyncio.gather(*(ags.send(client, tokens, target(), doc(f"u{i}")) for i in range(n))))

    assert {o.kind for o in asyncio.run(together(8))} == {"sent"} and len(platform.token_requests) == 1
    platform.revoke()
    assert {o.kind for o in asyncio.run(together(8))} == {"sent"} and len(platform.token_requests) == 2
    assert len(platform.scores) == 16


def test_another_platform_or_client_id_gets_its_own_token(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    tokens = ags.Tokens(signer(key))
    run(platform, tokens, doc(), to=target(1))
    run(platform, tokens, doc(), to=target(2))  # another line item, same platform: the same token
    assert len(platform.token_requests) == 1
    other = ScoreTarget("https://other.example.edu", CLIENT_ID, TOKEN_URL, lineitem_url(1))
    run(platform, tokens, doc(), to=other)
    assert len(platform.token_requests) == 2


def test_a_401_on_a_score_fetches_a_new_token_and_sends_it_again(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    tokens = ags.Tokens(signer(key))
    run(platform, tokens, doc("u1"))
    platform.revoke()
    outcome, = run(platform, tokens, doc("u2"))
    assert outcome.kind == "sent" and [d["userId"] for _, d in platform.scores] == ["u1", "u2"]
    assert len(platform.token_requests) == 2 and platform.refusals == [("score", 401)]


def test_an_assertion_signed_by_another_key_is_refused_by_the_lms_and_the_score_failed(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    outcome, = run(platform, ags.Tokens(signer(tool_key("tool-1"))), doc())  # same kid, another key
    assert outcome.kind == "failed" and "token request: HTTP 401: invalid_client" in outcome.words
    assert platform.scores == []


def test_outages_are_retries_429_with_its_retry_after_and_other_4xx_failed_with_the_lms_words(key: Any) -> None:
    platform = Platform({"keys": [key.as_dict(private=False)]})
    tokens = ags.Tokens(signer(key))
    platform.mode = "down"
    down, = run(platform, tokens, doc())
    assert down.kind == "retry" and "cannot reach the platform: ConnectError" in down.words
    platform.mode = "5xx"
    busy, = run(platform, tokens, doc())
    assert busy == ags.Outcome("retry", "token request: HTTP 503: unavailable: down for maintenance", whole=True)
    platform.mode, platform.retry_after = "429", "120"
    slow, = run(platform, tokens, doc())
    assert slow.kind == "retry" and slow.after == 120.0 and "HTTP 429" in slow.words
    platform.mode, platform.broken = "up", {"2"}
    one, = run(platform, tokens, doc(), to=target(2))  # a 500 on one line item: not the platform as a whole
    assert one == ags.Outcome("retry", "score: HTTP 500: server_error: line item 2 is broken", whole=False)
    platform.broken, platform.refuse = set(), {"u9"}
    refused, = run(platform, tokens, doc("u9"))
    assert refused == ags.Outcome("failed", "score: HTTP 400: user_not_found: user u9 is not in this course")


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    assert ags.retry_after("30", 0.0) == 30.0
    assert ags.retry_after("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 27, 0, tzinfo=UTC).timestamp()
                           ) == 60.0
    assert ags.retry_after("soon", 0.0) is None and ags.retry_after(None, 0.0) is None
