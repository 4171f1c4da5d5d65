"""Inventory health through the HTTP API on SQLite and PostgreSQL, from real data.

Near-expiry lots come from real receipts and a FEFO shipment; variance series from blind
stocktakes posted over HTTP; every criterion of the self-assessment is shown to move when
the recorded data does: latencies of real stock queries, outbox events a real worker
handled or parked, posted stocktakes, ledger rows with and without a document, requests
refused (bad body, oversell, a NUL character) or failing with a server error.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

import pytest
from fastapi import Depends
from sqlalchemy import select

from engine import Worker
from engine.dispatch import OutboxRecord, RetryPolicy
from inventory import CommandContext, ReceiveStock, StockService
from inventory.health import InputOutcome, StockQuerySample
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.security import Permission
from studio.deps import require
from tests.api.conftest import API, ApiTenant, TenantFactory, assert_problem, bearer, sign_in


def _criteria(t: ApiTenant, **params: Any) -> dict[str, dict[str, Any]]:
    r = t.get("/health/assessment", role="viewer", **params)
    assert r.status_code == 200, r.text
    return {c["criterion"]: c for c in r.json()["criteria"]}


def posted_stocktake(t: ApiTenant, warehouse: str, counts: dict[str, str]) -> dict[str, Any]:
    created = t.post("/stocktakes", {"warehouse": warehouse, "scope": "selected",
                                     "skus": sorted(counts)})
    assert created.status_code == 201, created.text
    no = created.json()["no"]
    r = t.post(f"/stocktakes/{no}/counts",
               {"counts": [{"sku": s, "counted_qty": q} for s, q in counts.items()]})
    assert r.status_code == 200, r.text
    assert t.post(f"/stocktakes/{no}/close", {}).status_code == 200
    posted = t.post(f"/stocktakes/{no}/post", {"photo_refs": ["sheet-1.jpg"]})
    assert posted.status_code == 200, posted.text
    body: dict[str, Any] = posted.json()
    return body


def _later(t: ApiTenant, clock: VirtualClock, delta: timedelta) -> None:
    """Move the clock on and sign everyone in again (session tokens expire)."""
    clock.advance(delta)
    for role in t.tokens:
        t.tokens[role] = sign_in(t.client, t.code, role)


@pytest.fixture
def shop(make_tenant: TenantFactory) -> ApiTenant:
    """A tenant with two warehouses and three items."""
    t = make_tenant(roles=("admin", "viewer", "warehouse"))
    for code in ("WH-A", "WH-B"):
        t.warehouse(code)
    for sku in ("MILK-1", "FLOUR-1", "SALT-1"):
        t.item(sku)
    return t


def test_near_expiry_lists_lots_per_warehouse_earliest_expiry_first(shop: ApiTenant):
    # The clock reads 2026-11-23.
    shop.receive("MILK-1", "WH-A", 10, lot_no="M-LATE", expiry_date="2026-12-20")
    shop.receive("MILK-1", "WH-A", 4, lot_no="M-SOON", expiry_date="2026-11-25")
    shop.receive("FLOUR-1", "WH-A", 7, lot_no="F-FAR", expiry_date="2027-03-01")
    shop.receive("FLOUR-1", "WH-B", 3, lot_no="F-OLD", expiry_date="2026-11-20")
    shop.receive("SALT-1", "WH-B", 9)  # no expiry: never listed

    page = shop.get("/health/near-expiry", role="viewer", horizon_days=30).json()
    rows = [(r["warehouse"], r["lot_no"], r["days_left"], Decimal(r["on_hand"]))
            for r in page["items"]]
    assert rows == [("WH-A", "M-SOON", 2, 4), ("WH-A", "M-LATE", 27, 10),
                    ("WH-B", "F-OLD", -3, 3)]
    assert page["count"] == 3
    longer = shop.get("/health/near-expiry", role="viewer", horizon_days=100).json()
    assert [r["lot_no"] for r in longer["items"]] == ["M-SOON", "M-LATE", "F-FAR", "F-OLD"]
    only_b = shop.get("/health/near-expiry", role="viewer", horizon_days=100, warehouse="WH-B")
    assert [r["lot_no"] for r in only_b.json()["items"]] == ["F-OLD"]

    # A FEFO shipment takes the soonest lot first: 4 of M-SOON, then 1 of M-LATE.
    shop.sell_and_ship("MILK-1", "WH-A", 5, "SO-1")
    after = shop.get("/health/near-expiry", role="viewer", horizon_days=30, sku="MILK-1").json()
    assert [(r["lot_no"], Decimal(r["on_hand"])) for r in after["items"]] == [("M-LATE", 9)]

    assert_problem(shop.get("/health/near-expiry", warehouse="WH-NONE"), 404)
    assert_problem(shop.get("/health/near-expiry", horizon_days=-1), 422)


def test_count_variance_series_per_count_and_per_sku(shop: ApiTenant, clock: VirtualClock):
    shop.receive("MILK-1", "WH-A", 100)
    shop.receive("FLOUR-1", "WH-A", 50)
    first = posted_stocktake(shop, "WH-A", {"MILK-1": "98", "FLOUR-1": "50"})
    _later(shop, clock, timedelta(days=1, hours=1))
    second = posted_stocktake(shop, "WH-A", {"MILK-1": "93.1"})  # 98 on the books now

    series = shop.get("/health/count-variance", role="viewer", days=30).json()
    assert [(c["no"], c["variance_rate"]) for c in series["counts"]] == [
        (first["no"], "0.013333"), (second["no"], "0.050000")]
    milk = next(s for s in series["skus"] if s["sku"] == "MILK-1")
    assert [p["variance_rate"] for p in milk["points"]] == ["0.020000", "0.050000"]
    flour = shop.get("/health/count-variance", role="viewer", days=30, sku="FLOUR-1").json()
    assert [c["no"] for c in flour["counts"]] == [first["no"]]
    assert [s["sku"] for s in flour["skus"]] == ["FLOUR-1"]
    # The window moves with the clock: a day later only the second count is in the last day.
    recent = shop.get("/health/count-variance", role="viewer", days=1).json()
    assert [c["no"] for c in recent["counts"]] == [second["no"]]


def test_movement_traced_and_count_variance_move_with_the_data(shop: ApiTenant,
                                                                 clock: VirtualClock,
                                                                 database: Database):
    assert _criteria(shop)["movement_traced"]["status"] == "no_data"
    shop.receive("MILK-1", "WH-A", 100)
    shop.receive("FLOUR-1", "WH-A", 100)
    traced = _criteria(shop)["movement_traced"]
    assert (Decimal(traced["value"]), traced["status"], Decimal(traced["points"])) == (100, "met",
                                                                                        20)
    # A movement written around the documents (the API has no such path any more; a
    # direct core command, as an old import script would): one of three rows untraced.
    StockService(database, clock).execute(
        CommandContext(tenant_id=shop.tenant_id, actor="import-script"),
        ReceiveStock(sku="SALT-1", warehouse="WH-A", qty=Decimal(5)))
    traced = _criteria(shop)["movement_traced"]
    assert traced["evidence"] == {"ledger_rows": 3, "traced": 2, "untraced": 1}
    assert traced["status"] == "below" and Decimal(traced["points"]) == 0  # 66.7 % < 90 %

    assert _criteria(shop)["count_variance"]["status"] == "no_data"
    posted_stocktake(shop, "WH-A", {"MILK-1": "99", "FLOUR-1": "100"})  # 1 of 200 off: 0.5 %
    variance = _criteria(shop)["count_variance"]
    assert (Decimal(variance["value"]), variance["status"]) == (Decimal("0.5"), "met")
    assert variance["evidence"] == {"stocktakes": 1, "lines": 2}
    _later(shop, clock, timedelta(hours=1))
    posted_stocktake(shop, "WH-A", {"MILK-1": "93"})  # 6 of 99 off: pooled 7 of 299 = 2.34 %
    variance = _criteria(shop)["count_variance"]
    assert variance["status"] == "below"
    assert Decimal(variance["value"]) == Decimal("2.3411")
    assert 0 < Decimal(variance["points"]) < 20


def test_stock_query_latency_is_recorded_from_real_requests(shop: ApiTenant, database: Database):
    assert _criteria(shop)["stock_query_p95"]["status"] == "no_data"
    for _ in range(5):
        assert shop.get("/stock", role="warehouse").status_code == 200
    assert shop.get("/stock/lots/MILK-1", role="warehouse").status_code == 200
    assert shop.get("/items", role="warehouse").status_code == 200  # not a stock query
    p95 = _criteria(shop)["stock_query_p95"]
    with database.read(shop.tenant_id) as session:
        recorded = sorted(session.scalars(select(StockQuerySample.duration_us)))
        routes = set(session.scalars(select(StockQuerySample.route)))
    assert len(recorded) == 6 and p95["evidence"]["samples"] == 6
    assert routes == {"/api/v1/stock", "/api/v1/stock/lots/{sku}"}
    assert Decimal(p95["value"]) == (Decimal(recorded[5]) / 1000).quantize(Decimal("0.1"))
    assert p95["status"] == ("met" if recorded[5] <= 300_000 else "below")


def test_latency_samples_are_capped_per_tenant_route_and_minute(shop: ApiTenant):
    for _ in range(65):
        shop.get("/stock", role="warehouse")
    assert _criteria(shop)["stock_query_p95"]["evidence"]["samples"] == 60


def test_refused_and_escaped_inputs_move_the_intercepted_share(
        shop: ApiTenant, api: Any, database: Database):
    assert _criteria(shop)["input_intercepted"]["status"] == "no_data"
    shop.receive("MILK-1", "WH-A", 2)
    assert_problem(shop.post("/adjustments", {"warehouse": "WH-A"}), 422)  # body incomplete
    assert shop.post("/customers", {"code": "C-1", "name": "客户"}).status_code == 201
    assert shop.post("/sales-orders", {"customer": "C-1", "warehouse": "WH-A", "no": "SO-9",
                                       "lines": [{"sku": "MILK-1", "qty": "9"}]}
                     ).status_code == 201
    assert_problem(shop.post("/sales-orders/SO-9/confirm", None), 409)  # oversell
    nul = api.post(f"{API}/adjustments", content=b'{"warehouse": "A\\u0000"}',
                   headers={**shop.headers(), "content-type": "application/json"})
    assert_problem(nul, 422, "request.nul_character")  # refused by the InputGuard
    intercepted = _criteria(shop)["input_intercepted"]
    assert intercepted["evidence"]["refused_requests"] == 3
    assert (Decimal(intercepted["value"]), intercepted["status"]) == (100, "met")
    with database.read(shop.tenant_id) as session:
        codes = sorted(session.scalars(select(InputOutcome.code)))
    assert codes == ["inventory.insufficient_stock", "request.invalid", "request.nul_character"]

    # A route that fails as a bug would: its input was not stopped, it escaped.
    def broken(_principal: Annotated[Any, Depends(require(Permission.STOCK_READ))]) -> None:
        raise RuntimeError("a bug")

    api.app.add_api_route(f"{API}/test-broken", broken, methods=["GET"],
                          include_in_schema=False)
    assert api.get(f"{API}/test-broken", headers=shop.headers()).status_code == 500
    intercepted = _criteria(shop)["input_intercepted"]
    assert intercepted["evidence"]["escaped"] == 1
    assert Decimal(intercepted["value"]) == Decimal(75)  # 3 of 4
    assert intercepted["status"] == "below" and Decimal(intercepted["points"]) == 0


class _FailFor:
    """A worker handler that refuses every event of one tenant (it gets parked)."""

    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id

    def handle(self, session: Any, event: OutboxRecord, now: Any) -> None:
        if event.tenant_id == self.tenant_id:
            raise RuntimeError("the consumer is down")


class _Acknowledge:
    def handle(self, session: Any, event: OutboxRecord, now: Any) -> None:
        return None


def test_document_sync_counts_handled_and_parked_document_events(
        shop: ApiTenant, database: Database, clock: VirtualClock):
    assert _criteria(shop)["document_sync"]["status"] == "no_data"
    shop.receive("MILK-1", "WH-A", 100)
    posted_stocktake(shop, "WH-A", {"MILK-1": "100"})  # counted, closed, posted: 3 events
    Worker(database, clock, handler=_Acknowledge()).drain()
    sync = _criteria(shop)["document_sync"]
    assert sync["evidence"]["events_parked"] == 0 and sync["evidence"]["events_done"] >= 3
    assert (Decimal(sync["value"]), sync["status"]) == (100, "met")
    done = sync["evidence"]["events_done"]

    posted_stocktake(shop, "WH-A", {"MILK-1": "100"})
    Worker(database, clock, handler=_FailFor(shop.tenant_id),
           policy=RetryPolicy(max_attempts=1)).drain()
    sync = _criteria(shop)["document_sync"]
    parked = sync["evidence"]["events_parked"]
    assert parked >= 3 and sync["evidence"]["events_done"] == done
    assert Decimal(sync["value"]) == (Decimal(done) * 100 / (done + parked)).quantize(
        Decimal("0.0001"))
    assert sync["status"] == "below"


def test_weights_come_from_the_installed_standard_pack(make_tenant: TenantFactory):
    t = make_tenant(roles=("admin", "author", "viewer"))
    before = t.get("/health/assessment", role="viewer").json()
    assert before["weights_source"] == "default"
    assert {c["weight"] for c in before["criteria"]} == {"20"}
    assert t.post("/packs/jxc.standard/install", {}, role="author").status_code == 200
    after = t.get("/health/assessment", role="viewer").json()
    assert after["weights_source"] == "jxc.standard"
    assert {c["criterion"]: Decimal(c["benchmark"]) for c in after["criteria"]} == {
        "stock_query_p95": 16, "document_sync": 18, "count_variance": 14,
        "movement_traced": 17, "input_intercepted": 15}
    assert Decimal(after["benchmark_total"]) == 80


def test_reports_need_a_reader_and_stay_in_their_tenant(shop: ApiTenant,
                                                        make_tenant: TenantFactory, api: Any):
    shop.receive("MILK-1", "WH-A", 4, lot_no="M-1", expiry_date="2026-11-30")
    other = make_tenant(roles=("admin", "viewer"))
    assert other.get("/health/near-expiry", role="viewer").json()["count"] == 0
    assert _criteria(other)["movement_traced"]["status"] == "no_data"
    for path in ("/health/near-expiry", "/health/count-variance", "/health/assessment"):
        assert_problem(api.get(API + path), 401)
        assert_problem(api.get(API + path, headers=bearer("not-a-token")), 401)
        token = shop.api_token(["stock:write"], name=f"no-read-{path[8:12]}")["token"]
        assert_problem(api.get(API + path, headers=bearer(token)), 403)
