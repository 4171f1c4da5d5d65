"""A webhook receiver in a process of its own, verifying with the ``standardwebhooks`` library.

Run: ``python receiver.py --secret whsec_… --fail-first 3 --log FILE``. It listens on a
free port of 127.0.0.1, prints the port on its first line, and appends one JSON line per
request to FILE: the webhook-id, whether the reference library verified the signature,
and the status it answered. The first ``--fail-first`` verified requests get a 503.
``--plain`` answers 204 to everything without verifying (the raw limit in the bench).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", default="")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--log", default="")
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    lock = threading.Lock()
    seen = {"verified": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if args.plain:
                self._answer(204)
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                Webhook(args.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            with lock:
                if verified:
                    seen["verified"] += 1
                status = 401 if not verified else (
                    503 if seen["verified"] <= args.fail_first else 204)
                if args.log:
                    with open(args.log, "a", encoding="utf-8") as log:
                        log.write(json.dumps({"id": headers.get("webhook-id"),
                                              "verified": verified, "status": status,
                                              "host": headers.get("host"),
                                              "body": json.loads(body or b"null")}) + "\n")
            self._answer(status)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
