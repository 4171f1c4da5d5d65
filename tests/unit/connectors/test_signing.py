"""Our Standard Webhooks signing and checking, against the reference library both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from connectors import signing
from connectors.secrets import SecretBox, new_webhook_secret

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
BODY = b'{"asn_no": "ASN-7", "qty": 5}'


def test_the_reference_library_verifies_what_we_sign():
    secret = new_webhook_secret()
    headers = signing.headers(secret, "msg_1", datetime.now(UTC), BODY)
    assert Webhook(secret).verify(BODY, headers) == {"asn_no": "ASN-7", "qty": 5}


def test_we_verify_what_the_reference_library_signs():
    secret = new_webhook_secret()
    signature = Webhook(secret).sign("msg_1", NOW, BODY.decode())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(NOW.timestamp())),
               "webhook-signature": f"v1,bm90LWl0 {signature}"}  # rotation: any one matches
    assert signing.verify(secret, headers, BODY, NOW).is_valid


@pytest.mark.parametrize(("change", "reason"), [
    (lambda h, b: (h, b + b" "), "bad_signature"),  # body changed by one byte
    (lambda h, b: ({**h, "webhook-id": "msg_2"}, b), "bad_signature"),  # id swapped
    (lambda h, b: ({**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}, b),
     "bad_signature"),  # unknown scheme only
    (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "missing_headers"),
    (lambda h, b: ({**h, "webhook-timestamp": "soon"}, b), "bad_timestamp"),
])
def test_a_changed_message_is_refused_with_its_reason(change, reason):
    secret = new_webhook_secret()
    headers, body = change(signing.headers(secret, "msg_1", NOW, BODY), BODY)
    verdict = signing.verify(secret, headers, body, NOW)
    assert (verdict.is_valid, verdict.reason) == (False, reason)


@pytest.mark.parametrize(("offset", "reason"), [
    (timedelta(minutes=-5, seconds=-1), "stale"),  # just outside the tolerance
    (timedelta(minutes=5, seconds=1), "future"),
    (timedelta(minutes=-5), None),  # the edge itself is accepted
])
def test_the_timestamp_tolerance_is_five_minutes(offset, reason):
    secret = new_webhook_secret()
    headers = signing.headers(secret, "msg_1", NOW + offset, BODY)
    assert signing.verify(secret, headers, BODY, NOW).reason == reason


def test_secrets_round_trip_only_with_the_same_key_and_never_print():
    box = SecretBox("key-one")
    sealed = box.seal("whsec_abc")
    assert "abc" not in sealed and box.open(sealed) == "whsec_abc"
    assert "key-one" not in repr(box)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        SecretBox("key-two").open(sealed)
