"""A webhook sender in a process of its own: signs with the ``standardwebhooks`` reference
library and POSTs over real HTTP; prints the status and the answer as one JSON line.

Run: ``python signed_post.py URL SECRET BODY_JSON``.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook


def main() -> None:
    """Sign and send once."""
    url, secret, body = sys.argv[1], sys.argv[2], sys.argv[3]
    now = datetime.now(UTC)
    message_id = f"msg_{uuid.uuid4().hex}"
    headers = {"webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign(message_id, now, body),
               "content-type": "application/json"}
    response = httpx.post(url, content=body.encode(), headers=headers, timeout=30)
    print(json.dumps({"status": response.status_code, "body": response.json()}))


if __name__ == "__main__":
    main()
