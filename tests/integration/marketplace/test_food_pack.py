"""The food pack end to end over HTTP, on SQLite and PostgreSQL.

A sandbox tenant installs ``jxc.food``: its cold-chain rule set lands in sandbox with a green
rule-test run. The demo trade is loaded through the API (perishables refused without their
lot), the rule set is walked to production through governance (the author's replay, the
reviewer's approval), and the freezer FRZ-1 reads above −15 °C for 10 minutes of the tenant's
virtual clock: the worker freezes every lot on hand there, with the rule's lineage. The recall
report then lists every customer who received one of those lots, as JSON and CSV. Another
tenant, checked row by row, is untouched by all of it.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from starlette.exceptions import StarletteDeprecationWarning

from engine import Worker
from engine.models import RuleWrite
from engine.rule_handler import RuleHandler
from inventory.lots.models import LotFreeze
from kernel.clock import VirtualClock
from kernel.db import Database
from migrations.models import target_metadata
from studio.app import create_app
from tests.api.conftest import ApiTenant, assert_problem, new_tenant
from tests.integration.marketplace.food_shop import (
    CONFIRMATION,
    DEMO,
    load_catalogue,
    load_demo,
    ok,
    receive_purchase,
    ship_sale,
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`",
                            category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ROLES = ("admin", "author", "reviewer", "warehouse", "viewer")
RULE_SET = "jxc.food:cold_chain"


@pytest.fixture
def app_and_client(database: Database, clock: VirtualClock) -> Iterator[tuple[Any, TestClient]]:
    app = create_app(db=database, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def install_food(shop: ApiTenant) -> dict[str, Any]:
    """Install the food pack as an author; its rule set's version (in sandbox)."""
    installed = ok(shop.post("/packs/jxc.food/install", {}, role="author"))
    assert installed["rule_sets"] == ["cold_chain"]
    assert installed["events"] == ["freezer.temperature_read"]
    versions = ok(shop.get("/rule-versions", role="author", name=RULE_SET))["items"]
    assert [v["state"] for v in versions] == ["sandbox"]
    return dict(versions[0])


def walk_to_production(shop: ApiTenant, version_id: int) -> None:
    """Shadow, a replay of the last 72 h, review by another person: production."""
    ok(shop.post(f"/rule-versions/{version_id}/transitions", {"to": "shadow"}, role="author"))
    job = ok(shop.post(f"/rule-versions/{version_id}/replays", {"hours": 72}, role="author"),
             202)
    assert ok(shop.get(f"/replays/{job['id']}", role="author"))["status"] == "done"
    ok(shop.post(f"/rule-versions/{version_id}/transitions", {"to": "awaiting_review"},
                 role="author"))
    assert_problem(shop.post(f"/rule-versions/{version_id}/approve", {}, role="author"), 403)
    approved = ok(shop.post(f"/rule-versions/{version_id}/approve", {"comment": "冷链规则可上线"},
                            role="reviewer"))
    assert approved["state"] == "production"


def read(shop: ApiTenant, worker: Worker, celsius: str) -> None:
    """A freezer FZ-1 reading in FRZ-1, handled by the worker."""
    ok(shop.post("/cold-chain/readings", {"freezer": "FZ-1", "location": "FRZ-1",
                                          "celsius": celsius}, role="warehouse"), 201)
    worker.run_once()


def advance(shop: ApiTenant, minutes: int) -> None:
    ok(shop.post("/sandbox/clock/advance", {"minutes": minutes}))


def tenant_rows(db: Database, tenant_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tenant-scoped table that belongs to ``tenant_id``, sorted."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with db.read(None) as session:
        for table in target_metadata().sorted_tables:
            if "tenant_id" not in table.c:
                continue
            found = session.execute(select(table).where(table.c.tenant_id == tenant_id)).all()
            rows[table.name] = sorted((tuple(r) for r in found), key=repr)
    return rows


def test_a_warm_freezer_freezes_its_lots_and_the_recall_lists_every_receiver(
        app_and_client, database, clock):
    app, client = app_and_client
    shop = new_tenant(client, database, clock.now(), ROLES, is_sandbox=True)
    other = new_tenant(client, database, clock.now(), ROLES, is_sandbox=True)
    load_catalogue(other)
    # The same lot number in the other tenant's freezer of the same code: never touched.
    other.receive("DUMP-PORK-1KG", "FRZ-1", 7, lot_no="DP-20261101", expiry_date="2027-05-01")

    worker = Worker(database, app.state.clock, handler=RuleHandler())
    worker.run_once()  # the other tenant's own events are handled before the snapshot
    other_before = tenant_rows(database, other.tenant_id)

    # Before the pack: the module's routes are not there.
    assert_problem(shop.get("/recall", sku="X", lot_no="L"), 404, "module.not_installed")

    version = install_food(shop)
    runs = ok(shop.get(f"/rule-versions/{version['id']}/tests", role="author"))
    assert runs[0]["is_passed"] is True and runs[0]["total"] == 4
    assert version["author"] == "pack:jxc.food@1.0.0"

    # Lots and expiry are mandatory for perishables: refused, nothing written.
    load_catalogue(shop)
    ok(shop.post("/purchase-orders", {"no": "PO-X", "supplier": "某冻品厂", "warehouse": "FRZ-1",
                                      "lines": [{"sku": "DUMP-PORK-1KG", "qty": "5"}]}), 201)
    ok(shop.post("/purchase-orders/PO-X/approve", {}))
    refused = assert_problem(shop.post("/receipts", {"purchase_order_no": "PO-X", "lines": [
        {"order_line_no": 1, "qty": "5", "lot_no": "DP-X"}]}), 422, "lots.lot_required")
    assert "保质期" in refused["message"]["zh-CN"] and "expiry" in refused["message"]["en"]
    assert ok(shop.get("/receipts"))["count"] == 0

    today = clock.now().date()
    for purchase in DEMO["purchase"]:
        receive_purchase(shop, purchase, today)
    for n, sale in enumerate(DEMO["sale"], start=1):
        ship_sale(shop, sale, f"SO-FOOD-{n}")

    worker.run_once()
    walk_to_production(shop, version["id"])

    # Warm for less than 10 minutes: nothing is frozen.
    read(shop, worker, "-12.5")
    advance(shop, 6)
    read(shop, worker, "-11.0")
    assert ok(shop.get("/lots/freezes", status="frozen"))["count"] == 0
    # Still warm at minute 10: every lot on hand in FRZ-1 is frozen, those in CHL-1 are not.
    advance(shop, 4)
    read(shop, worker, "-10.5")
    frozen = ok(shop.get("/lots/freezes", status="frozen"))["items"]
    assert sorted((f["sku"], f["lot_no"], f["warehouse"]) for f in frozen) == [
        ("DUMP-PORK-1KG", "DP-20261101", "FRZ-1"), ("TANGYUAN-500G", "TY-20261020", "FRZ-1")]
    production = ok(shop.get(f"/rule-versions/{version['id']}", role="author"))
    assert {f["rule_version"] for f in frozen} == {production["version_hash"]}
    assert all(f["actor"] == "rule:warm_freezer_freezes_lots" and f["cause_event_id"]
               for f in frozen)
    with database.read(shop.tenant_id) as s:
        writes = s.scalars(select(RuleWrite).where(RuleWrite.target == "location:FRZ-1")).all()
    assert [(w.rule_id, w.outcome) for w in writes] == [("warm_freezer_freezes_lots", "applied")]
    alerts = ok(shop.get("/inbox"))["items"]
    assert any("FZ-1" in a["message"] and a["rule_id"] == "warm_freezer_freezes_lots"
               for a in alerts)

    # A frozen lot is no longer suggested for picking.
    picks = ok(shop.get("/lots/fefo", sku="DUMP-PORK-1KG", warehouse="FRZ-1", qty="10"))
    assert picks["picks"] == [] and picks["short"] == "10.000"
    assert [s["reason"] for s in picks["skipped"]] == ["frozen"]

    # The recall report: every customer who received the lot, from the ledger.
    recall = ok(shop.get("/recall", sku="DUMP-PORK-1KG", lot_no="DP-20261101"))
    shipped = {sale["customer"]: Decimal(line["qty"]) for sale in DEMO["sale"]
               for line in sale["lines"] if line["sku"] == "DUMP-PORK-1KG"}
    assert recall["customers"] == sorted(shipped)
    assert {r["customer"]: Decimal(r["qty"]) for r in recall["receivers"]} == shipped
    assert Decimal(recall["shipped_qty"]) == sum(shipped.values())
    response = shop.client.get("/api/v1/recall.csv", params={
        "sku": "DUMP-PORK-1KG", "lot_no": "DP-20261101"}, headers=shop.headers("viewer"))
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted((r["customer"], Decimal(r["qty"])) for r in table) == sorted(shipped.items())

    # The other tenant: not one row changed, and the modules are still off there.
    assert tenant_rows(database, other.tenant_id) == other_before
    assert_problem(other.get("/recall", sku="DUMP-PORK-1KG", lot_no="DP-20261101"), 404,
                   "module.not_installed")
    assert_problem(other.get("/lots/freezes"), 404, "module.not_installed")
    # … and without the lots module a perishable may still arrive without its lot there.
    other.receive("BOKCHOY-KG", "CHL-1", 3)


def test_a_lot_frozen_once_is_not_frozen_twice_and_a_quality_user_releases_it(
        app_and_client, database, clock):
    app, client = app_and_client
    shop = new_tenant(client, database, clock.now(), ROLES + ("quality",), is_sandbox=True)
    version = install_food(shop)
    load_demo(shop, clock.now().date())
    worker = Worker(database, app.state.clock, handler=RuleHandler())
    worker.run_once()
    walk_to_production(shop, version["id"])
    for _ in range(3):  # warm at minutes 0, 10 and 20: the rule fires once (at 10)
        read(shop, worker, "-9")
        advance(shop, 10)
    with database.read(shop.tenant_id) as s:
        rows = s.scalars(select(LotFreeze)).all()
    assert len(rows) == 2 and {r.status for r in rows} == {"frozen"}

    # A frozen lot does not ship: the order is confirmed, the shipment refused by the lot.
    ok(shop.post("/sales-orders", {"no": "SO-LATE", "customer": "MART-03", "warehouse": "FRZ-1",
                                   "lines": [{"sku": "DUMP-PORK-1KG", "qty": "5"}]}), 201)
    ok(shop.post("/sales-orders/SO-LATE/confirm", {}))
    late = ok(shop.post("/shipments", {"sales_order_no": "SO-LATE"}), 201)
    for step in ("pick", "pack"):
        ok(shop.post(f"/shipments/{late['no']}/{step}", {}))
    ship = {"confirmation_code": CONFIRMATION, "tracking_no": "SF-LATE"}
    ledger_before = shop.ledger_rows()
    blocked = assert_problem(shop.post(f"/shipments/{late['no']}/ship", ship), 409,
                             "inventory.lot_frozen")
    assert "DP-20261101" in blocked["message"]["en"] and "冻结" in blocked["message"]["zh-CN"]
    assert shop.ledger_rows() == ledger_before

    assert_problem(shop.post("/lots/freezes/release", {
        "sku": "DUMP-PORK-1KG", "lot_no": "DP-20261101", "warehouse": "FRZ-1"},
        role="warehouse"), 403)
    released = ok(shop.post("/lots/freezes/release", {
        "sku": "DUMP-PORK-1KG", "lot_no": "DP-20261101", "warehouse": "FRZ-1"},
        role="quality", **{"Idempotency-Key": "rel-1"}))
    assert released["status"] == "released" and released["released_by"]
    again = assert_problem(shop.post("/lots/freezes/release", {
        "sku": "DUMP-PORK-1KG", "lot_no": "DP-20261101", "warehouse": "FRZ-1"},
        role="quality"), 409, "lots.not_frozen")
    assert "DP-20261101" in again["message"]["en"]
    picks = ok(shop.get("/lots/fefo", sku="DUMP-PORK-1KG", warehouse="FRZ-1", qty="10"))
    assert [p["lot_no"] for p in picks["picks"]] == ["DP-20261101"]
    # Released, the lot ships, and the recall report now names this customer too.
    ok(shop.post(f"/shipments/{late['no']}/ship", ship))
    recall = ok(shop.get("/recall", sku="DUMP-PORK-1KG", lot_no="DP-20261101"))
    assert "MART-03" in recall["customers"]


def test_fefo_loss_curve_and_near_expiry_bundles(app_and_client, database, clock):
    _app, client = app_and_client
    shop = new_tenant(client, database, clock.now(), ROLES, is_sandbox=True)
    install_food(shop)
    today = clock.now().date()
    load_demo(shop, today)
    # A second, earlier lot of tomatoes and one already expired: FEFO takes the earlier
    # one first, never the expired one.
    for lot_no, days in (("TM-EARLY", 1), ("TM-OLD", -1)):
        shop.receive("TOMATO-KG", "CHL-1", 10, lot_no=lot_no,
                     expiry_date=today + timedelta(days=days))
    picks = ok(shop.get("/lots/fefo", sku="TOMATO-KG", warehouse="CHL-1", qty="15"))
    assert [(p["lot_no"], p["take"]) for p in picks["picks"]] == [
        ("TM-EARLY", "10.000"), ("TM-20261121", "5.000")]
    assert [(s["lot_no"], s["reason"]) for s in picks["skipped"]] == [("TM-OLD", "expired")]

    # Six kilos of bok choy spoiled: the vegetables' loss curve shows it.
    adjustment = ok(shop.post("/adjustments", {
        "warehouse": "CHL-1", "reason": "damaged", "photo_refs": ["wilted.jpg"],
        "lines": [{"sku": "BOKCHOY-KG", "qty": "-6", "lot_no": "BC-20261122"}]}), 201)
    ok(shop.post(f"/adjustments/{adjustment['no']}/submit", {}))
    curves = {c["category"]: c for c in ok(shop.get("/lots/loss-curve", days=7))["items"]}
    received = sum(Decimal(line["qty"]) for p in DEMO["purchase"] for line in p["lines"]
                   if line["sku"] in ("BOKCHOY-KG", "TOMATO-KG")) + 20
    veg = curves["vegetables"]
    assert Decimal(veg["lost"]) == 6 and Decimal(veg["received"]) == received
    assert Decimal(veg["points"][-1]["loss_rate"]) == (Decimal(6) / received).quantize(
        Decimal("0.0001"))
    assert Decimal(curves["frozen"]["lost"]) == 0

    # Without parameters the windows come from the pack's settings.toml (14 and 3 days;
    # the routes' own defaults without a pack setting are 30 and 7).
    assert [len(c["points"]) for c in ok(shop.get("/lots/loss-curve"))["items"]] == [14, 14]
    bundles = ok(shop.get("/lots/near-expiry-bundles"))["items"]
    by_lot = {b["lot_no"]: b for b in bundles}
    assert set(by_lot) == {"TM-EARLY", "BC-20261122"}  # not the expired one, not TM-…21 (5 d)
    assert by_lot["BC-20261122"]["partner_sku"] == "TOMATO-KG"  # the category's best seller
    assert by_lot["TM-EARLY"]["discount_pct"] > by_lot["BC-20261122"]["discount_pct"]
