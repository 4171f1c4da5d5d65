"""Demand forecast in the database: recorded daily demand, forecast runs, and the
replenishment policy, suggestion and draft purchase order a run leads to.

A run's history is, per day of the look-back window, the demand recorded for that day
(consumption, imported shipments …) plus what the ledger shipped of the SKU out of the
warehouse. The forecast and its levels (:mod:`inventory.planning.forecast`) are written to
the SKU × warehouse's replenishment policy as static levels; then the existing
replenishment code suggests and, if asked, drafts the purchase order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.commands import CommandContext
from inventory.documents.runner import DocumentRunner
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse
from inventory.planning import forecast as fc
from inventory.planning import replenishment as rp
from inventory.planning.errors import InvalidPlanningInput
from inventory.planning.forecast_models import DemandRecord, ForecastRun
from inventory.planning.models import ReplenishmentPolicy
from inventory.planning.replenishment_service import (
    draft_purchase_orders,
    policy_of,
    shipped_history,
    suggest_orders,
)

_ZERO = Decimal("0.000")


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandDay:
    """What one SKU consumed or shipped out of one warehouse on one day."""

    sku: str
    warehouse: str
    day: date
    qty: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastRequest:
    """What to forecast, how, and what to do with the result."""

    sku: str
    warehouse: str
    supplier: str
    lead_time_days: int
    method: fc.Method = "holt_winters"
    season_length: int = 7
    lookback_days: int = 56
    holdout_days: int = 7
    review_days: int = 7
    service_level_pct: Decimal = Decimal("95")
    unit_price: Decimal = Decimal("0.00")
    #: Also turn the suggestion into a draft purchase order.
    draft_order: bool = True


def day_start(day: date) -> datetime:
    """Midnight (UTC) at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def history(session: Session, item_id: int, warehouse_id: int, today: date, days: int
            ) -> list[Decimal]:
    """Demand per day over the ``days`` whole days before ``today``: recorded demand plus
    ledger shipments, zero days kept, oldest first."""
    start = today - timedelta(days=days)
    series = rp.daily_series(shipped_history(session, item_id, warehouse_id, day_start(today),
                                             days), day_start(today), days)
    for day, qty in session.execute(select(DemandRecord.day, DemandRecord.qty).where(
            DemandRecord.item_id == item_id, DemandRecord.warehouse_id == warehouse_id,
            DemandRecord.day >= start, DemandRecord.day < today)):
        series[(day - start).days] += qty
    return series


def _record(session: Session, ctx: CommandContext, rows: tuple[DemandDay, ...], now: datetime
            ) -> dict[str, Any]:
    for row in rows:
        if row.qty < 0:
            raise InvalidPlanningInput(field="qty", reason="demand cannot be negative",
                                       reason_zh="需求量不能为负")
        item, warehouse = item_by_sku(session, row.sku), warehouse_by_code(session, row.warehouse)
        found = session.scalar(select(DemandRecord).where(
            DemandRecord.item_id == item.id, DemandRecord.warehouse_id == warehouse.id,
            DemandRecord.day == row.day))
        if found is None:
            found = DemandRecord(tenant_id=ctx.tenant_id, item_id=item.id,
                                 warehouse_id=warehouse.id, day=row.day)
            session.add(found)
        found.qty, found.recorded_by, found.updated_at = row.qty, ctx.actor, now
        session.flush()
    return {"recorded": len(rows)}


def _policy(session: Session, ctx: CommandContext, item: Item, warehouse: Warehouse,
            req: ForecastRequest, found: fc.DemandForecast, now: datetime) -> ReplenishmentPolicy:
    """The SKU × warehouse's policy, set to the forecast's levels (static: a forecast run,
    not the ledger's plain mean, keeps them up to date)."""
    policy = policy_of(session, ctx.tenant_id, item.id, warehouse.id)
    policy.mode, policy.supplier, policy.lead_time_days = "static", req.supplier, \
        req.lead_time_days
    policy.service_level_pct, policy.lookback_days = req.service_level_pct, req.lookback_days
    policy.safety_stock, policy.reorder_point = found.safety_stock, found.reorder_point
    policy.order_up_to, policy.unit_price = found.order_up_to, req.unit_price
    horizon = req.lead_time_days + req.review_days
    policy.mean_daily_demand = fc.round_up(sum(found.daily, _ZERO) / horizon)
    policy.demand_stdev, policy.computed_at, policy.updated_at = found.error.rmse, now, now
    session.flush()
    return policy


def _run(session: Session, ctx: CommandContext, req: ForecastRequest, now: datetime
         ) -> dict[str, Any]:
    if not 2 <= req.lookback_days <= 730:
        raise InvalidPlanningInput(field="lookback_days", reason="must be 2 to 730 days",
                                   reason_zh="须为 2 到 730 天")
    item, warehouse = item_by_sku(session, req.sku), warehouse_by_code(session, req.warehouse)
    series = history(session, item.id, warehouse.id, now.date(), req.lookback_days)
    try:
        found = fc.forecast_levels(series, method=req.method, season_length=req.season_length,
                                   holdout_days=req.holdout_days,
                                   lead_time_days=req.lead_time_days,
                                   review_days=req.review_days,
                                   service_level_pct=req.service_level_pct)
    except fc.ForecastInputError as exc:
        raise InvalidPlanningInput(field="forecast", reason=exc.reason_en,
                                   reason_zh=exc.reason_zh) from exc
    policy = _policy(session, ctx, item, warehouse, req, found, now)
    suggestions = [s for s in suggest_orders(session, ctx, now)["suggestions"]
                   if (s["sku"], s["warehouse"]) == (req.sku, req.warehouse)]
    orders: list[dict[str, Any]] = []
    if req.draft_order and suggestions:
        orders = draft_purchase_orders(session, ctx, now,
                                       frozenset({policy.id}))["purchase_orders"]
        suggestions = [{**s, "status": "ordered", "purchase_order_no": orders[0]["no"]}
                       for s in suggestions]
    run = ForecastRun(
        tenant_id=ctx.tenant_id, item_id=item.id, warehouse_id=warehouse.id, method=req.method,
        season_length=req.season_length, lookback_days=req.lookback_days,
        holdout_days=req.holdout_days, lead_time_days=req.lead_time_days,
        review_days=req.review_days, history=[str(v) for v in series],
        forecast=[str(v) for v in found.daily],
        params={"smoothing": found.params, "warnings": list(found.warnings)},
        mae=found.error.mae, rmse=found.error.rmse, mape_pct=found.error.mape_pct,
        safety_stock=found.safety_stock, reorder_point=found.reorder_point,
        order_up_to=found.order_up_to, actor=ctx.actor, created_at=now)
    session.add(run)
    session.flush()
    suggested = suggestions[0]["suggested_qty"] if suggestions else "0.000"
    guarantees.append_event(session, ctx.tenant_id, guarantees.new_event_id(),
                            "forecast.completed", req.sku, {
                                "type": "forecast.completed", "forecast": {
                                    "sku": req.sku, "warehouse": req.warehouse,
                                    "method": req.method,
                                    "mape_pct": None if run.mape_pct is None
                                    else str(run.mape_pct),
                                    "mae": str(run.mae), "reorder_point": str(run.reorder_point),
                                    "suggested_qty": suggested,
                                    "purchase_order_no": orders[0]["no"] if orders else ""}},
                            now)
    return {**run_view(session, run), "lead_time_demand": str(found.lead_time_demand),
            "review_demand": str(found.review_demand), "z": str(found.z),
            "suggestion": suggestions[0] if suggestions else None,
            "purchase_orders": orders}


def run_view(session: Session, run: ForecastRun) -> dict[str, Any]:
    """A forecast run as the API shows it."""
    return {
        "id": run.id, "sku": session.get_one(Item, run.item_id).sku,
        "warehouse": session.get_one(Warehouse, run.warehouse_id).code, "method": run.method,
        "season_length": run.season_length, "lookback_days": run.lookback_days,
        "lead_time_days": run.lead_time_days, "review_days": run.review_days,
        "history": run.history, "forecast": run.forecast,
        "smoothing": run.params.get("smoothing", {}), "warnings": run.params.get("warnings", []),
        "error": {"holdout_days": run.holdout_days, "mae": str(run.mae), "rmse": str(run.rmse),
                  "mape_pct": None if run.mape_pct is None else str(run.mape_pct)},
        "safety_stock": str(run.safety_stock), "reorder_point": str(run.reorder_point),
        "order_up_to": str(run.order_up_to), "actor": run.actor,
        "created_at": run.created_at.isoformat()}


def _demand_view(session: Session, row: DemandRecord) -> dict[str, Any]:
    return {"sku": session.get_one(Item, row.item_id).sku,
            "warehouse": session.get_one(Warehouse, row.warehouse_id).code,
            "day": row.day.isoformat(), "qty": str(row.qty), "recorded_by": row.recorded_by}


class ForecastService:
    """Recorded demand, forecast runs, and the draft purchase orders they lead to."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def record_demand(self, ctx: CommandContext, rows: tuple[DemandDay, ...]) -> dict[str, Any]:
        """Record daily demand (a day recorded again is replaced).

        Raises:
            UnknownItem, UnknownWarehouse: names not in the tenant.
            InvalidPlanningInput: a negative quantity.
        """
        return self.runner.write(ctx, "forecast.demand", {"rows": rows},
                                 lambda s, now: _record(s, ctx, rows, now))

    def run(self, ctx: CommandContext, req: ForecastRequest) -> dict[str, Any]:
        """Forecast one SKU × warehouse, set its policy from the forecast, suggest and (if
        asked) draft the purchase order; the answer shows the holdout error.

        Raises:
            UnknownItem, UnknownWarehouse: names not in the tenant.
            InvalidPlanningInput: history too short for the method, or a setting out of range.
        """
        return self.runner.write(ctx, "forecast.run", {"request": req},
                                 lambda s, now: _run(s, ctx, req, now))

    def demand(self, tenant_id: int, sku: str | None, warehouse: str | None, offset: int,
               limit: int) -> tuple[list[dict[str, Any]], int]:
        """Recorded demand, newest day first, optionally of one SKU or warehouse."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = (select(DemandRecord).join(Item, Item.id == DemandRecord.item_id)
                    .join(Warehouse, Warehouse.id == DemandRecord.warehouse_id))
            if sku:
                stmt = stmt.where(Item.sku == sku)
            if warehouse:
                stmt = stmt.where(Warehouse.code == warehouse)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(DemandRecord.day.desc(), Item.sku, Warehouse.code)
                             .offset(offset).limit(limit))
            return [_demand_view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)

    def runs(self, tenant_id: int, sku: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Forecast runs, newest first, optionally of one SKU."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(ForecastRun).join(Item, Item.id == ForecastRun.item_id)
            if sku:
                stmt = stmt.where(Item.sku == sku)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(ForecastRun.id.desc()).offset(offset).limit(limit))
            return [run_view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
