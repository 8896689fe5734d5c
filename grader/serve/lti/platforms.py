"""PLATFORMS.json: the LMSs (LTI 1.3 platforms) this server trusts, as an LMS admin reads them off the LMS.

    {"platforms": [{"issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
                    "deployment_ids": ["1:abc"], "auth_login_url": "…", "auth_token_url": "…",
                    "key_set_url": "…", "frame_origins": ["https://school.instructure.com"]}]}

One entry per registration (issuer + client id): hosted Canvas uses one issuer for every school, so one
issuer may appear with several client ids. `frame_origins` (optional) are the sites whose pages show
the tool in a frame; by default the origins of `issuer` and `auth_login_url`.
"""

from __future__ import annotations

import difflib
import json
import logging
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.errors import UsageError

FIELDS = ("issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url")
URL_FIELDS = ("auth_login_url", "auth_token_url", "key_set_url")
EXAMPLE = ('{"platforms": [{"issuer": "https://moodle.example.edu", "client_id": "AbC123", "deployment_ids": ["1"], '
           '"auth_login_url": "https://moodle.example.edu/mod/lti/auth.php", '
           '"auth_token_url": "https://moodle.example.edu/mod/lti/token.php", '
           '"key_set_url": "https://moodle.example.edu/mod/lti/certs.php"}]}')
HELP = "What each field is and where the LMS shows it: grader serve --help (under --lti)"
FIX = f"{HELP}. The file looks like {EXAMPLE}"  # the whole example: only for a file that is not one at all
EXAMPLES = {
    "issuer": '"https://canvas.instructure.com" (Canvas) or "https://moodle.example.edu" (your Moodle\'s address)',
    "client_id": '"10000000000001" (Canvas\'s developer key id) or "AbC123" (Moodle\'s Client ID)',
    "deployment_ids": '["1"]',
    "auth_login_url": '"https://sso.canvaslms.com/api/lti/authorize_redirect" or '
                      '"https://moodle.example.edu/mod/lti/auth.php"',
    "auth_token_url": '"https://sso.canvaslms.com/login/oauth2/token" or "https://moodle.example.edu/mod/lti/token.php"',
    "key_set_url": '"https://sso.canvaslms.com/api/lti/security/jwks" or "https://moodle.example.edu/mod/lti/certs.php"',
    "frame_origins": '["https://school.instructure.com"]',
}
_log = logging.getLogger("grader.serve.lti")


def _fix(key: str) -> str:
    """What to do about one field: its example, and where the fields are described."""
    return f"For example \"{key}\": {EXAMPLES[key]}. {HELP}"


@dataclass(frozen=True)
class Platform:
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    frame_origins: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """For messages: `https://moodle.example.edu (client id AbC123)`."""
        return f"{self.issuer} (client id {self.client_id})"


def origin(url: str) -> str:
    """`https://school.instructure.com` of a URL (scheme, host, port)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


LOCAL = ("localhost", "127.0.0.1", "::1")  # a platform on this machine (a trial, a test) may use http


def safe_url(url: str) -> bool:
    """An https URL, or an http one on this machine: what a platform's addresses may be."""
    parts = urllib.parse.urlsplit(url)
    return bool(parts.netloc) and (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL))


def _url(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: `{key}` must be a URL (text)", _fix(key))
    if not safe_url(value.strip()):
        raise UsageError(f"{where}: `{key}` is `{value}`, not an https:// URL (http:// only on localhost: the "
                         "tool's key and the students' grades travel there)", _fix(key))
    return value.strip()


def _issuer(where: str, value: object) -> str:
    """The issuer exactly as the LMS sends it in every launch (compared as a string, so never altered)."""
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: `issuer` must be text", _fix("issuer"))
    if not safe_url(value.strip()):
        raise UsageError(f"{where}: `issuer` is `{value}`, not an https:// URL (http:// only on localhost): write it "
                         "as the LMS shows it, scheme included", _fix("issuer"))
    if value.strip().endswith("/"):
        _log.warning("%s: `issuer` %s ends with `/`: launches whose issuer is written without it will be refused "
                     "(the LMS's issuer is compared exactly; Canvas's and Moodle's have no trailing `/`)",
                     where, value.strip())
    return value.strip()


def _platform(where: str, entry: object) -> Platform:
    if not isinstance(entry, dict):
        raise UsageError(f"{where} is not an object {{…}}", FIX)
    known = (*FIELDS, "frame_origins")
    unknown = sorted(set(entry) - set(known))
    if unknown:
        guesses = [difflib.get_close_matches(u.lower(), known, n=1, cutoff=0.6) for u in unknown]
        said = ", ".join(f"`{u}`" + (f" (did you mean `{g[0]}`?)" if g else "") for u, g in zip(unknown, guesses,
                                                                                                 strict=True))
        raise UsageError(f"{where}: unknown field {said}",
                         f"The fields are {', '.join(FIELDS)} and, optionally, frame_origins. {HELP}")
    missing = [key for key in FIELDS if key not in entry]
    if missing:
        raise UsageError(f"{where} has no {', '.join(f'`{m}`' for m in missing)}", _fix(missing[0]))
    issuer, client_id = _issuer(where, entry["issuer"]), entry["client_id"]
    if isinstance(client_id, int) and not isinstance(client_id, bool):
        client_id = str(client_id)  # Canvas shows client ids as numbers: written without quotes, they are meant
    if not isinstance(client_id, str) or not client_id.strip():
        raise UsageError(f"{where}: `client_id` must be text (the id the LMS gave the tool)", _fix("client_id"))
    deployments = entry["deployment_ids"]
    if not isinstance(deployments, list) or not deployments or not all(
            isinstance(d, str | int) and not isinstance(d, bool) and str(d).strip() for d in deployments):
        raise UsageError(f"{where}: `deployment_ids` must be a list of the deployment ids the LMS shows",
                         _fix("deployment_ids"))
    urls = {key: _url(where, key, entry[key]) for key in URL_FIELDS}
    frames = entry.get("frame_origins", [])
    if not isinstance(frames, list):
        raise UsageError(f"{where}: `frame_origins` must be a list of sites", _fix("frame_origins"))
    shown = tuple(origin(_url(where, "frame_origins", f)) for f in frames) or tuple(
        dict.fromkeys(origin(u) for u in (issuer, urls["auth_login_url"]) if urllib.parse.urlsplit(u).netloc))
    return Platform(issuer, client_id.strip(), tuple(str(d).strip() for d in deployments),
                    urls["auth_login_url"], urls["auth_token_url"], urls["key_set_url"], shown)


def parse(data: Any, path: str = "PLATFORMS.json") -> tuple[Platform, ...]:
    """The platforms of a decoded PLATFORMS.json, or a UsageError that says where and what to fix."""
    if not isinstance(data, dict) or not isinstance(data.get("platforms"), list):
        raise UsageError(f"{path}: expected an object with a list `platforms`", FIX)
    if not data["platforms"]:
        raise UsageError(f"{path}: `platforms` is empty: name at least one LMS", FIX)
    platforms = tuple(_platform(f"{path}, platform {i + 1}", entry)
                      for i, entry in enumerate(data["platforms"]))
    seen: set[tuple[str, str]] = set()
    for i, one in enumerate(platforms):
        if (one.issuer, one.client_id) in seen:
            raise UsageError(f"{path}, platform {i + 1}: issuer {one.issuer} with client id {one.client_id} is given "
                             "twice", "Keep one entry per client id; list all its deployments in its deployment_ids")
        seen.add((one.issuer, one.client_id))
    return platforms


def read(path: Path) -> tuple[Platform, ...]:
    """PLATFORMS.json from a file (UTF-8 JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}", FIX) from err
    except UnicodeDecodeError as err:
        raise UsageError(f"{path} is not UTF-8 text", "Save it as UTF-8") from err
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}, line {err.lineno}, column {err.colno}: not JSON ({err.msg})", FIX) from err
    return parse(data, str(path))


def find(platforms: tuple[Platform, ...], issuer: str, client_id: str | None) -> Platform | None:
    """The registration of `issuer` with `client_id`; without a client id, the issuer's only one."""
    mine = [p for p in platforms if p.issuer == issuer]
    if client_id is None:
        return mine[0] if len(mine) == 1 else None
    return next((p for p in mine if p.client_id == client_id), None)


def frame_origins(platforms: tuple[Platform, ...]) -> tuple[str, ...]:
    """Every registered platform's framing sites, once each, for CSP frame-ancestors."""
    return tuple(dict.fromkeys(o for p in platforms for o in p.frame_origins))
