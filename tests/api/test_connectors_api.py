"""Connectors over the API: definitions with a secret shown once, mapping, signed webhooks in.

Inbound requests are signed with the ``standardwebhooks`` reference library (not our own
signing code), so "accepted" means interoperable with the specification.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from connectors.models import Connector, Receipt, Rejection
from kernel.models import OutboxEvent
from tests.api.conftest import API, assert_problem

ASN_MAPPING = {"event_type": "supplier.asn_received", "key": "body.asn_no",
               "fields": {"asn.no": "body.asn_no", "asn.supplier": "body.supplier.code",
                          "asn.lines": "body.items[].{sku: sku, qty: qty}"}}
ASN = {"asn_no": "ASN-7", "supplier": {"code": "SUP-1"},
       "items": [{"sku": "TEA-1", "qty": 5}, {"sku": "TEA-2", "qty": 2}]}


def create_inbound(tenant: Any, name: str = "supplier-asn") -> dict[str, Any]:
    response = tenant.post("/connectors", {"name": name, "kind": "webhook_in",
                                           "config": {"mapping": ASN_MAPPING}})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def signed(secret: str, body: bytes, when: datetime | None = None,
           message_id: str | None = None) -> dict[str, str]:
    """Headers made by the reference library for ``body`` sent at ``when`` (default now)."""
    when = when or datetime.now(UTC)
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    signature = Webhook(secret).sign(message_id, when, body.decode())
    return {"webhook-id": message_id, "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": signature, "content-type": "application/json"}


def events(tenant: Any, event_type: str = "supplier.asn_received") -> list[Any]:
    with tenant.db.read(None) as s:
        return list(s.execute(select(OutboxEvent.event_id, OutboxEvent.payload, OutboxEvent.key)
                              .where(OutboxEvent.tenant_id == tenant.tenant_id,
                                     OutboxEvent.type == event_type)))


def rejections(tenant: Any) -> list[str]:
    with tenant.db.read(None) as s:
        return list(s.scalars(select(Rejection.reason)
                              .where(Rejection.tenant_id == tenant.tenant_id)
                              .order_by(Rejection.id)))


def test_secret_is_shown_once_encrypted_at_rest_and_never_logged(api, make_tenant, caplog):
    tenant = make_tenant(roles=("admin",))
    caplog.set_level(logging.DEBUG)
    created = create_inbound(tenant)
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    # Stored encrypted: the clear secret is nowhere in the row.
    with tenant.db.read(None) as s:
        row = s.scalar(select(Connector).where(Connector.tenant_id == tenant.tenant_id))
        assert row is not None and row.secret_encrypted and secret not in row.secret_encrypted
        assert secret.removeprefix("whsec_") not in json.dumps(row.config)
    # Never again: not in the one, the list, a replayed creation, or a test of its mapping.
    again = tenant.post("/connectors", {"name": "supplier-asn", "kind": "webhook_in",
                                        "config": {"mapping": ASN_MAPPING}})
    assert_problem(again, 409, "connector.exists")
    later = [tenant.get("/connectors/supplier-asn"), tenant.get("/connectors"),
             tenant.post("/connectors/supplier-asn/test-mapping", {"sample": {"body": ASN}}),
             again]
    body = json.dumps(ASN).encode()
    later.append(api.post(f"{created['inbound_path']}", content=body,
                          headers=signed(secret, body)))
    later.append(api.post(f"{created['inbound_path']}", content=body,
                          headers={**signed(secret, body), "webhook-signature": "v1,AAAA"}))
    for response in later:
        assert response.status_code < 500, response.text
        assert secret not in response.text
        assert secret.removeprefix("whsec_") not in response.text
    assert later[0].json()["has_secret"] is True
    for record in caplog.records:
        assert secret.removeprefix("whsec_") not in record.getMessage()


def test_an_idempotent_creation_repeats_without_the_secret(make_tenant):
    tenant = make_tenant(roles=("admin",))
    body = {"name": "out-1", "kind": "webhook_out", "endpoint": "https://erp.example.com/h"}
    first = tenant.post("/connectors", body, **{"Idempotency-Key": "c-1"})
    second = tenant.post("/connectors", body, **{"Idempotency-Key": "c-1"})
    assert first.status_code == second.status_code == 201, second.text
    assert first.json()["secret"] and first.json()["replayed"] is False
    assert second.json()["secret"] is None and second.json()["replayed"] is True
    assert first.json()["secret"] not in second.text


@pytest.mark.parametrize(("role", "status"), [
    ("viewer", 403),  # reads stock only
    ("warehouse", 403),  # moves stock, does not wire systems
    ("author", 403),  # writes rules, does not hold connector secrets
])
def test_only_admins_manage_connectors(make_tenant, role, status):
    tenant = make_tenant(roles=("admin", role))
    response = tenant.post("/connectors", {"name": "x", "kind": "webhook_in",
                                           "config": {"mapping": ASN_MAPPING}}, role=role)
    assert_problem(response, status, "auth.forbidden")
    assert tenant.get("/connectors", role="admin").json()["count"] == 0


@pytest.mark.parametrize(("body", "code"), [
    ({"kind": "webhook_in", "config": {"mapping": {"event_type": "x.y",
                                                   "fields": {"a": "body.[["}}}},
     "connector.invalid_mapping"),  # JMESPath syntax error
    ({"kind": "webhook_in", "config": {"mapping": {"fields": {"a": "body"}}}},
     "connector.invalid_mapping"),  # no event type
    ({"kind": "webhook_out", "endpoint": "ftp://erp/x"}, "connector.invalid"),  # not http(s)
    ({"kind": "mqtt", "endpoint": "mqtt://broker", "config": {"subscriptions": [{"topic": ""}]}},
     "connector.invalid"),  # empty topic
    ({"kind": "http", "endpoint": "https://api.example.com", "config": {"method": "TRACE"}},
     "connector.invalid"),  # unknown method
])
def test_a_bad_definition_is_refused_and_stores_nothing(make_tenant, body, code):
    tenant = make_tenant(roles=("admin",))
    response = tenant.post("/connectors", {"name": "bad", **body})
    assert_problem(response, 422, code)
    assert tenant.get("/connectors").json()["count"] == 0


def test_test_this_mapping_shows_the_event_for_a_sample(make_tenant):
    tenant = make_tenant(roles=("admin",))
    create_inbound(tenant)
    response = tenant.post("/connectors/supplier-asn/test-mapping", {"sample": {"body": ASN}})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "event_type": "supplier.asn_received", "key": "ASN-7", "message_id": None,
        "payload": {"asn": {"no": "ASN-7", "supplier": "SUP-1",
                            "lines": [{"sku": "TEA-1", "qty": 5}, {"sku": "TEA-2", "qty": 2}]}}}
    assert events(tenant) == []  # trying a mapping writes nothing


def test_a_signed_webhook_becomes_one_event_and_a_repeat_adds_nothing(api, make_tenant):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    body = json.dumps(ASN).encode()
    headers = signed(created["secret"], body)
    first = api.post(created["inbound_path"], content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["is_duplicate"] is False
    (event,) = events(tenant)
    assert event.event_id == first.json()["event_id"]
    assert event.key == "ASN-7"
    assert event.payload["asn"]["lines"][1] == {"sku": "TEA-2", "qty": 2}
    # The same webhook delivered again (the sender retried): the first event, nothing new.
    again = api.post(created["inbound_path"], content=body, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json() == {**first.json(), "is_duplicate": True}
    assert len(events(tenant)) == 1
    assert rejections(tenant) == []


def _forged(secret: str, body: bytes) -> dict[str, str]:
    other = "whsec_" + "QUJD" * 8
    return signed(other, body)


def _tampered(secret: str, body: bytes) -> dict[str, str]:
    return signed(secret, body.replace(b"ASN-7", b"ASN-8"))


def _stale(secret: str, body: bytes) -> dict[str, str]:
    return signed(secret, body, when=datetime.now(UTC) - timedelta(minutes=6))


def _future(secret: str, body: bytes) -> dict[str, str]:
    return signed(secret, body, when=datetime.now(UTC) + timedelta(minutes=6))


def _unsigned(secret: str, body: bytes) -> dict[str, str]:
    headers = signed(secret, body)
    del headers["webhook-signature"]
    return headers


@pytest.mark.parametrize(("make_headers", "reason"), [
    (_forged, "bad_signature"),  # signed with another secret
    (_tampered, "bad_signature"),  # the body changed after signing
    (_stale, "stale"),  # 6 minutes old: a replay outside the 5-minute tolerance
    (_future, "future"),  # 6 minutes ahead
    (_unsigned, "missing_headers"),  # no webhook-signature
])
def test_forged_stale_or_unsigned_webhooks_are_401_and_only_the_rejection_is_kept(
        api, make_tenant, make_headers, reason):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    body = json.dumps(ASN).encode()
    response = api.post(created["inbound_path"], content=body,
                        headers=make_headers(created["secret"], body))
    problem = assert_problem(response, 401, "connector.signature_rejected")
    assert problem["context"]["reason"] == reason  # the slug for machines; words for people
    assert reason not in problem["message"]["en"]
    assert events(tenant) == []
    assert rejections(tenant) == [reason]
    with tenant.db.read(None) as s:
        assert s.scalar(select(func.count()).select_from(Receipt)
                        .where(Receipt.tenant_id == tenant.tenant_id)) == 0


def test_a_replayed_webhook_id_with_a_new_body_never_makes_a_second_event(api, make_tenant):
    """A captured id re-signed can only come from the secret's holder; still one event."""
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    body = json.dumps(ASN).encode()
    first = api.post(created["inbound_path"], content=body,
                     headers=signed(created["secret"], body, message_id="msg_1"))
    other = json.dumps({**ASN, "asn_no": "ASN-9"}).encode()
    replay = api.post(created["inbound_path"], content=other,
                      headers=signed(created["secret"], other, message_id="msg_1"))
    assert replay.json()["event_id"] == first.json()["event_id"]
    assert replay.json()["is_duplicate"] is True
    assert [e.key for e in events(tenant)] == ["ASN-7"]


def test_unknown_hook_urls_are_404_and_the_bearer_token_grants_nothing(api, make_tenant):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    body = json.dumps(ASN).encode()
    assert_problem(api.post(f"{API}/hooks/hk_nope", content=body,
                            headers=signed(created["secret"], body)), 404,
                   "connector.not_found")
    # An admin's bearer token is no signature.
    response = api.post(created["inbound_path"], content=body,
                        headers=tenant.headers(**{"content-type": "application/json"}))
    assert_problem(response, 401, "connector.signature_rejected")
    assert events(tenant) == []


def test_a_signed_body_that_is_not_json_is_refused_with_its_rejection(api, make_tenant):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    body = b"<xml>not json</xml>"
    response = api.post(created["inbound_path"], content=body,
                        headers=signed(created["secret"], body))
    assert_problem(response, 422, "connector.payload_rejected")
    assert events(tenant) == [] and rejections(tenant) == ["bad_payload"]
    listed = tenant.get("/connector-rejections").json()
    assert [(r["connector"], r["reason"]) for r in listed["items"]] == [
        ("supplier-asn", "bad_payload")]
