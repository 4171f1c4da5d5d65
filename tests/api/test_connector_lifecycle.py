"""Connector update (PATCH) and soft delete over the API, on SQLite and PostgreSQL.

Inbound requests are signed with the ``standardwebhooks`` reference library, so "the old
secret stops working" is judged by an independent signer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from connectors import deliveries
from connectors.models import Connector, Delivery, DeliveryAttempt
from tests.api.conftest import API, assert_problem
from tests.api.test_connectors_api import ASN, create_inbound, events, signed


def patch(tenant: Any, name: str, body: dict[str, Any], **headers: str) -> Any:
    return tenant.client.patch(f"{API}/connectors/{name}", json=body,
                               headers=tenant.headers(**headers))


def delete(tenant: Any, name: str, **headers: str) -> Any:
    return tenant.client.delete(f"{API}/connectors/{name}", headers=tenant.headers(**headers))


def test_patch_renames_remaps_and_sets_options(make_tenant):
    tenant = make_tenant(roles=("admin",))
    create_inbound(tenant)
    remapped = {"event_type": "supplier.asn_received", "key": "body.asn_no",
                "fields": {"asn.no": "body.asn_no"}}
    answer = patch(tenant, "supplier-asn", {"name": "asn-v2", "mapping": remapped,
                                            "options": {"note": "from ERP"}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "asn-v2" and answer.json()["secret"] is None
    assert answer.json()["config"] == {"mapping": remapped, "note": "from ERP"}
    assert_problem(tenant.get("/connectors/supplier-asn"), 404, "connector.not_found")
    tried = tenant.post("/connectors/asn-v2/test-mapping", {"sample": {"body": ASN}})
    assert tried.json()["payload"] == {"asn": {"no": "ASN-7"}}
    removed = patch(tenant, "asn-v2", {"options": {"note": None}})
    assert removed.json()["config"] == {"mapping": remapped}


def test_a_bad_patch_is_refused_and_changes_nothing(make_tenant):
    tenant = make_tenant(roles=("admin",))
    create_inbound(tenant)
    create_inbound(tenant, "other")
    before = tenant.get("/connectors/supplier-asn").json()
    for body, status, code in [
        ({"mapping": {"event_type": "x.y", "fields": {"a": "body.[["}}}, 422,
         "connector.invalid_mapping"),
        ({"name": "other"}, 409, "connector.exists"),
        ({"options": {"mapping": {}}}, 422, "connector.invalid"),
        ({"rotate_secret": True, "secret": "mine"}, 422, "connector.invalid"),
        ({"options": {"schema": {"type": "nope"}}}, 422, "connector.invalid"),
        ({"options": {"creates": "invoice"}}, 422, "connector.invalid"),
    ]:
        assert_problem(patch(tenant, "supplier-asn", body), status, code)
    assert tenant.get("/connectors/supplier-asn").json() == before
    assert_problem(patch(tenant, "nope", {"name": "x"}), 404, "connector.not_found")


def test_a_rotated_secret_is_shown_once_and_the_old_one_stops_working(api, make_tenant):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    old = created["secret"]
    rotated = patch(tenant, "supplier-asn", {"rotate_secret": True},
                    **{"Idempotency-Key": "rot-1"})
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    assert rotated.json()["secret_rotated_at"] is not None
    replay = patch(tenant, "supplier-asn", {"rotate_secret": True},
                   **{"Idempotency-Key": "rot-1"})
    assert replay.json()["secret"] is None and replay.json()["replayed"] is True
    assert new not in replay.text and new not in tenant.get("/connectors/supplier-asn").text
    body = json.dumps(ASN).encode()
    refused = api.post(created["inbound_path"], content=body, headers=signed(old, body))
    assert_problem(refused, 401, "connector.signature_rejected")
    accepted = api.post(created["inbound_path"], content=body, headers=signed(new, body))
    assert accepted.status_code == 200, accepted.text
    assert len(events(tenant)) == 1


def test_a_bad_endpoint_or_keepalive_is_refused_not_a_server_error(make_tenant):
    tenant = make_tenant(roles=("admin",))
    tenant.post("/connectors", {"name": "plant", "kind": "mqtt",
                                "endpoint": "mqtt://broker.example.com"})
    for body in ({"endpoint": "mqtt://[broken"}, {"options": {"keepalive": "soon"}},
                 {"options": {"keepalive": 0}}):
        assert_problem(patch(tenant, "plant", body), 422, "connector.invalid")
    assert_problem(patch(tenant, "plant", {"endpoint": "mqtt://[broken",
                                           "allow_endpoint_host": {}}), 422,
                   "connector.invalid")
    assert tenant.get("/connector-allowed-hosts").json() == []


def test_patch_can_allow_the_new_endpoints_host(make_tenant):
    tenant = make_tenant(roles=("admin",))
    tenant.post("/connectors", {"name": "erp", "kind": "webhook_out",
                                "endpoint": "https://erp.example.com/h"})
    answer = patch(tenant, "erp", {"endpoint": "https://erp2.example.com:8443/hook",
                                   "allow_endpoint_host": {"allow_private": False}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["endpoint"] == "https://erp2.example.com:8443/hook"
    hosts = tenant.get("/connector-allowed-hosts").json()
    assert hosts == [{"host": "erp2.example.com", "allow_private": False}]


def test_delete_stops_inbound_and_deliveries_and_keeps_the_history(api, make_tenant, clock):
    tenant = make_tenant(roles=("admin",))
    created = create_inbound(tenant)
    tenant.post("/connectors", {"name": "erp", "kind": "webhook_out",
                                "endpoint": "https://erp.example.com/h"})
    now: datetime = clock.now()
    with tenant.db.write(tenant.tenant_id) as s:
        erp = s.scalar(select(Connector).where(Connector.name == "erp"))
        assert erp is not None
        sent = deliveries.enqueue(s, tenant.tenant_id, erp.id, erp.endpoint or "", {"a": 1},
                                  None, now)
        s.add(DeliveryAttempt(tenant_id=tenant.tenant_id, delivery_pk=sent.id, attempt=1,
                              attempted_at=now, status_code=500, outcome="failed",
                              error="HTTP 500", duration_ms=3))
        sent_id = sent.delivery_id
    gone = delete(tenant, "erp", **{"Idempotency-Key": "del-1"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["deleted_at"] is not None
    assert delete(tenant, "erp", **{"Idempotency-Key": "del-1"}).json() == gone.json()
    assert_problem(delete(tenant, "erp"), 404, "connector.not_found")
    assert [c["name"] for c in tenant.get("/connectors").json()["items"]] == ["supplier-asn"]
    # History stays: the delivery, now a dead letter naming the deletion, and its log.
    kept = tenant.get(f"/connector-deliveries/{sent_id}").json()
    assert kept["status"] == "dead" and kept["last_error"] == "the connector was deleted"
    assert [a["status_code"] for a in kept["log"]] == [500]
    assert_problem(tenant.post(f"/connector-deliveries/{sent_id}/resend", {}), 409,
                   "connector.deleted")
    with tenant.db.read(tenant.tenant_id) as s:
        assert s.scalar(select(Delivery.status).where(Delivery.delivery_id == sent_id)) == "dead"
    # The name is free again, and a deleted inbound webhook's URL answers 404.
    again = tenant.post("/connectors", {"name": "erp", "kind": "webhook_out",
                                        "endpoint": "https://erp.example.com/h"})
    assert again.status_code == 201, again.text
    delete(tenant, "supplier-asn")
    body = json.dumps(ASN).encode()
    late = api.post(created["inbound_path"], content=body,
                    headers=signed(created["secret"], body))
    assert_problem(late, 404, "connector.not_found")
    assert events(tenant) == []


def test_only_admins_change_or_delete_connectors(make_tenant):
    tenant = make_tenant(roles=("admin", "author"))
    create_inbound(tenant)
    assert_problem(tenant.client.patch(f"{API}/connectors/supplier-asn",
                                       json={"rotate_secret": True},
                                       headers=tenant.headers("author")), 403, "auth.forbidden")
    assert_problem(tenant.client.delete(f"{API}/connectors/supplier-asn",
                                        headers=tenant.headers("author")), 403,
                   "auth.forbidden")
    assert tenant.get("/connectors/supplier-asn").json()["deleted_at"] is None
