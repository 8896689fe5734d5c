"""Grade passback (LTI Assignment and Grade Services 2.0): where a score goes (`ScoreTarget`), the score
document, the access token, and one score POST whose outcome says what to do next.

The token is an OAuth 2 client-credentials grant with a JWT client assertion (RFC 7523): the tool signs
`iss = sub = client_id`, `aud = token_url`, `iat`, `exp`, `jti` with its key (the `sign` callable the LTI
core passes: claims → compact JWS, RS256, the tool key's `kid`), asking for the score scope only. Tokens
are kept per (issuer, client id, token URL) until shortly before they expire, and fetched again when the
platform answers 401. Nothing here touches the database: `outbox.py` decides when to send and what to
keep.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_SECONDS = 300  # how long a client assertion is valid: one token request
TIMEOUT = 10.0  # seconds for one call to the platform (token or score)
MARGIN = 60.0  # a token is fetched again this long before it expires (or at 90% of its life if shorter)
WORDS = 300  # characters of a platform's answer kept as its words

Sign = Callable[[dict[str, Any]], str]  # claims → compact JWS signed by the tool key (RS256, with its kid)
Activity = Literal["Initialized", "Started", "InProgress", "Submitted", "Completed"]
Grading = Literal["FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"]


@dataclass(frozen=True)
class ScoreTarget:
    """Where a student's score for one resource goes: the platform (issuer, the tool's client id there,
    its OAuth 2 token URL) and the line item (the AGS claim's `lineitem`)."""
    platform_issuer: str
    client_id: str
    token_url: str
    lineitem_url: str

    @property
    def scores_url(self) -> str:
        """The line item's score service: `/scores` added to the line item URL's path, its query string
        kept (AGS 2.0: `…/lineitem?type=1` → `…/lineitem/scores?type=1`)."""
        parts = urlsplit(self.lineitem_url)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))

    @property
    def token_key(self) -> tuple[str, str, str]:
        return (self.platform_issuer, self.client_id, self.token_url)


def stamp(when: datetime) -> str:
    """A score's timestamp as AGS wants it: ISO 8601 with milliseconds and an offset, here always UTC
    (the outbox compares them as text: one form keeps that order right)."""
    if when.tzinfo is None:
        raise ValueError("a score's timestamp needs a time zone (datetime.now(UTC))")
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def score_document(user_id: str, score_given: float, score_maximum: float, timestamp: str,
                   activity: str = "Submitted", grading: str = "FullyGraded") -> dict[str, Any]:
    """The body of a score POST (`application/vnd.ims.lis.v1.score+json`)."""
    return {"userId": user_id, "scoreGiven": score_given, "scoreMaximum": score_maximum,
            "activityProgress": activity, "gradingProgress": grading, "timestamp": timestamp}


def assertion_claims(target: ScoreTarget, now: float) -> dict[str, Any]:
    """The client assertion's claims (RFC 7523 §3): the tool, by its client id, asks the token URL."""
    return {"iss": target.client_id, "sub": target.client_id, "aud": target.token_url, "iat": int(now),
            "exp": int(now) + ASSERTION_SECONDS, "jti": secrets.token_urlsafe(16)}


@dataclass(frozen=True)
class Outcome:
    """What one try to send a score came to: `sent`; `retry` (the platform is down, busy or erring: try
    again, after `after` seconds when it said so); `failed` (it refused the score: resending the same will
    not help until someone acts). `words` are the platform's, for the instructor page."""
    kind: Literal["sent", "retry", "failed"]
    words: str = ""
    after: float | None = None
    whole: bool = False  # a retry because the platform as a whole is down or busy, not this one score


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.words)
        self.outcome = outcome


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _words(response: httpx.Response) -> str:
    """What the platform said: an OAuth error and its description, else its text, cut short."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("error" in body or "error_description" in body):
        said = ": ".join(str(body[k]) for k in ("error", "error_description") if body.get(k))
    else:
        said = " ".join(response.text.split())
    return f"HTTP {response.status_code}" + (f": {said[:WORDS]}" if said else "")


def _judge(response: httpx.Response, what: str, now: float) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome("sent")
    said = f"{what}: {_words(response)}"
    if code in (429, 502, 503, 504) or (code >= 500 and what == "token request"):
        return Outcome("retry", said, retry_after(response.headers.get("Retry-After"), now), whole=True)
    if code >= 500 or code == 408:  # this score's trouble (a 500 on one line item): the others go on
        return Outcome("retry", said, retry_after(response.headers.get("Retry-After"), now))
    return Outcome("failed", said)


class Tokens:
    """Access tokens for the score scope, one per (issuer, client id, token URL), kept in memory until
    shortly before they expire. One per sender (a process); tokens are never stored."""

    def __init__(self, sign: Sign, clock: Callable[[], float] = time.time) -> None:
        self.sign = sign
        self.clock = clock
        self._kept: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._fetching: dict[tuple[str, str, str], asyncio.Lock] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def get(self, client: httpx.AsyncClient, target: ScoreTarget, refused: str = "") -> str:
        """A live token for `target`'s platform (not `refused`, one the platform answered 401 to); raises
        _Refused with the outcome when none can be had. Scores sent together wait for one request."""
        if self._loop is not asyncio.get_running_loop():  # a lock serves one event loop
            self._loop, self._fetching = asyncio.get_running_loop(), {}
        async with self._fetching.setdefault(target.token_key, asyncio.Lock()):
            now = self.clock()
            kept = self._kept.get(target.token_key)
            if kept is not None and kept[1] > now and kept[0] != refused:
                return kept[0]
            self._kept.pop(target.token_key, None)
            token, life = await self._fetch(client, target, now)
            self._kept[target.token_key] = (token, now + life - min(MARGIN, life * 0.1))
            return token

    async def _fetch(self, client: httpx.AsyncClient, target: ScoreTarget, now: float) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.sign(assertion_claims(target, now)), "scope": SCORE_SCOPE}
        response = await client.post(target.token_url, data=form, headers={"Accept": "application/json"})
        outcome = _judge(response, "token request", now)
        if outcome.kind != "sent":
            if response.status_code == 401:  # the platform does not know our key or client id: configuration
                outcome = Outcome("failed", outcome.words)
            raise _Refused(outcome)
        try:
            body = response.json()
            return str(body["access_token"]), float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise _Refused(Outcome("retry", f"token request: the platform's answer is not a token: "
                                            f"{_words(response)}", whole=True)) from None


async def send(client: httpx.AsyncClient, tokens: Tokens, target: ScoreTarget, document: dict[str, Any]) -> Outcome:
    """POST one score to the line item's scores URL: a token first (kept or fetched), then the score; a
    401 drops the token and tries once more with a fresh one. Connection errors and timeouts are
    `retry`: the score was not known to arrive."""
    import httpx  # lazy: a server without LTI (and the outbox's enqueue) needs no HTTP client

    try:
        refused = ""
        for fresh in (False, True):
            token = await tokens.get(client, target, refused)
            response = await client.post(target.scores_url, content=json.dumps(document).encode(), headers={
                "Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE, "Accept": "application/json"})
            if response.status_code == 401 and not fresh:
                refused = token
                continue
            outcome = _judge(response, "score", tokens.clock())
            if response.status_code == 401:  # a fresh token refused too: the platform may be mid-change
                return Outcome("retry", outcome.words)
            return outcome
    except _Refused as refused:
        return refused.outcome
    except httpx.HTTPError as err:
        return Outcome("retry", f"cannot reach the platform: {type(err).__name__}: {err}"[:WORDS], whole=True)
    raise AssertionError("unreachable")
