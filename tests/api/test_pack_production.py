"""The production pack (生产进销存系统) over HTTP, on SQLite and PostgreSQL: it installs into a
fresh tenant with green rule tests in sandbox and changes nothing in another tenant; a
forecast drafts a purchase order whose quantity follows from statsmodels' own forecast."""

from __future__ import annotations

import math
import statistics
import warnings
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
from sqlalchemy import func, select
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from kernel.clock import VirtualClock
from kernel.models import OutboxEvent
from templates_marketplace import builtin
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem
from tests.api.pack_flow import install_into_a_fresh_tenant, ok
from tests.integration.contracts.test_pack_events import decided

PACK = "jxc.production"
MILLI = Decimal("0.001")


def demo() -> dict[str, Any]:
    """The pack's own demo data."""
    return builtin(PACK).parts.demo["bolts"]


def statsmodels_forecast(history: list[Decimal], horizon: int, season: int) -> list[Decimal]:
    """Holt-Winters (additive season, no trend) straight from statsmodels, each day rounded
    half-even to the thousandth and floored at zero, as docs/packs/production.md says."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(np.array([float(v) for v in history]), trend=None,
                                      seasonal="add", seasonal_periods=season,
                                      initialization_method="estimated").fit()
    return [max(Decimal(repr(float(v))).quantize(MILLI, ROUND_HALF_EVEN), Decimal(0))
            for v in fitted.forecast(horizon)]


def up(value: Decimal) -> Decimal:
    return value.quantize(MILLI, ROUND_CEILING)


def seed(t: ApiTenant, clock: VirtualClock) -> list[Decimal]:
    """Warehouse, item, stock on hand and the demo's daily demand ending yesterday."""
    data = demo()
    t.warehouse(data["warehouse"]["code"], name_zh=data["warehouse"]["name_zh"])
    t.item(data["item"]["sku"], name_zh=data["item"]["name_zh"])
    t.receive(data["item"]["sku"], data["warehouse"]["code"], data["on_hand"])
    today = clock.now().date()
    days = data["daily_demand"]
    records = [{"sku": data["item"]["sku"], "warehouse": data["warehouse"]["code"],
                "day": (today - timedelta(days=len(days) - i)).isoformat(), "qty": str(q)}
               for i, q in enumerate(days)]
    recorded = ok(t.post("/forecast/demand", {"records": records}, "warehouse",
                         **{"Idempotency-Key": "demand-1"}), 201)
    assert recorded["recorded"] == len(days)
    return [Decimal(q) for q in days]


def test_production_pack_installs_with_green_rule_tests_and_leaves_others_alone(
        make_tenant: TenantFactory) -> None:
    installed = install_into_a_fresh_tenant(make_tenant, PACK,
                                            ["/forecast/runs", "/forecast/demand"])
    assert installed["events"] == ["forecast.completed"]


def test_a_forecast_drafts_a_purchase_order_from_statsmodels_forecast(
        make_tenant: TenantFactory, clock: VirtualClock) -> None:
    t = make_tenant()
    ok(t.post(f"/packs/{PACK}/install", {}, "author"))
    history = seed(t, clock)
    request = {k: v for k, v in demo()["forecast"].items()}
    lt, review, hold = (request["lead_time_days"], request["review_days"],
                        request["holdout_days"])
    season = request["season_length"]

    result = ok(t.post("/forecast/runs", request, "warehouse",
                       **{"Idempotency-Key": "forecast-1"}), 201)

    # What statsmodels itself says, with the formula of docs/packs/production.md.
    assert [Decimal(v) for v in result["history"]] == history
    future = statsmodels_forecast(history, lt + review, season)
    assert [Decimal(v) for v in result["forecast"]] == future
    held = statsmodels_forecast(history[:-hold], hold, season)
    errors = [a - f for a, f in zip(history[-hold:], held, strict=True)]
    mae = sum(abs(e) for e in errors) / hold
    rmse = (sum(e * e for e in errors) / hold).sqrt()
    mape = sum(abs(e) / a for e, a in zip(errors, history[-hold:], strict=True)) * 100 / hold
    assert result["error"] == {"holdout_days": hold, "mae": str(up(mae)),
                               "rmse": str(up(rmse)), "mape_pct": str(up(mape))}
    z = Decimal(repr(statistics.NormalDist().inv_cdf(float(request["service_level_pct"]) / 100)))
    safety = up(z * up(rmse) * Decimal(lt).sqrt())
    reorder = up(sum(future[:lt], Decimal(0)) + safety)
    up_to = up(reorder + sum(future[lt:], Decimal(0)))
    assert (Decimal(result["safety_stock"]), Decimal(result["reorder_point"]),
            Decimal(result["order_up_to"])) == (safety, reorder, up_to)

    position = Decimal(demo()["on_hand"])
    assert position <= reorder  # the demo is set so that the SKU needs ordering
    expected_qty = Decimal(math.ceil(up_to - position))
    suggestion = result["suggestion"]
    assert Decimal(suggestion["suggested_qty"]) == expected_qty
    assert suggestion["status"] == "ordered"
    [order] = result["purchase_orders"]
    assert order["status"] == "draft" and order["supplier"] == request["supplier"]
    assert [(ln["sku"], Decimal(ln["qty"])) for ln in order["lines"]] == [
        (request["sku"], expected_qty)]
    stored = ok(t.get(f"/purchase-orders/{order['no']}"))
    assert Decimal(stored["lines"][0]["qty"]) == expected_qty
    assert suggestion["purchase_order_no"] == order["no"]

    # The same key gives the same answer and drafts nothing more.
    orders_before = ok(t.get("/purchase-orders"))["count"]
    again = ok(t.post("/forecast/runs", request, "warehouse",
                      **{"Idempotency-Key": "forecast-1"}), 201)
    assert again["replayed"] and again["id"] == result["id"]
    assert ok(t.get("/purchase-orders"))["count"] == orders_before
    runs = ok(t.get("/forecast/runs", sku=request["sku"]))
    assert runs["count"] == 1 and runs["items"][0]["error"] == result["error"]
    with t.db.read(None) as session:
        events = session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.tenant_id == t.tenant_id,
            OutboxEvent.type == "forecast.completed")).all()
    assert [e["forecast"]["purchase_order_no"] for e in events] == [order["no"]]
    # The pack's rule reads that real event: the drafted order notifies purchasing.
    assert decided(t.db, t.tenant_id, clock.now(), f"{PACK}:forecast_purchase",
                   "forecast.completed") == [["notify"]]

    # A second run while the draft is on its way orders nothing more.
    second = ok(t.post("/forecast/runs", request, "warehouse"), 201)
    assert second["suggestion"] is None and second["purchase_orders"] == []
    assert ok(t.get("/purchase-orders"))["count"] == orders_before


def test_bad_forecast_input_is_refused_and_changes_nothing(make_tenant: TenantFactory,
                                                          clock: VirtualClock) -> None:
    t = make_tenant()
    ok(t.post(f"/packs/{PACK}/install", {}, "author"))
    seed(t, clock)
    request = dict(demo()["forecast"])
    with t.db.read(None) as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxEvent)
                                .where(OutboxEvent.tenant_id == t.tenant_id))
    orders = ok(t.get("/purchase-orders"))["count"]  # the opening stock's own order
    too_short = assert_problem(t.post("/forecast/runs", {**request, "lookback_days": 10},
                                      "warehouse"), 422, "planning.invalid_input")
    assert "holt_winters" in too_short["message"]["en"]
    assert_problem(t.post("/forecast/runs", {**request, "sku": "NOPE"}, "warehouse"), 404)
    assert_problem(t.post("/forecast/runs", request, "viewer"), 403, "auth.forbidden")
    assert_problem(t.post("/forecast/demand", {"records": [
        {"sku": request["sku"], "warehouse": request["warehouse"], "day": "2026-11-01",
         "qty": "-1"}]}, "warehouse"), 422)
    assert ok(t.get("/forecast/runs"))["count"] == 0
    assert ok(t.get("/purchase-orders"))["count"] == orders
    with t.db.read(None) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)
                              .where(OutboxEvent.tenant_id == t.tenant_id)) == outbox
