"""A fake LTI 1.3 platform (an LMS) for the tests: its own RSA key and JWKS, an OIDC authorisation
endpoint that answers the tool's login with a signed id_token form-posted to the tool, a course page
that frames the tool, a deep linking return endpoint that verifies the tool's answer against the
tool's /lti/jwks, and a plain grade service (a token endpoint that checks the tool's signed assertion,
and a line item's scores endpoint that records what it receives; tests/serve/lti/fake_ags.py is the
strict one, with outages). In-process (`FakePlatform.app`, for httpx's ASGI transport) or as a process:

    python tests/serve/lti/fake_platform.py --port 9001 --tool http://localhost:8000 --sheet my-sheet

prints the PLATFORMS.json entry to give `grader serve --lti`, then serves until stopped.
"""

from __future__ import annotations

import argparse
import html
import json
import secrets
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = (f"{LIS}membership#Learner",)
INSTRUCTOR = (f"{LIS}membership#Instructor",)
# the LMS's users (login_hint: who is signed in); a teacher launches as Instructor
NAMES = {"user-42": "Ada Lovelace", "user-43": "Émile Borel", "teacher-1": "Grace Hopper"}


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}, private=True)


@dataclass
class FakePlatform:
    issuer: str = "https://lms.example"
    client_id: str = "tool-client-1"
    deployment_id: str = "deployment-1"
    tool: str = "https://tool.test"  # the tool's address (its /lti/login, /lti/jwks)
    key: RSAKey = field(default_factory=lambda: new_key("platform-key-1"))
    tool_transport: httpx.AsyncBaseTransport | None = None  # in-process: the tool app, for /lti/jwks
    launch: dict[str, Any] = field(default_factory=dict)  # claims the next id_token gets (overrides)
    received: list[dict[str, Any]] = field(default_factory=list)  # deep linking answers, verified
    published: list[RSAKey] = field(default_factory=list)  # the keys in its JWKS (default: its key)
    scores: list[dict[str, Any]] = field(default_factory=list)  # score documents received, in order
    tokens: set[str] = field(default_factory=set)  # access tokens handed out

    def entry(self, base: str | None = None) -> dict[str, Any]:
        """Its PLATFORMS.json entry (at `base`, the address it is served at)."""
        at = base or self.issuer
        return {"issuer": self.issuer, "client_id": self.client_id, "deployment_ids": [self.deployment_id],
                "auth_login_url": f"{at}/auth", "auth_token_url": f"{at}/token", "key_set_url": f"{at}/jwks"}

    def login_params(self, **extra: str) -> dict[str, str]:
        """What the LMS sends the tool's /lti/login (third-party initiated login)."""
        return {"iss": self.issuer, "login_hint": "user-42", "target_link_uri": f"{self.tool}/lti/launch",
                "client_id": self.client_id, "lti_deployment_id": self.deployment_id,
                "lti_message_hint": "resource-7", **extra}

    def claims(self, nonce: str, /, **override: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": "user-42", "iat": now, "exp": now + 300,
            "nonce": nonce, "name": "Ada Lovelace", "email": "ada@example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id, CLAIM + "target_link_uri": f"{self.tool}/lti/launch",
            CLAIM + "roles": list(LEARNER),
            CLAIM + "context": {"id": "course-1", "label": "CALC1", "title": "Calculus 1"},
            CLAIM + "resource_link": {"id": "link-1", "title": "Activation derivatives"},
            CLAIM + "custom": {"sheet": "activation-derivatives"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": f"{self.issuer}/lineitems", "lineitem": f"{self.issuer}/lineitems/1"},
        }
        merged = {**base, **self.launch, **override}
        return {k: v for k, v in merged.items() if v is not None}  # None: leave the claim out

    def sign(self, claims: dict[str, Any], key: RSAKey | None = None, kid: str | None = None) -> str:
        signer = key or self.key
        header = {"alg": "RS256", "kid": kid or signer.kid or "platform-key-1", "typ": "JWT"}
        return jwt.encode(header, claims, signer, algorithms=["RS256"])

    def answer(self, query: dict[str, str], **override: Any) -> dict[str, str]:
        """The form the authorisation endpoint posts back for the tool's redirect (id_token, state)."""
        assert query["scope"] == "openid" and query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post" and query["prompt"] == "none"
        assert query["client_id"] == self.client_id and query["login_hint"] in NAMES
        who: dict[str, Any] = {"sub": query["login_hint"], "name": NAMES[query["login_hint"]]}
        if query["login_hint"].startswith("teacher"):
            who[CLAIM + "roles"] = list(INSTRUCTOR)
        if query.get("lti_message_hint") == "deep-linking":  # the LMS's "add an activity" picker
            who |= {CLAIM + "message_type": "LtiDeepLinkingRequest", CLAIM + "resource_link": None,
                    CLAIM + "custom": None, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                        "deep_link_return_url": f"{self.issuer}/deeplink/return",
                        "accept_types": ["ltiResourceLink"], "data": "lms-data-1"}}
        return {"id_token": self.sign(self.claims(query["nonce"], **{**who, **override})), "state": query["state"]}

    # --- served ---------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/jwks", self._jwks), Route("/auth", self._auth, methods=["GET", "POST"]),
            Route("/course", self._course), Route("/deeplink/return", self._return, methods=["POST"]),
            Route("/received", self._received), Route("/token", self._token, methods=["POST"]),
            Route("/lineitems/{item}/scores", self._score, methods=["POST"]), Route("/scores", self._scores),
        ])

    async def _jwks(self, request: Request) -> Response:
        keys = self.published or [self.key]
        return JSONResponse({"keys": [k.as_dict(private=False) for k in keys]})

    async def _auth(self, request: Request) -> Response:
        query = dict(request.query_params)
        form = self.answer(query)
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in form.items())
        return HTMLResponse(f'<!doctype html><form id="f" method="post" action="{html.escape(query["redirect_uri"])}">'
                            f'{fields}<button>Continue</button></form>'
                            '<script>document.getElementById("f").submit()</script>')

    async def _course(self, request: Request) -> Response:
        """The LMS's assignment page: the tool in an iframe, started at its login."""
        extra = dict(request.query_params)
        src = f"{self.tool}/lti/login?{urlencode(self.login_params(**extra))}"
        return HTMLResponse('<!doctype html><title>Calculus 1 · LMS</title><h1>Calculus 1: Activation derivatives'
                            f'</h1><iframe id="tool" src="{html.escape(src)}" width="960" height="820" '
                            'allow="clipboard-write"></iframe>')

    async def _return(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        token = form.get("JWT", "")
        async with httpx.AsyncClient(transport=self.tool_transport) as client:
            keys = KeySet.import_key_set((await client.get(f"{self.tool}/lti/jwks")).json())
        claims = dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
        self.received.append(claims)
        [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
        return HTMLResponse(f"<!doctype html><h1>Link added</h1><p>{html.escape(item['title'])}: "
                            f"{html.escape(json.dumps(item['custom']))}, {item['lineItem']['scoreMaximum']} points</p>")

    async def _received(self, request: Request) -> Response:
        return JSONResponse(self.received)

    async def _tool_keys(self) -> KeySet:
        async with httpx.AsyncClient(transport=self.tool_transport) as client:
            return KeySet.import_key_set((await client.get(f"{self.tool}/lti/jwks")).json())

    async def _token(self, request: Request) -> Response:
        """Client credentials with a JWT assertion signed by the tool's key (iss = sub = client id)."""
        form = dict(parse_qsl((await request.body()).decode()))
        claims = jwt.decode(form["client_assertion"], await self._tool_keys(), algorithms=["RS256"]).claims
        if claims["iss"] != self.client_id or claims["sub"] != self.client_id or claims["aud"] != str(request.url):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                             "scope": form.get("scope", "")})

    async def _score(self, request: Request) -> Response:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        self.scores.append({"lineitem": request.path_params["item"], **json.loads(await request.body())})
        return JSONResponse({})

    async def _scores(self, request: Request) -> Response:
        return JSONResponse(self.scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tool", required=True, help="the tool's address, e.g. http://localhost:8000")
    parser.add_argument("--sheet", default="activation-derivatives", help="the custom parameter sheet")
    args = parser.parse_args()
    import uvicorn

    base = f"http://{args.host}:{args.port}"
    platform = FakePlatform(issuer=base, tool=args.tool.rstrip("/"), client_id="client-" + secrets.token_hex(3))
    platform.launch = {CLAIM + "custom": {"sheet": args.sheet}}
    print(json.dumps({"platforms": [platform.entry()]}), flush=True)
    sys.stdout.flush()
    uvicorn.run(platform.app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
