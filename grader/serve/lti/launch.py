"""An LTI 1.3 launch checked step by step: pure functions on the id_token and what the server knows
(the login it started, the platform's keys), giving a `Launch` or raising an `LtiError` that names the
step that failed, for the page the LMS admin reads. The network (the platform's key set) is in jwks.py.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from grader.serve.lti.platforms import Platform, safe_url

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINK = "LtiDeepLinkingRequest"
MESSAGES = (RESOURCE_LINK, DEEP_LINK)
VERSION = "1.3.0"
LEEWAY = 60  # seconds of clock difference allowed between the platform and this server
MAX_TOKEN_AGE = 3600  # an id_token issued longer ago than this is refused, whatever its `exp` says

# Roles (IMS LIS vocabulary, LTI 1.3 Core §5.3.7). The course membership (context) role decides what a
# launch opens: a context role is `membership#Name`, a sub-role `membership/Name#Sub`, or a bare short
# name. Institution and system roles say what a person is somewhere in the school (Canvas gives
# institution Instructor to anyone who teaches any course), not in this course.
_LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
TEACHING_CONTEXT = frozenset({"Instructor", "ContentDeveloper", "Administrator"})
ADMINISTRATORS = frozenset({f"{_LIS}institution/person#Administrator", f"{_LIS}system/person#Administrator"})


def context_role(role: str) -> str:
    """The context role's name (`Instructor` for `membership/Instructor#TeachingAssistant`), '' for an
    institution or system role."""
    if role.startswith(f"{_LIS}membership#"):
        return role.removeprefix(f"{_LIS}membership#")
    if role.startswith(f"{_LIS}membership/"):
        return role.removeprefix(f"{_LIS}membership/").split("#", 1)[0]
    return role if role and not any(c in role for c in ":/#") else ""


Kind = Literal[
    "no_token", "not_jwt", "algorithm", "no_kid", "unknown_kid", "keys_unreachable", "signature", "issuer",
    "audience", "azp", "expired", "not_yet", "too_old", "no_time", "no_nonce", "nonce_replayed", "nonce_mismatch",
    "no_state", "state_unknown", "state_browser", "deployment", "message_type", "version", "no_sub",
    "unknown_platform", "login_fields", "target", "no_return_url", "return_url", "no_resource_link", "no_roles",
]


@dataclass(eq=False)
class LtiError(Exception):
    """A launch or login refused at one step; `detail` holds the values the admin compares."""
    kind: Kind
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.kind, self.detail)


@dataclass(frozen=True)
class Ags:
    """The launch's Assignment and Grade Services claim: where scores for this resource go."""
    lineitem: str
    lineitems: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class DeepLinking:
    return_url: str
    data: str | None
    accept_types: tuple[str, ...]
    accept_multiple: bool
    title: str


@dataclass(frozen=True)
class Launch:
    platform: Platform
    message_type: str
    deployment_id: str
    sub: str
    name: str
    email: str
    roles: tuple[str, ...]
    context_id: str
    context_title: str
    resource_link_id: str
    resource_title: str
    custom: tuple[tuple[str, str], ...]
    ags: Ags | None
    deep_linking: DeepLinking | None
    nonce: str
    expires: float
    claims: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def teaching(self) -> bool:
        """The instructor page: an Instructor (or a sub-role, a TeachingAssistant), ContentDeveloper or
        Administrator of this course; an institution or system Administrator only when the launch gives
        no course role at all. A course Learner is a student whatever their institution roles."""
        course = {context_role(r) for r in self.roles} - {""}
        if course:
            return bool(course & TEACHING_CONTEXT)
        return any(r in ADMINISTRATORS for r in self.roles)

    @property
    def observer(self) -> bool:
        """Only a Mentor of this course (an observer, a parent): sees no sheet and answers nothing."""
        course = {context_role(r) for r in self.roles} - {""}
        return "Mentor" in course and not course & (TEACHING_CONTEXT | {"Learner"})

    def get(self, name: str) -> str:
        """A custom parameter (`sheet`, `part`, `question`), '' if not given."""
        return next((v for k, v in self.custom if k == name), "")


def _segment(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS, not yet verified: only to find the key that verifies it."""
    pieces = token.split(".")
    if len(pieces) != 3:
        raise LtiError("not_jwt", f"{len(pieces)} dot-separated parts instead of 3")
    try:
        return _segment(pieces[0]), _segment(pieces[1])
    except (ValueError, UnicodeError) as err:
        raise LtiError("not_jwt", str(err)) from None


def key_id(header: dict[str, Any]) -> str:
    """The `kid` of a header signed with RS256; else the step that fails."""
    if header.get("alg") != "RS256":
        raise LtiError("algorithm", str(header.get("alg")))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LtiError("no_kid")
    return kid


def verified(token: str, key: RSAKey) -> dict[str, Any]:
    """The claims, once the signature is checked against the platform's key."""
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"]).claims
    except (JoseError, ValueError) as err:
        raise LtiError("signature", str(err)) from None
    return dict(claims)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def check(claims: dict[str, Any], platform: Platform, nonce: str, now: float, used: bool = False) -> Launch:
    """The claims of a verified id_token against the platform registered and the login this browser
    started (its `nonce`); `used`: the token's nonce already launched once (a replay)."""
    if claims.get("iss") != platform.issuer:
        raise LtiError("issuer", f"the token says {claims.get('iss')!r}, the login was for {platform.issuer!r}")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if platform.client_id not in audiences:
        raise LtiError("audience", f"aud is {audience!r}, this tool's client id is {platform.client_id!r}")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != platform.client_id:
        raise LtiError("azp", f"azp is {azp!r}, this tool's client id is {platform.client_id!r}")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise LtiError("no_time", f"exp {exp!r}, iat {iat!r}")
    if exp < now - LEEWAY:
        raise LtiError("expired", f"it expired {now - exp:.0f} s ago")
    if iat > now + LEEWAY:
        raise LtiError("not_yet", f"it was issued {iat - now:.0f} s in the future")
    if iat < now - MAX_TOKEN_AGE - LEEWAY:
        raise LtiError("too_old", f"it was issued {now - iat:.0f} s ago")
    given = claims.get("nonce")
    if not isinstance(given, str) or not given:
        raise LtiError("no_nonce")
    if used:
        raise LtiError("nonce_replayed")
    if given != nonce:
        raise LtiError("nonce_mismatch")
    deployment = _text(claims.get(CLAIM + "deployment_id"))
    if deployment not in platform.deployment_ids:
        raise LtiError("deployment", f"{deployment!r}; registered for {platform.name}: "
                       f"{', '.join(platform.deployment_ids)}")
    message = claims.get(CLAIM + "message_type")
    if message not in MESSAGES:
        raise LtiError("message_type", repr(message))
    if claims.get(CLAIM + "version") != VERSION:
        raise LtiError("version", repr(claims.get(CLAIM + "version")))
    sub = _text(claims.get("sub"))
    if not sub:
        raise LtiError("no_sub")
    return _launch(claims, platform, str(message), deployment, sub, given, float(exp))


def _launch(claims: dict[str, Any], platform: Platform, message: str, deployment: str, sub: str, nonce: str,
            exp: float) -> Launch:
    def part(name: str) -> dict[str, Any]:
        value = claims.get(name)
        return value if isinstance(value, dict) else {}

    context, link, custom = part(CLAIM + "context"), part(CLAIM + "resource_link"), part(CLAIM + "custom")
    roles = claims.get(CLAIM + "roles")
    name = _text(claims.get("name")) or " ".join(
        x for x in (_text(claims.get("given_name")), _text(claims.get("family_name"))) if x)
    endpoint = part(AGS)
    scopes = endpoint.get("scope")
    ags = Ags(_text(endpoint.get("lineitem")), _text(endpoint.get("lineitems")),
              tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else ()) if endpoint else None
    settings = part(DEEP_LINKING)
    accept = settings.get("accept_types")
    deep = DeepLinking(_text(settings.get("deep_link_return_url")),
                       settings["data"] if isinstance(settings.get("data"), str) else None,
                       tuple(a for a in accept if isinstance(a, str)) if isinstance(accept, list) else (),
                       settings.get("accept_multiple") is not False, _text(settings.get("title"))) if settings else None
    if message == DEEP_LINK and (deep is None or not deep.return_url):
        raise LtiError("no_return_url")
    if deep is not None and message == DEEP_LINK and not safe_url(deep.return_url):
        raise LtiError("return_url", repr(deep.return_url[:200]))  # it becomes a form's action: no javascript:
    if message == RESOURCE_LINK and not _text(link.get("id")):
        raise LtiError("no_resource_link")
    if message == RESOURCE_LINK and not isinstance(roles, list):
        raise LtiError("no_roles")
    return Launch(
        platform, message, deployment, sub, name.strip(), _text(claims.get("email")),
        tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
        _text(context.get("id")), _text(context.get("title")) or _text(context.get("label")),
        _text(link.get("id")), _text(link.get("title")),
        tuple((str(k), str(v)) for k, v in custom.items() if isinstance(v, str | int | float)),
        ags, deep, nonce, exp, claims)
