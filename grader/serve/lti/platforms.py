"""PLATFORMS.json: the LMSs (LTI 1.3 platforms) this server trusts, as an LMS admin reads them off the LMS.

    {"platforms": [{"issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
                    "deployment_ids": ["1:abc"], "auth_login_url": "…", "auth_token_url": "…",
                    "key_set_url": "…", "frame_origins": ["https://school.instructure.com"]}]}

One entry per registration (issuer + client id): hosted Canvas uses one issuer for every school, so one
issuer may appear with several client ids. `frame_origins` (optional) are the sites whose pages show
the tool in a frame; by default the origins of `issuer` and `auth_login_url`.
"""

from __future__ import annotations

import json
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
FIX = "See docs/lti.md for what each field is and where the LMS shows it; the file looks like " + EXAMPLE


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


def _url(where: str, key: str, value: object, https_only: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: `{key}` must be a URL (text)", FIX)
    parts = urllib.parse.urlsplit(value.strip())
    schemes = ("https",) if https_only else ("https", "http")
    if parts.scheme not in schemes or not parts.netloc:
        need = "an https:// URL" if https_only else "an http:// or https:// URL"
        raise UsageError(f"{where}: `{key}` is `{value}`, not {need}", FIX)
    return value.strip()


def _platform(where: str, entry: object, https_only: bool) -> Platform:
    if not isinstance(entry, dict):
        raise UsageError(f"{where} is not an object {{…}}", FIX)
    missing = [key for key in FIELDS if key not in entry]
    if missing:
        raise UsageError(f"{where} has no {', '.join(f'`{m}`' for m in missing)}", FIX)
    unknown = sorted(set(entry) - set(FIELDS) - {"frame_origins"})
    if unknown:
        raise UsageError(f"{where}: unknown field {', '.join(f'`{u}`' for u in unknown)} (a typo?)",
                         f"The fields are {', '.join(FIELDS)} and, optionally, frame_origins")
    issuer, client_id = entry["issuer"], entry["client_id"]
    if not isinstance(issuer, str) or not issuer.strip():
        raise UsageError(f"{where}: `issuer` must be text (the platform's issuer, e.g. https://canvas.instructure.com)",
                         FIX)
    if isinstance(client_id, int) and not isinstance(client_id, bool):
        client_id = str(client_id)  # Canvas shows client ids as numbers: written without quotes, they are meant
    if not isinstance(client_id, str) or not client_id.strip():
        raise UsageError(f"{where}: `client_id` must be text (the id the LMS gave the tool)", FIX)
    deployments = entry["deployment_ids"]
    if not isinstance(deployments, list) or not deployments or not all(
            isinstance(d, str | int) and not isinstance(d, bool) and str(d).strip() for d in deployments):
        raise UsageError(f"{where}: `deployment_ids` must be a list of the deployment ids the LMS shows, e.g. [\"1\"]",
                         FIX)
    urls = {key: _url(where, key, entry[key], https_only) for key in URL_FIELDS}
    frames = entry.get("frame_origins", [])
    if not isinstance(frames, list):
        raise UsageError(f"{where}: `frame_origins` must be a list of sites, e.g. [\"https://school.instructure.com\"]",
                         FIX)
    shown = tuple(origin(_url(where, "frame_origins", f, https_only)) for f in frames) or tuple(
        dict.fromkeys(origin(u) for u in (issuer, urls["auth_login_url"]) if urllib.parse.urlsplit(u).netloc))
    return Platform(issuer.strip(), client_id.strip(), tuple(str(d).strip() for d in deployments),
                    urls["auth_login_url"], urls["auth_token_url"], urls["key_set_url"], shown)


def parse(data: Any, path: str = "PLATFORMS.json", https_only: bool = False) -> tuple[Platform, ...]:
    """The platforms of a decoded PLATFORMS.json, or a UsageError that says where and what to fix."""
    if not isinstance(data, dict) or not isinstance(data.get("platforms"), list):
        raise UsageError(f"{path}: expected an object with a list `platforms`", FIX)
    if not data["platforms"]:
        raise UsageError(f"{path}: `platforms` is empty: name at least one LMS", FIX)
    platforms = tuple(_platform(f"{path}, platform {i + 1}", entry, https_only)
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
