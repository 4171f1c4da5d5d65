"""Connector pages over HTTP: admins only, the secret shown once on creation and never
again, "test this mapping" as an htmx fragment, dead letters re-sent from the page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from connectors import definitions, deliveries
from tests.api.conftest import TenantFactory
from tests.api.test_connectors_api import ASN, ASN_MAPPING
from tests.api.test_studio_pages import sign_in_page


def test_admin_creates_a_connector_and_sees_its_secret_once(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("viewer", "admin"))
    sign_in_page(tenant, "viewer")
    assert tenant.client.get("/connectors").status_code == 403
    token = sign_in_page(tenant, "admin")
    assert 'href="/connectors"' in tenant.client.get("/").text
    # Bad JSON settings: refused with a message, the form keeps what was typed, nothing made.
    bad = tenant.client.post("/connectors", data={
        "csrf_token": token, "name": "asn", "kind": "webhook_in", "config": "{mapping"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and 'value="asn"' in bad.text
    assert tenant.get("/connectors").json()["count"] == 0
    made = tenant.client.post("/connectors", data={
        "csrf_token": token, "name": "asn", "kind": "webhook_in",
        "config": json.dumps({"mapping": ASN_MAPPING})})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'data-testid="secret-once">([^<]+)<', made.text)
    assert secret and secret.group(1).startswith("whsec_")
    # Never again: not on the list, not on the connector's page.
    for path in ("/connectors", "/connectors/asn"):
        assert secret.group(1) not in tenant.client.get(path).text
    page = tenant.client.get("/connectors/asn").text
    assert "/api/v1/hooks/" in page and 'data-testid="secret-state"' in page
    # Test this mapping: the event the mapping makes, nothing stored.
    tried = tenant.client.post("/connectors/asn/test-mapping", data={
        "csrf_token": token, "sample": json.dumps({"body": ASN})},
        headers={"HX-Request": "true"})
    result = re.search(r'data-testid="mapping-result">(.*?)</pre>', tried.text, re.S)
    assert result and "supplier.asn_received" in result.group(1) and "ASN-7" in result.group(1)
    broken = tenant.client.post("/connectors/asn/test-mapping",
                                data={"csrf_token": token, "sample": "{"})
    assert 'role="alert"' in broken.text


def test_a_dead_letter_is_sent_again_from_the_page(make_tenant: TenantFactory, database):
    tenant = make_tenant(roles=("admin",))
    token = sign_in_page(tenant, "admin")
    r = tenant.post("/connectors", {"name": "erp", "kind": "webhook_out",
                                    "endpoint": "https://erp.example.com/hook",
                                    "max_attempts": 1})
    assert r.status_code == 201, r.text
    sub = tenant.client.post("/connectors/erp/subscriptions",
                             data={"csrf_token": token, "event_type": "stock.received"},
                             follow_redirects=True)
    assert "stock.received" in sub.text
    # The delivery a subscribed event makes, given up on by the worker: set up directly
    # (this test is about the page; the worker path from event to dead letter is proven in
    # tests/integration/connectors).
    with database.write(tenant.tenant_id) as session:
        connector = definitions.get(session, "erp")
        row = deliveries.enqueue(session, tenant.tenant_id, connector.id,
                                 "https://erp.example.com/hook", {"type": "stock.received"},
                                 None, datetime.now(UTC))
        row.status, row.attempts, row.last_error = "dead", 1, "connection refused"
        delivery_id = row.delivery_id
    dead = tenant.client.get("/connector-deliveries", params={"status": "dead"}).text
    assert delivery_id in dead and 'data-testid="resend"' in dead
    r = tenant.client.post(f"/connector-deliveries/{delivery_id}/resend",
                           data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert tenant.get(f"/connector-deliveries/{delivery_id}").json()["status"] == "pending"
    assert delivery_id not in tenant.client.get("/connector-deliveries",
                                                params={"status": "dead"}).text
