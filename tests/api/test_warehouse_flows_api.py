"""Transfers, adjustments and stocktakes end to end over HTTP, on SQLite and PostgreSQL.

- A transfer across warehouses: dispatched (out of the source, on hand in its transit
  location) → received at the destination, lot by lot; another one returned from transit.
- An adjustment above the approval threshold waits for a second user; its creator can
  neither approve nor reject it; within the threshold it posts at once.
- A blind stocktake: no answer a counter gets carries the system quantity; closing shows
  the variances to a supervisor; posting stores the count-variance rates (per SKU and for
  the count) and turns the variances into an adjustment.

Every flow ends with the ledger check: each ledger row names its document (zero rows
without one) and the balances equal the ledger sums.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from inventory.models import LedgerEntry, StockBalance
from inventory.queries import ledger_sums
from kernel.models import OutboxEvent
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem

PHOTO = ["oss://photos/shelf-3.jpg"]


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The JSON of a successful answer."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def on_hand(t: ApiTenant, sku: str, warehouse: str) -> Decimal:
    """On-hand quantity of a SKU in a warehouse, as the API shows it (0 when no balance)."""
    rows = ok(t.get("/stock", "admin", sku=sku, warehouse=warehouse))["items"]
    return sum((Decimal(r["on_hand"]) for r in rows if r["warehouse"] == warehouse), Decimal(0))


def ledger(t: ApiTenant, document_ref: str) -> list[tuple[str, str, Decimal, str, str]]:
    """(warehouse, reason, qty, document type, lot) of a document's ledger rows."""
    rows = ok(t.get("/ledger", "admin", document_ref=document_ref, limit=200))["items"]
    return sorted((r["warehouse"], r["reason"], Decimal(r["qty"]), r["document_type"],
                   r["lot_no"] or "") for r in rows)


def event_types(t: ApiTenant, prefix: str) -> list[str]:
    """The tenant's outbox event types starting with ``prefix``, oldest first."""
    with t.db.read(None) as session:
        return list(session.scalars(select(OutboxEvent.type).where(
            OutboxEvent.tenant_id == t.tenant_id, OutboxEvent.type.startswith(prefix))
            .order_by(OutboxEvent.id)))


def event_payloads(t: ApiTenant, event_type: str) -> list[dict[str, Any]]:
    """The payloads of the tenant's events of one type, oldest first."""
    with t.db.read(None) as session:
        return list(session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.tenant_id == t.tenant_id, OutboxEvent.type == event_type)
            .order_by(OutboxEvent.id)))


def assert_every_ledger_row_has_its_document(t: ApiTenant) -> None:
    """Zero ledger rows without a document; every balance equals its ledger sum."""
    with t.db.read(None) as session:
        rows = session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.tenant_id == t.tenant_id))
        orphans = session.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.tenant_id == t.tenant_id,
            LedgerEntry.document_ref.is_(None) | LedgerEntry.document_type.is_(None)))
        assert rows and orphans == 0
    with t.db.read(t.tenant_id) as session:
        sums = ledger_sums(session)
        for b in session.scalars(select(StockBalance)):
            assert sums.get((b.item_id, b.warehouse_id, "on_hand"), 0) == b.on_hand
            assert sums.get((b.item_id, b.warehouse_id, "reserved"), 0) == b.reserved


def test_a_transfer_across_warehouses_through_transit(make_tenant: TenantFactory) -> None:
    t = make_tenant(roles=("admin", "warehouse"))
    t.item("FLOUR-25", shelf_life_days=365)
    for code in ("WH-HZ", "WH-SZ"):
        t.warehouse(code)
    t.receive("FLOUR-25", "WH-HZ", 10, lot_no="L-EARLY", expiry_date=date(2027, 1, 31))
    t.receive("FLOUR-25", "WH-HZ", 30, lot_no="L-LATE", expiry_date=date(2027, 6, 30))

    created = ok(t.post("/transfers", {"from_warehouse": "WH-HZ", "to_warehouse": "WH-SZ",
                                       "no": "TR-1", "lines": [{"sku": "FLOUR-25",
                                                                "qty": "25"}]},
                        "warehouse"), 201)
    assert created["status"] == "draft" and created["transit_warehouse"] is None
    assert on_hand(t, "FLOUR-25", "WH-HZ") == 40  # a draft moves nothing

    sent = ok(t.post("/transfers/TR-1/dispatch", None, "warehouse",
                     **{"Idempotency-Key": "tr-1-out"}))
    transit = sent["transit_warehouse"]
    assert sent["status"] == "in_transit" and transit == "WH-HZ-TRANSIT"
    assert sent["lines"][0]["lots"] == [["L-EARLY", "10.000"], ["L-LATE", "15.000"]]  # FEFO
    again = ok(t.post("/transfers/TR-1/dispatch", None, "warehouse",
                      **{"Idempotency-Key": "tr-1-out"}))
    assert again["replayed"] is True and again["event_id"] == sent["event_id"]
    assert (on_hand(t, "FLOUR-25", "WH-HZ"), on_hand(t, "FLOUR-25", transit),
            on_hand(t, "FLOUR-25", "WH-SZ")) == (15, 25, 0)
    assert ledger(t, "TR-1") == sorted([
        ("WH-HZ", "transfer_out", Decimal(-10), "transfer", "L-EARLY"),
        ("WH-HZ", "transfer_out", Decimal(-15), "transfer", "L-LATE"),
        (transit, "transfer_in", Decimal(10), "transfer", "L-EARLY"),
        (transit, "transfer_in", Decimal(15), "transfer", "L-LATE")])

    received = ok(t.post("/transfers/TR-1/receive", None, "warehouse"))
    assert received["status"] == "received" and received["received_at"]
    assert (on_hand(t, "FLOUR-25", "WH-HZ"), on_hand(t, "FLOUR-25", transit),
            on_hand(t, "FLOUR-25", "WH-SZ")) == (15, 0, 25)
    lots = ok(t.get("/stock/lots/FLOUR-25", "admin", warehouse="WH-SZ"))
    assert [(x["lot_no"], Decimal(x["on_hand"])) for x in lots] == [
        ("L-EARLY", 10), ("L-LATE", 15)]
    assert len(ledger(t, "TR-1")) == 8  # two legs × two lots, each leg out and in
    assert_problem(t.post("/transfers/TR-1/return", None, "warehouse"), 409,
                   "document.invalid_transition")

    # Goods that never arrive go back to the source, lot by lot.
    ok(t.post("/transfers", {"from_warehouse": "WH-HZ", "to_warehouse": "WH-SZ", "no": "TR-2",
                             "lines": [{"sku": "FLOUR-25", "qty": "5"}]}, "warehouse"), 201)
    ok(t.post("/transfers/TR-2/dispatch", None, "warehouse"))
    assert on_hand(t, "FLOUR-25", transit) == 5
    assert ok(t.post("/transfers/TR-2/return", None, "warehouse"))["status"] == "returned"
    assert (on_hand(t, "FLOUR-25", "WH-HZ"), on_hand(t, "FLOUR-25", transit),
            on_hand(t, "FLOUR-25", "WH-SZ")) == (15, 0, 25)
    short = t.post("/transfers", {"from_warehouse": "WH-HZ", "to_warehouse": "WH-SZ",
                                  "no": "TR-3", "lines": [{"sku": "FLOUR-25", "qty": "16"}]},
                   "warehouse")
    ok(short, 201)
    before = t.snapshot()
    assert_problem(t.post("/transfers/TR-3/dispatch", None, "warehouse"), 409,
                   "inventory.insufficient_stock")
    assert t.snapshot() == before
    assert event_types(t, "transfer.") == ["transfer.dispatched", "transfer.received",
                                           "transfer.dispatched", "transfer.returned"]
    [arrived] = event_payloads(t, "transfer.received")
    assert (arrived["from_warehouse"], arrived["to_warehouse"], arrived["transit_warehouse"],
            arrived["actor"]) == ("WH-HZ", "WH-SZ", transit, "user:warehouse")
    listed = ok(t.get("/transfers", "warehouse", status="in_transit"))
    assert listed["count"] == 0
    assert ok(t.get("/transfers", "warehouse", limit=2))["count"] == 3
    assert_every_ledger_row_has_its_document(t)


def _adjust(t: ApiTenant, no: str, qty: str, unit_cost: str = "0.00",
            reason: str = "damaged") -> dict[str, Any]:
    return ok(t.post("/adjustments", {
        "warehouse": "WH-A", "reason": reason, "photo_refs": PHOTO, "no": no,
        "lines": [{"sku": "CREAM-1", "qty": qty, "unit_cost": unit_cost}]}, "warehouse"), 201)


def test_an_adjustment_above_the_threshold_needs_a_second_user(
        make_tenant: TenantFactory) -> None:
    t = make_tenant(roles=("admin", "warehouse", "viewer"))
    t.item("CREAM-1")
    t.warehouse("WH-A")
    t.receive("CREAM-1", "WH-A", 300)

    # Within both limits (qty ≤ 100, value ≤ 5000): posts at once, no approver.
    _adjust(t, "ADJ-S", "-3", "12.00")
    small = ok(t.post("/adjustments/ADJ-S/submit", None, "warehouse"))
    assert (small["status"], small["is_above_threshold"], small["approved_by"]) == (
        "posted", False, "")
    assert on_hand(t, "CREAM-1", "WH-A") == 297

    # Above the quantity limit: waits; stock unchanged until a second user approves.
    _adjust(t, "ADJ-Q", "-150")
    waiting = ok(t.post("/adjustments/ADJ-Q/submit", None, "warehouse"))
    assert (waiting["status"], waiting["is_above_threshold"]) == ("awaiting_approval", True)
    assert on_hand(t, "CREAM-1", "WH-A") == 297 and ledger(t, "ADJ-Q") == []
    before = t.snapshot()
    for action, body in (("approve", None), ("reject", {"reason": "自己审自己"})):
        refused = assert_problem(t.post(f"/adjustments/ADJ-Q/{action}", body, "warehouse"),
                                 403, "document.second_approver_required")
        assert refused["context"]["creator"] == "user:warehouse"
    assert_problem(t.post("/adjustments/ADJ-Q/approve", None, "viewer"), 403, "auth.forbidden")
    assert t.snapshot() == before
    assert ok(t.get("/adjustments/ADJ-Q", "admin"))["status"] == "awaiting_approval"
    approved = ok(t.post("/adjustments/ADJ-Q/approve", None, "admin"))
    assert (approved["status"], approved["approved_by"]) == ("posted", "user:admin")
    assert on_hand(t, "CREAM-1", "WH-A") == 147
    assert ledger(t, "ADJ-Q") == [("WH-A", "adjustment", Decimal(-150), "adjustment", "")]

    # Above the value limit (10 × ¥600 = ¥6000 > ¥5000), rejected: nothing moves.
    _adjust(t, "ADJ-V", "10", "600.00", reason="found")
    assert ok(t.post("/adjustments/ADJ-V/submit", None, "warehouse"))["is_above_threshold"]
    rejected = ok(t.post("/adjustments/ADJ-V/reject", {"reason": "照片与数量不符"}, "admin"))
    assert rejected["status"] == "rejected" and ledger(t, "ADJ-V") == []
    assert on_hand(t, "CREAM-1", "WH-A") == 147

    # No photo, an unknown reason, or a zero line: refused before anything is written.
    before = t.snapshot()
    for bad in ({"photo_refs": []}, {"reason": "whim"},
                {"lines": [{"sku": "CREAM-1", "qty": "0"}]}):
        body = {"warehouse": "WH-A", "reason": "lost", "photo_refs": PHOTO,
                "lines": [{"sku": "CREAM-1", "qty": "-1"}], **bad}
        assert_problem(t.post("/adjustments", body, "warehouse"), 422)
    assert t.snapshot() == before

    assert event_types(t, "adjustment.") == [
        "adjustment.posted", "adjustment.submitted", "adjustment.posted",
        "adjustment.submitted", "adjustment.rejected"]
    posted = event_payloads(t, "adjustment.posted")
    assert [(p["no"], p["approved_by"], p["created_by"]) for p in posted] == [
        ("ADJ-S", "", "user:warehouse"), ("ADJ-Q", "user:admin", "user:warehouse")]
    assert ok(t.get("/adjustments", "viewer", status="posted"))["count"] == 2
    assert_every_ledger_row_has_its_document(t)


SYSTEM = {"BLIND-A": 100, "BLIND-B": 50, "BLIND-C": 20}


def _no_system_quantity(body: Any) -> None:
    """Nothing in ``body`` is a system quantity: no such key, and no number equal to an
    on-hand quantity except what the counter typed (``counted_qty``)."""
    if isinstance(body, dict):
        for key, value in body.items():
            assert "system" not in key and key not in {"on_hand", "variance"}, key
            assert key != "variance_rate" or value is None, body  # only on the post answer
            if key != "counted_qty":
                _no_system_quantity(value)
    elif isinstance(body, list):
        for value in body:
            _no_system_quantity(value)
    elif isinstance(body, str) and body.replace(".", "").isdigit():
        assert Decimal(body) not in {Decimal(v) for v in SYSTEM.values()}, body


def test_a_blind_stocktake_becomes_an_adjustment_with_variance_rates(
        make_tenant: TenantFactory) -> None:
    t = make_tenant(roles=("admin", "warehouse"))
    t.warehouse("WH-A")
    for sku, qty in SYSTEM.items():
        t.item(sku)
        t.receive(sku, "WH-A", qty)

    counter_saw = [ok(t.post("/stocktakes", {"warehouse": "WH-A", "no": "ST-1"},
                             "warehouse"), 201)]
    assert [x["sku"] for x in counter_saw[0]["lines"]] == list(SYSTEM)
    assert all(x["counted_qty"] is None for x in counter_saw[0]["lines"])
    counter_saw.append(ok(t.post("/stocktakes/ST-1/counts", {"counts": [
        {"sku": "BLIND-A", "counted_qty": "98"}, {"sku": "BLIND-B", "counted_qty": "50"}]},
        "warehouse")))
    counter_saw.append(ok(t.post("/stocktakes/ST-1/counts", {"counts": [
        {"sku": "BLIND-C", "counted_qty": "21"}]}, "warehouse")))
    counter_saw.append(ok(t.get("/stocktakes/ST-1", "warehouse")))
    counter_saw.append(ok(t.get("/stocktakes", "warehouse")))
    assert_problem(t.get("/stocktakes/ST-1/variances", "warehouse"), 403, "auth.forbidden")
    assert_problem(t.get("/stocktakes/ST-1/variances", "admin"), 409,
                   "document.stocktake_blind")
    for answer in counter_saw:
        _no_system_quantity(answer)
    for payload in event_payloads(t, "stocktake.counted"):
        _no_system_quantity(payload)
    assert [x["counted_qty"] for x in counter_saw[3]["lines"]] == ["98.000", "50.000",
                                                                   "21.000"]

    closed = ok(t.post("/stocktakes/ST-1/close", None, "warehouse"))
    _no_system_quantity(closed)
    assert on_hand(t, "BLIND-A", "WH-A") == 100  # closing changes no stock
    variances = ok(t.get("/stocktakes/ST-1/variances", "admin"))
    by_sku = {x["sku"]: x for x in variances["lines"]}
    assert {s: (x["system_qty"], x["counted_qty"], x["variance"], x["variance_rate"])
            for s, x in by_sku.items()} == {
        "BLIND-A": ("100.000", "98.000", "-2.000", "0.020000"),
        "BLIND-B": ("50.000", "50.000", "0.000", "0.000000"),
        "BLIND-C": ("20.000", "21.000", "1.000", "0.050000")}
    assert variances["variance_rate"] == "0.017647"  # (2 + 0 + 1) ÷ 170

    assert_problem(t.post("/stocktakes/ST-1/post", {"photo_refs": PHOTO}, "warehouse"), 403,
                   "auth.forbidden")
    posted = ok(t.post("/stocktakes/ST-1/post", {"photo_refs": PHOTO}, "admin"))
    assert posted["status"] == "posted" and posted["variance_rate"] == "0.017647"
    adjustment = ok(t.get(f"/adjustments/{posted['adjustment_no']}", "admin"))
    assert (adjustment["status"], adjustment["reason"], adjustment["stocktake_no"]) == (
        "posted", "stocktake", "ST-1")
    assert sorted((x["sku"], x["qty"]) for x in adjustment["lines"]) == [
        ("BLIND-A", "-2.000"), ("BLIND-C", "1.000")]
    assert [on_hand(t, s, "WH-A") for s in SYSTEM] == [98, 50, 21]
    assert ledger(t, posted["adjustment_no"]) == sorted([
        ("WH-A", "adjustment", Decimal(-2), "adjustment", ""),
        ("WH-A", "adjustment", Decimal(1), "adjustment", "")])
    # The rates are stored: after stock moves on, the stocktake still answers the same.
    t.receive("BLIND-A", "WH-A", 7)
    assert ok(t.get("/stocktakes/ST-1/variances", "admin")) == variances | {
        "status": "posted", "adjustment_no": posted["adjustment_no"]}
    [event] = event_payloads(t, "stocktake.posted")
    assert event["variance_rate"] == "0.017647"
    assert {x["sku"]: x["variance_rate"] for x in event["lines"]} == {
        "BLIND-A": "0.020000", "BLIND-B": "0.000000", "BLIND-C": "0.050000"}

    # A blind check draws N SKUs reproducibly from its seed.
    drawn = [ok(t.post("/stocktakes", {"warehouse": "WH-A", "scope": "blind_check",
                                       "sample_size": 2, "seed": 2026}, "warehouse"), 201)
             for _ in range(2)]
    skus = [[x["sku"] for x in d["lines"]] for d in drawn]
    assert skus[0] == skus[1] and len(skus[0]) == 2 and set(skus[0]) <= set(SYSTEM)
    for d in drawn:
        _no_system_quantity(d)
        assert ok(t.post(f"/stocktakes/{d['no']}/cancel", None, "warehouse"))["status"] == (
            "cancelled")
    assert event_types(t, "stocktake.") == [
        "stocktake.counted", "stocktake.counted", "stocktake.closed", "stocktake.posted",
        "stocktake.cancelled", "stocktake.cancelled"]
    assert_every_ledger_row_has_its_document(t)
