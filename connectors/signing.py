"""Standard Webhooks signatures (https://www.standardwebhooks.com), both directions.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the signature is
HMAC-SHA256 with the secret's bytes (base64 after the ``whsec_`` prefix), sent as
``v1,<base64>`` in ``webhook-signature`` (several, space-separated, during key rotation).
The tests check both directions against the ``standardwebhooks`` reference library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

#: Seconds a timestamp may differ from our clock (the specification's default, 5 minutes).
TOLERANCE_SECONDS = 5 * 60


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one message."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, when: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for an outbound message sent at ``when``."""
    timestamp = int(when.timestamp())
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """The result of checking an inbound message; ``reason`` is set when refused."""

    message_id: str | None
    reason: str | None = None

    @property
    def is_valid(self) -> bool:
        """True when the message may be processed."""
        return self.reason is None


def verify(secret: str, request_headers: Mapping[str, str], body: bytes,
           now: datetime, tolerance: int = TOLERANCE_SECONDS) -> Verdict:
    """Check the headers and signature of an inbound message against ``now``.

    Reasons: ``missing_headers``, ``bad_timestamp``, ``stale`` (too old), ``future``
    (too far ahead), ``bad_signature``.
    """
    message_id = request_headers.get("webhook-id")
    stamp = request_headers.get("webhook-timestamp")
    signatures = request_headers.get("webhook-signature")
    if not message_id or not stamp or not signatures:
        return Verdict(message_id=message_id, reason="missing_headers")
    try:
        timestamp = int(stamp)
    except ValueError:
        return Verdict(message_id=message_id, reason="bad_timestamp")
    age = int(now.timestamp()) - timestamp
    if age > tolerance:
        return Verdict(message_id=message_id, reason="stale")
    if age < -tolerance:
        return Verdict(message_id=message_id, reason="future")
    try:
        expected = sign(secret, message_id, timestamp, body).split(",", 1)[1]
    except ValueError:
        return Verdict(message_id=message_id, reason="bad_signature")
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return Verdict(message_id=message_id)
    return Verdict(message_id=message_id, reason="bad_signature")


__all__ = ["TOLERANCE_SECONDS", "Verdict", "headers", "sign", "verify"]
