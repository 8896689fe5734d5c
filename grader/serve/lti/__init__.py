"""LTI 1.3: the server as a tool inside an LMS (Canvas, Moodle, any LTI 1.3 platform), `grader serve --lti`.

`platforms.py` reads PLATFORMS.json; `keys.py` is the tool's RSA key (kept in the database); `jwks.py`
fetches the platforms' keys; `launch.py` checks an id_token step by step and `words.py` says what a
refused one lacked; `records.py` keeps logins, nonces, LMS users and grade targets (migration 6);
`deeplink.py` answers a deep linking request; `config.py` is what an LMS admin pastes or types;
`passback.py` is each graded answer's score for the gradebook; `routes.py` is the HTTP. Grade passback
itself: `ags.py` (the score, the token) and `outbox.py` (scores queued, sent, retried). docs/lti.md.
"""
