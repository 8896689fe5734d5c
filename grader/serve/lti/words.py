"""What each refused LTI login or launch says, for the LMS admin who reads it in the LMS page: the
step that failed, the values compared, and what to change. Each is a 4xx: nothing was launched."""

from __future__ import annotations

from grader.serve.lti.launch import Kind, LtiError

_KEYS = "The tool fetches the platform's public keys from key_set_url in PLATFORMS.json"
WORDS: dict[Kind, tuple[int, str]] = {
    "no_token": (400, "The LMS sent no id_token to /lti/launch. The tool's redirect URI in the LMS must be this "
                 "server's /lti/launch, and launches must start at its /lti/login (OpenID Connect login URL)."),
    "not_jwt": (400, "The id_token the LMS sent is not a signed JSON Web Token."),
    "algorithm": (400, "The id_token is not signed with RS256, the algorithm LTI 1.3 requires."),
    "no_kid": (400, "The id_token's header names no key (kid), so it cannot be checked against the platform's keys."),
    "unknown_kid": (401, f"The id_token was signed with a key the platform does not publish. {_KEYS}: check that "
                    "key_set_url is this platform's JWKS URL (for Canvas, the issuer's; for Moodle, "
                    "…/mod/lti/certs.php)."),
    "keys_unreachable": (400, f"{_KEYS}, and that failed. Check key_set_url and that this server can reach it."),
    "signature": (401, "The id_token's signature does not match the platform's key: it was altered, or key_set_url "
                  "in PLATFORMS.json belongs to another platform."),
    "issuer": (401, "The id_token's issuer (iss) is not the platform the login was started for."),
    "audience": (401, "The id_token is not addressed to this tool (aud): client_id in PLATFORMS.json must be the "
                 "client id the LMS gave this tool."),
    "azp": (401, "The id_token names several audiences, and its authorised party (azp) is not this tool's client id."),
    "expired": (401, "The id_token has expired. If this server's clock is right, the launch was held up; launch "
                "again from the LMS. If not, set this server's clock (NTP)."),
    "not_yet": (401, "The id_token was issued in the future: the clocks of the LMS and this server differ. "
                "Set this server's clock (NTP)."),
    "too_old": (401, "The id_token was issued too long ago to be used now: launch again from the LMS."),
    "no_time": (400, "The id_token has no expiry (exp) or issue time (iat)."),
    "no_nonce": (400, "The id_token has no nonce."),
    "nonce_replayed": (401, "This id_token was already used for a launch (its nonce): a launch is used once. "
                       "Launch again from the LMS."),
    "nonce_mismatch": (401, "The id_token's nonce is not the one this tool sent at login: it answers another login. "
                       "Launch again from the LMS."),
    "no_state": (400, "The launch carries no state: it must answer a login that started at this tool's /lti/login."),
    "state_unknown": (403, "This launch answers no login this tool started, or one already used or older than ten "
                      "minutes. Launch again from the LMS."),
    "state_browser": (403, "This launch arrived in another browser than the one that started the login, or the "
                      "browser refused this tool's cookie. Launch again from the LMS; if it happens again, allow "
                      "this site's cookies or use \"Open in a new tab\"."),
    "deployment": (403, "The launch's deployment id is not registered for this platform: add it to deployment_ids "
                   "in PLATFORMS.json and restart grader serve."),
    "message_type": (400, "The launch is neither a resource link launch (LtiResourceLinkRequest) nor a deep linking "
                     "request (LtiDeepLinkingRequest), the two messages this tool answers."),
    "version": (400, "The launch is not LTI version 1.3.0."),
    "no_sub": (400, "The launch names no user (sub): this tool needs to know who the student is. Turn off "
               "anonymous launches for this tool in the LMS."),
    "unknown_platform": (403, "This LMS (issuer and client id) is not in PLATFORMS.json: add it, and restart "
                         "grader serve."),
    "login_fields": (400, "The login request lacks a field LTI 1.3 requires (iss, login_hint, target_link_uri)."),
    "target": (400, "The login's target_link_uri is not an address of this tool: in the LMS, the tool's target "
               "link URI must be this server's /lti/launch."),
    "no_return_url": (400, "The deep linking request names no deep_link_return_url to send the choice back to."),
    "return_url": (400, "The deep linking request's deep_link_return_url is not an https address (http only on "
                   "localhost): the tool sends the instructor's choice only to the LMS's own https address."),
    "no_resource_link": (400, "The resource link launch has no resource_link claim with an id, which LTI 1.3 "
                         "requires: the tool cannot tell which LMS link (and gradebook column) was opened."),
    "no_roles": (400, "The resource link launch has no roles claim, which LTI 1.3 requires (an empty list if the "
                 "user has none): the tool cannot tell a student from an instructor."),
}


def describe(err: LtiError) -> tuple[int, str]:
    """The status and the sentence(s) for a refused login or launch."""
    status, text = WORDS[err.kind]
    return status, f"{text} ({err.detail})" if err.detail else text
