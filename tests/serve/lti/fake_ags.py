"""A fake LMS's grade services, as strict as a real one about what it is sent: an OAuth 2 token endpoint
(client-credentials grant with a JWT client assertion checked against the tool's public key: signature,
kid, iss = sub = client id, aud = this token URL, iat/exp, a jti used once; the score scope), line items,
and a scores endpoint that checks the bearer token and the score document and records each score. It can
be switched down (no connection), to 5xx, to 429 with a Retry-After, can refuse a user with a 400 and
answer 500 for one line item.

In the tests' process: `Platform.transport()` is an httpx transport to it (down raises ConnectError);
as a real server: `uvicorn` on a port (tests/serve/lti/test_ags_restart.py)."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ISSUER = "https://lms.example.edu"
CLIENT_ID = "10000000000042"
BASE = "https://lms.example.edu"
TOKEN_URL = f"{BASE}/login/oauth2/token"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}


def tool_key(kid: str = "tool-1") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


def signer(key: RSAKey) -> Any:
    """What the LTI core passes the outbox: claims → a compact JWS signed by the tool key, with its kid."""
    kid = key.as_dict()["kid"]
    return lambda claims: jwt.encode({"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, key)


def lineitem_url(number: int = 1, query: str = "") -> str:
    return f"{BASE}/api/lti/courses/7/line_items/{number}" + (f"?{query}" if query else "")


@dataclass
class Platform:
    """One fake LMS. `mode`: "up", "down", "5xx" or "429" (with `retry_after`); `refuse` users get a 400."""
    tool_jwks: dict[str, Any]  # the tool's public keys, as the LMS admin registered them
    base: str = BASE
    token_life: int = 3600
    mode: str = "up"
    retry_after: str = "1"
    refuse: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)  # line items whose scores get a 500
    scores: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (line item path, document) received
    token_requests: list[dict[str, Any]] = field(default_factory=list)  # the assertions' claims
    refusals: list[tuple[str, int]] = field(default_factory=list)  # (what, status) answered with an error
    tokens: dict[str, float] = field(default_factory=dict)  # access token → expires at
    clock: Callable[[], float] = time.time  # the LMS's time (a test may move it)
    _jtis: set[str] = field(default_factory=set)

    @property
    def token_url(self) -> str:
        return f"{self.base}/login/oauth2/token"

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/login/oauth2/token", self._token, methods=["POST"]),
            Route("/api/lti/courses/{course}/line_items", self._lineitems, methods=["GET"]),
            Route("/api/lti/courses/{course}/line_items/{item}", self._lineitem, methods=["GET"]),
            Route("/api/lti/courses/{course}/line_items/{item}/scores", self._score, methods=["POST"]),
        ])

    def transport(self) -> httpx.AsyncBaseTransport:
        return _Switchable(self, httpx.ASGITransport(app=self.app()))

    def revoke(self) -> None:
        """Every access token handed out stops working (the next score gets a 401)."""
        self.tokens.clear()

    def _refuse(self, what: str, status: int, error: str, description: str,
                headers: dict[str, str] | None = None) -> Response:
        self.refusals.append((what, status))
        return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)

    def _outage(self, what: str) -> Response | None:
        if self.mode == "5xx":
            return self._refuse(what, 503, "unavailable", "down for maintenance")
        if self.mode == "429":
            return self._refuse(what, 429, "rate_limited", "slow down", {"Retry-After": self.retry_after})
        return None

    async def _token(self, request: Request) -> Response:
        if (down := self._outage("token")) is not None:
            return down
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}  # no python-multipart
        if form.get("grant_type") != "client_credentials":
            return self._refuse("token", 400, "unsupported_grant_type", f"grant_type {form.get('grant_type')}")
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return self._refuse("token", 400, "invalid_request", "client_assertion_type is not jwt-bearer")
        if SCORE_SCOPE not in str(form.get("scope", "")).split():
            return self._refuse("token", 400, "invalid_scope", f"scope {form.get('scope')}")
        try:
            token = jwt.decode(str(form.get("client_assertion", "")), KeySet.import_key_set(self.tool_jwks))
        except (JoseError, ValueError) as err:
            return self._refuse("token", 401, "invalid_client", f"the assertion's signature: {err}")
        claims, now = token.claims, self.clock()
        problems = [
            name for name, ok in (
                ("alg", token.header.get("alg") == "RS256"),
                ("iss", claims.get("iss") == CLIENT_ID), ("sub", claims.get("sub") == CLIENT_ID),
                ("aud", claims.get("aud") == self.token_url or self.token_url in (claims.get("aud") or [])),
                ("exp", isinstance(claims.get("exp"), int) and claims["exp"] > now),
                ("iat", isinstance(claims.get("iat"), int) and claims["iat"] <= now + 5),
                ("jti", isinstance(claims.get("jti"), str) and claims["jti"] not in self._jtis),
            ) if not ok]
        if problems:
            return self._refuse("token", 400, "invalid_grant", f"bad claims: {', '.join(problems)}")
        self._jtis.add(claims["jti"])
        self.token_requests.append(dict(claims))
        access = secrets.token_urlsafe(16)
        self.tokens[access] = now + self.token_life
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": self.token_life,
                             "scope": SCORE_SCOPE})

    async def _lineitems(self, request: Request) -> Response:
        course = request.path_params["course"]
        return JSONResponse([{"id": f"{self.base}/api/lti/courses/{course}/line_items/1", "label": "Sheet 1",
                              "scoreMaximum": 10}], media_type="application/vnd.ims.lis.v2.lineitemcontainer+json")

    async def _lineitem(self, request: Request) -> Response:
        return JSONResponse({"id": str(request.url), "label": "Sheet 1", "scoreMaximum": 10},
                            media_type="application/vnd.ims.lis.v2.lineitem+json")

    async def _score(self, request: Request) -> Response:
        if (down := self._outage("score")) is not None:
            return down
        if request.path_params["item"] in self.broken:
            return self._refuse("score", 500, "server_error", f"line item {request.path_params['item']} is broken")
        bearer = request.headers.get("authorization", "")
        if not bearer.startswith("Bearer ") or self.tokens.get(bearer[7:], 0) <= self.clock():
            return self._refuse("score", 401, "unauthorized", "no valid access token")
        if request.headers.get("content-type") != SCORE_TYPE:
            return self._refuse("score", 415, "unsupported_media_type", request.headers.get("content-type", ""))
        doc = await request.json()
        wrong = [name for name, ok in (
            ("userId", isinstance(doc.get("userId"), str) and doc["userId"]),
            ("scoreGiven", isinstance(doc.get("scoreGiven"), int | float) and doc["scoreGiven"] >= 0),
            ("scoreMaximum", isinstance(doc.get("scoreMaximum"), int | float) and doc["scoreMaximum"] > 0),
            ("activityProgress", doc.get("activityProgress") in ACTIVITY),
            ("gradingProgress", doc.get("gradingProgress") in GRADING),
            ("timestamp", isinstance(doc.get("timestamp"), str) and _STAMP.match(doc["timestamp"])),
        ) if not ok]
        if wrong:
            return self._refuse("score", 400, "invalid_score", f"bad fields: {', '.join(wrong)}")
        if doc["userId"] in self.refuse:
            return self._refuse("score", 400, "user_not_found", f"user {doc['userId']} is not in this course")
        self.scores.append((request.url.path + (f"?{request.url.query}" if request.url.query else ""), doc))
        return Response(status_code=204)

    def last(self, user: str) -> dict[str, Any] | None:
        """The score the gradebook shows for `user`: the latest timestamp received (as an LMS keeps it)."""
        theirs = [doc for _, doc in self.scores if doc["userId"] == user]
        return max(theirs, key=lambda d: d["timestamp"]) if theirs else None


class _Switchable(httpx.AsyncBaseTransport):
    def __init__(self, platform: Platform, inner: httpx.AsyncBaseTransport) -> None:
        self.platform, self.inner = platform, inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.001)  # the network: other requests go on meanwhile (ASGITransport alone never yields)
        if self.platform.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)
