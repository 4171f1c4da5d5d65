"""The General pack (jxc.general) end to end, on SQLite and PostgreSQL, with real peers.

- The pack installs into a fresh tenant over the API; each rule set is a sandbox version
  whose rule tests (the pack's own tests/*.toml) pass through governance; another tenant
  is unchanged row by row.
- An online-shop order, signed by the ``standardwebhooks`` reference library in ANOTHER
  process and sent over real HTTP to the app served by uvicorn, arrives on the connector
  made from the pack's template and becomes a draft sales order; a payload that breaks the
  template's JSON Schema is refused with the reason.
- Edge stock sync against a real Mosquitto (the test's own) with ``mosquitto_pub``: a
  message breaking the JSON Schema is dead-lettered (a rejection with its reason), one
  meeting it becomes ``edge.stock_reported`` and shows on the stock board.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.bench_connectors import Served
from connectors import ConnectorRuntime
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.models import OutboxEvent
from studio.app import create_app
from templates_marketplace.catalogue import BUILTIN_DIR
from tests.api.conftest import API, ApiTenant, TestClient, assert_problem, new_tenant
from tests.integration.connectors.conftest import wait_until
from tests.integration.marketplace.test_install import tenant_rows

PACK = BUILTIN_DIR / "general"
SENDER = Path(__file__).with_name("signed_post.py")
DEMO = tomllib.loads((PACK / "demo" / "general.toml").read_text("utf-8"))
ROLES = ("admin", "author", "viewer")


@pytest.fixture
def app(database: Database, clock: VirtualClock) -> Any:
    return create_app(db=database, clock=clock)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as found:
        yield found


@pytest.fixture
def served(app: Any) -> Iterator[Served]:
    """The app on uvicorn in a thread of this process (the benchmark's server)."""
    found = Served(app)
    wait_until(lambda: found.server.started)
    yield found
    found.close()


def send_signed(url: str, secret: str, body: Any) -> dict[str, Any]:
    """POST ``body`` signed, from another process; its status and answer."""
    out = subprocess.run([sys.executable, str(SENDER), url, secret, json.dumps(body)],
                         capture_output=True, text=True, check=True, timeout=60)
    answer: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return answer


def install(tenant: ApiTenant) -> dict[str, Any]:
    response = tenant.post("/packs/jxc.general/install", {}, role="author",
                           **{"Idempotency-Key": "install-general"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def from_template(tenant: ApiTenant, template: str, **fields: Any) -> dict[str, Any]:
    response = tenant.post("/connectors/from-template",
                           {"pack_id": "jxc.general", "template": template, **fields})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def stocked(tenant: ApiTenant) -> None:
    """The demo's locations, one tea, one customer, stock in a warehouse and a store."""
    tenant.warehouse("WH-SH")
    tenant.warehouse("ST-01", kind="store")
    tenant.item("TEA-LJ-250")
    tenant._created("/customers", {"code": "TMALL-C-001", "name": "天猫买家 王女士"})
    tenant.receive("TEA-LJ-250", "WH-SH", 120)
    tenant.receive("TEA-LJ-250", "ST-01", 12)


def test_the_pack_installs_with_green_rule_tests_and_leaves_other_tenants_alone(
        client, database, clock):
    tenant = new_tenant(client, database, clock.now(), ROLES)
    other = new_tenant(client, database, clock.now(), ROLES)
    other.item("OTHER-1")
    before = tenant_rows(other)  # type: ignore[arg-type]
    assert_problem(tenant.get("/stock-board"), 404, "module.not_installed")
    installed = install(tenant)
    assert installed["rule_sets"] == ["carrier_tracking", "edge_stock", "shop_orders"]
    assert tenant.get("/stock-board").status_code == 200
    for name in installed["rule_sets"]:
        listed = tenant.get("/rule-versions", role="author", name=f"jxc.general:{name}")
        (version,) = listed.json()["items"]
        assert version["state"] == "sandbox"
        source = (PACK / "tests" / f"{name}.toml").read_text("utf-8")
        run = tenant.post(f"/rule-versions/{version['id']}/tests", {"source": source},
                          role="author")
        assert run.status_code == 200, run.text
        results = run.json()["results"]
        assert results and all(r["is_passed"] for r in results), results
    assert_problem(other.get("/stock-board"), 404, "module.not_installed")
    assert tenant_rows(other) == before  # type: ignore[arg-type]


def test_a_shop_order_on_the_templated_webhook_becomes_a_sales_order(
        client, database, clock, served):
    tenant = new_tenant(client, database, clock.now(), ROLES)
    stocked(tenant)
    install(tenant)
    hook = from_template(tenant, "shop_orders")
    assert hook["kind"] == "webhook_in" and hook["secret"].startswith("whsec_")
    order = DEMO["samples"]["shop_order"]
    sent = send_signed(served.url + hook["inbound_path"], hook["secret"], order)
    assert sent["status"] == 200, sent
    assert sent["body"]["event_type"] == "shop_order.received"
    made = tenant.get(f"/sales-orders/{order['order_no']}")
    assert made.status_code == 200, made.text
    assert (made.json()["status"], made.json()["customer"], made.json()["warehouse"]) == (
        "draft", "TMALL-C-001", "WH-SH")
    assert [(line["sku"], Decimal(line["qty"]), Decimal(line["unit_price"]))
            for line in made.json()["lines"]] == [("TEA-LJ-250", 2, Decimal("2999.00"))]
    # The same order sent again (a new webhook-id: the shop re-pushed it) adds nothing.
    again = send_signed(served.url + hook["inbound_path"], hook["secret"], order)
    assert again["status"] == 200 and again["body"] == {**sent["body"], "is_duplicate": True}
    assert tenant.get("/sales-orders").json()["count"] == 1
    # A payload that breaks the template's JSON Schema: refused, with the reason kept.
    broken = {k: v for k, v in order.items() if k != "items"} | {"order_no": "TB-BAD"}
    refused = send_signed(served.url + hook["inbound_path"], hook["secret"], broken)
    assert refused["status"] == 422, refused
    assert "items" in refused["body"]["message"]["en"]
    kept = tenant.get("/connector-rejections").json()["items"]
    assert [(r["reason"], "items" in (r["detail"] or "")) for r in kept][0] == (
        "schema_violation", True)
    assert tenant.get("/sales-orders").json()["count"] == 1


def test_edge_stock_messages_are_checked_by_their_json_schema(client, database, clock,
                                                              broker, app):
    tenant = new_tenant(client, database, clock.now(), ROLES)
    stocked(tenant)
    install(tenant)
    response = client.put(f"{API}/connector-allowed-hosts", headers=tenant.headers(),
                          json={"hosts": [{"host": "127.0.0.1", "allow_private": True}]})
    assert response.status_code == 200, response.text
    edge = from_template(tenant, "edge_stock", endpoint=broker.url)
    assert edge["config"]["subscriptions"][0]["schema"]["required"] == [
        "sku", "on_hand", "seq", "counted_at"]
    runtime = ConnectorRuntime(database, clock, app.state.secret_box)
    try:
        runtime.sync_mqtt()
        (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == tenant.tenant_id]
        assert link.subscribed.wait(20)
        topic = f"jxc/{tenant.code}/edge/ST-01/stock"
        sample = DEMO["samples"]["edge_stock"]["payload"]
        bad = {**sample, "on_hand": -3, "seq": 2}
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1",
                        "-V", "mqttv311", "-t", topic, "-l"],
                       input=f"{json.dumps(bad)}\n{json.dumps(sample)}\n", text=True,
                       check=True, timeout=30)
        wait_until(lambda: link.received == 1 and link.rejected == 1)
    finally:
        runtime.stop()
    (rejection,) = tenant.get("/connector-rejections").json()["items"]
    assert rejection["reason"] == "schema_violation"
    assert "on_hand" in rejection["detail"] and "minimum" in rejection["detail"]
    with database.read(tenant.tenant_id) as session:
        payloads = session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.type == "edge.stock_reported")).all()
    assert [p["edge"]["on_hand"] for p in payloads] == [11]  # only the conforming one
    board = tenant.get("/stock-board", sku="TEA-LJ-250").json()
    (row,) = board["items"]
    places = {p["location"]: p for p in row["locations"]}
    store = places["ST-01"]
    assert (store["kind"], Decimal(store["on_hand"])) == ("store", 12)
    assert (Decimal(store["edge_on_hand"]), Decimal(store["edge_difference"])) == (11, -1)
    assert places["WH-SH"]["edge_on_hand"] is None
    assert Decimal(row["on_hand"]) == 132


def test_the_finance_template_subscribes_to_payable_vouchers(client, database, clock):
    tenant = new_tenant(client, database, clock.now(), ROLES)
    assert_problem(tenant.post("/connectors/from-template", {
        "pack_id": "jxc.general", "template": "finance_vouchers",
        "endpoint": "https://erp.example.com/vouchers"}), 404, "pack.not_installed")
    install(tenant)
    assert_problem(tenant.post("/connectors/from-template", {
        "pack_id": "jxc.general", "template": "nope"}), 404,
        "pack.connector_template_not_found")
    out = from_template(tenant, "finance_vouchers", endpoint="https://erp.example.com/v")
    assert out["kind"] == "webhook_out" and out["secret"]
    assert out["config"]["mapping"]["fields"]["voucher.no"] == "data.voucher_no"
    subs = tenant.get("/connectors/finance_vouchers/subscriptions").json()
    assert [s["event_type"] for s in subs] == ["supplier_invoice.matched"]
