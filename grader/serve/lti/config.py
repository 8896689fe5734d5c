"""What an LMS admin pastes or types to add this tool: Canvas's developer key JSON (LTI 1.3 JSON
configuration) and the fields of Moodle's "External tool" form, built from the server's public address."""

from __future__ import annotations

import urllib.parse
from typing import Any

# What the tool asks the LMS for: posting scores only (passback.py, ags.py). It makes no line items and
# reads none (the launch's AGS claim names the column) and reads no results.
AGS_SCOPES = ("https://purl.imsglobal.org/spec/lti-ags/scope/score",)
TITLE = "grader"
DESCRIPTION = "Calculus answers typed by students, graded exactly, with feedback, hints and worked solutions."


def urls(base: str) -> dict[str, str]:
    """The tool's endpoints under its public address."""
    return {"login": f"{base}/lti/login", "launch": f"{base}/lti/launch", "jwks": f"{base}/lti/jwks",
            "config": f"{base}/lti/config"}


def domain(base: str) -> str:
    """Canvas's tool `domain`: the host, with the port only when it is not the scheme's default (Canvas
    matches a link's `.host:port` against it, the port being absent for a default one)."""
    parts = urllib.parse.urlsplit(base)
    host = (parts.hostname or "").lower()
    shown = f"[{host}]" if ":" in host else host
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return shown if parts.port is None or parts.port == default else f"{shown}:{parts.port}"


def canvas(base: str) -> dict[str, Any]:
    """The developer key's JSON (Canvas: Developer Keys → + LTI Key → Method: Paste JSON, or Enter URL
    with `/lti/config.json`). Both placements ask the tool for a link by deep linking."""
    at = urls(base)
    placement = {"message_type": "LtiDeepLinkingRequest", "target_link_uri": at["launch"], "text": TITLE}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "oidc_initiation_url": at["login"],
        "target_link_uri": at["launch"],
        "public_jwk_url": at["jwks"],
        "scopes": list(AGS_SCOPES),
        "extensions": [{
            "platform": "canvas.instructure.com",
            "domain": domain(base),
            "tool_id": "grader",
            "privacy_level": "public",  # the name and e-mail: the instructor page names its students
            "settings": {"text": TITLE, "placements": [
                {"placement": "assignment_selection", **placement},
                {"placement": "link_selection", **placement},
            ]},
        }],
        "custom_fields": {},
    }


def moodle(base: str) -> dict[str, str]:
    """Moodle's "Manage tools → configure a tool manually" fields, by their labels."""
    at = urls(base)
    return {
        "Tool name": TITLE,
        "Tool URL": at["launch"],
        "LTI version": "LTI 1.3",
        "Public key type": "Keyset URL",
        "Public keyset": at["jwks"],
        "Initiate login URL": at["login"],
        "Redirection URI(s)": at["launch"],
        "Supports Deep Linking (Content-Item Message)": "yes (ticked)",
        "Content Selection URL": at["launch"],
        "IMS LTI Assignment and Grade Services": "Use this service for grade sync only",
        "Share launcher's name with tool": "Always",
        "Share launcher's email with tool": "Always",
        "Accept grades from the tool": "Always",
    }
