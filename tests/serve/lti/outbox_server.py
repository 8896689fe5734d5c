"""A class server with grade passback, as `grader serve --lti` runs it: the app (its lifespan starts the
outbox's sender) under uvicorn on a free port, the tool key read from a JWK file. Prints `ready PORT`.

    python outbox_server.py DB TOOL_KEY.json
(tests/serve/lti/test_outbox_restart.py starts it, kills it with SIGKILL and starts it again.)"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import uvicorn
from fake_ags import signer
from joserfc.jwk import RSAKey

from grader.serve import app as web
from grader.serve import pages
from grader.serve.lti import outbox
from grader.serve.store import Store
from grader.serve.workers import Workers


def main() -> None:
    db, key_file = sys.argv[1], Path(sys.argv[2])
    key = RSAKey.import_key(json.loads(key_file.read_text(encoding="utf-8")))
    store = Store(db)
    pool = Workers(jobs=1)
    sender = outbox.Sender(store, signer(key), poll=0.1, base=0.1, cap=0.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    print("ready", listener.getsockname()[1], flush=True)
    config = uvicorn.Config(web.create_app(pages.load_sheets([]), store, pool, web.Settings(class_mode=True),
                                           sender=sender), log_level="warning")
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        pool.close()
        store.close()


if __name__ == "__main__":
    main()
