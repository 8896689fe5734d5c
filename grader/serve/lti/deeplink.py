"""Deep linking (LTI Deep Linking 2.0): an instructor picks a sheet (or one question) and the tool sends
the platform an `LtiDeepLinkingResponse`, signed with its key, holding one `ltiResourceLink` whose
custom parameter `sheet` (and `question`) says what the link opens, with a gradebook `lineItem`
worth the sheet's points. Between the request and the pick, what the platform asked for travels in a
`ticket` the tool signs itself (no server-side state)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from grader.serve.lti.launch import CLAIM, VERSION, Launch

CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
TICKET_AUDIENCE = "grader:deep-linking"
TICKET_SECONDS = 3600  # an instructor has this long to pick


@dataclass(frozen=True)
class Ticket:
    issuer: str
    client_id: str
    deployment_id: str
    return_url: str
    data: str | None
    id: str = ""  # its jti: a ticket is used once
    expires: float = 0.0


def ticket(launch: Launch, sign: Callable[[dict[str, Any]], str], now: float) -> str:
    """What the deep linking request asked for, signed by the tool, for the pick page's form."""
    assert launch.deep_linking is not None
    return sign({"aud": TICKET_AUDIENCE, "exp": int(now) + TICKET_SECONDS, "jti": secrets.token_urlsafe(16),
                 "iss": launch.platform.issuer,
                 "client_id": launch.platform.client_id, "deployment_id": launch.deployment_id,
                 "return_url": launch.deep_linking.return_url, "data": launch.deep_linking.data})


def read_ticket(value: str, key: RSAKey, now: float) -> Ticket | None:
    """A ticket this tool signed and that has not expired; None otherwise."""
    try:
        claims = jwt.decode(value, key, algorithms=["RS256"]).claims
    except (JoseError, ValueError):
        return None
    exp = claims.get("exp")
    if claims.get("aud") != TICKET_AUDIENCE or not isinstance(exp, int) or exp < now:
        return None
    data, jti = claims.get("data"), claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return None
    return Ticket(str(claims["iss"]), str(claims["client_id"]), str(claims["deployment_id"]),
                  str(claims["return_url"]), data if isinstance(data, str) else None, jti, float(exp))


def response(chosen: Ticket, launch_url: str, title: str, custom: dict[str, str], points: float,
             resource_id: str, sign: Callable[[dict[str, Any]], str], now: float | None = None) -> str:
    """The signed LtiDeepLinkingResponse (the JWT form field posted to the return URL)."""
    moment = int(time.time() if now is None else now)
    item = {"type": "ltiResourceLink", "title": title, "url": launch_url, "custom": custom,
            "lineItem": {"scoreMaximum": points, "label": title, "resourceId": resource_id, "tag": "grader"}}
    claims: dict[str, Any] = {
        "iss": chosen.client_id, "aud": chosen.issuer, "iat": moment, "exp": moment + 600,
        "nonce": secrets.token_urlsafe(16), CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": VERSION, CLAIM + "deployment_id": chosen.deployment_id, CONTENT_ITEMS: [item]}
    if chosen.data is not None:
        claims[DATA] = chosen.data
    return sign(claims)
