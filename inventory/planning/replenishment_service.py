"""Replenishment in the database: policies per SKU × warehouse (typed in, or computed from
the ledger's shipments), suggestions for SKUs at or below their reorder point, and draft
purchase orders made from them through the purchase order service."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.commands import CommandContext
from inventory.documents.models import PurchaseOrder, PurchaseOrderLine
from inventory.documents.purchase_order_service import (
    NewPurchaseLine,
    NewPurchaseOrder,
    create_draft,
)
from inventory.documents.runner import DocumentRunner
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, LedgerEntry, StockBalance, Warehouse
from inventory.planning import replenishment as rp
from inventory.planning.errors import InvalidPlanningInput
from inventory.planning.models import ReplenishmentPolicy, ReplenishmentSuggestion

_ZERO = Decimal("0.000")
#: Purchase orders whose open quantity still counts as on its way.
_OPEN_PO = ("draft", "approved", "partially_received")


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySetting:
    """A replenishment policy as typed in (static levels, or how to compute them)."""

    sku: str
    warehouse: str
    mode: Literal["static", "computed"]
    supplier: str
    lead_time_days: int
    service_level_pct: Decimal = Decimal("95")
    lookback_days: int = 28
    safety_stock: Decimal = _ZERO
    reorder_point: Decimal = _ZERO
    order_up_to: Decimal | None = None
    unit_price: Decimal = Decimal("0.00")


def shipped_history(session: Session, item_id: int, warehouse_id: int, now: datetime,
                    days: int) -> list[tuple[datetime, Decimal]]:
    """Shipments of the SKU out of the warehouse in the window, from the ledger."""
    rows = session.execute(select(LedgerEntry.created_at, LedgerEntry.qty).where(
        LedgerEntry.item_id == item_id, LedgerEntry.warehouse_id == warehouse_id,
        LedgerEntry.reason == "shipment", LedgerEntry.bucket == "on_hand",
        LedgerEntry.created_at >= now - timedelta(days=days), LedgerEntry.created_at < now))
    return [(at, -qty) for at, qty in rows]


def _compute(session: Session, policy: ReplenishmentPolicy, now: datetime) -> None:
    series = rp.daily_series(shipped_history(session, policy.item_id, policy.warehouse_id,
                                             now, policy.lookback_days),
                             now, policy.lookback_days)
    found = rp.levels(series, policy.lead_time_days, policy.service_level_pct)
    policy.safety_stock, policy.reorder_point = found.safety_stock, found.reorder_point
    policy.mean_daily_demand, policy.demand_stdev = found.mean_daily_demand, found.demand_stdev
    policy.computed_at = now


def _position(session: Session, policy: ReplenishmentPolicy) -> Decimal:
    """Available now plus what open purchase orders still bring."""
    balance = session.scalar(select(StockBalance).where(
        StockBalance.item_id == policy.item_id, StockBalance.warehouse_id == policy.warehouse_id))
    available = _ZERO if balance is None else balance.on_hand - balance.reserved
    open_lines = session.execute(
        select(PurchaseOrderLine.qty, PurchaseOrderLine.received_qty)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrderLine.item_id == policy.item_id,
               PurchaseOrder.warehouse_id == policy.warehouse_id,
               PurchaseOrder.status.in_(_OPEN_PO))).all()
    return available + sum((qty - received for qty, received in open_lines), _ZERO)


def _policy_view(session: Session, p: ReplenishmentPolicy) -> dict[str, Any]:
    def s(v: Decimal | None) -> str | None:
        return None if v is None else str(v)
    return {"sku": session.get_one(Item, p.item_id).sku,
            "warehouse": session.get_one(Warehouse, p.warehouse_id).code, "mode": p.mode,
            "supplier": p.supplier, "lead_time_days": p.lead_time_days,
            "service_level_pct": str(p.service_level_pct), "lookback_days": p.lookback_days,
            "safety_stock": str(p.safety_stock), "reorder_point": str(p.reorder_point),
            "order_up_to": s(p.order_up_to), "unit_price": str(p.unit_price),
            "mean_daily_demand": s(p.mean_daily_demand), "demand_stdev": s(p.demand_stdev),
            "computed_at": p.computed_at.isoformat() if p.computed_at else None}


def _suggestion_view(session: Session, row: ReplenishmentSuggestion) -> dict[str, Any]:
    policy = session.get_one(ReplenishmentPolicy, row.policy_id)
    return {"id": row.id, "sku": session.get_one(Item, policy.item_id).sku,
            "warehouse": session.get_one(Warehouse, policy.warehouse_id).code,
            "supplier": policy.supplier, "position": str(row.position),
            "reorder_point": str(row.reorder_point), "safety_stock": str(row.safety_stock),
            "suggested_qty": str(row.suggested_qty), "status": row.status,
            "purchase_order_no": row.purchase_order_no,
            "created_at": row.created_at.isoformat()}


def policy_of(session: Session, tenant_id: int, item_id: int, warehouse_id: int
              ) -> ReplenishmentPolicy:
    """The policy of a SKU × warehouse; a new (unsaved-until-flush) one if it has none."""
    policy = session.scalar(select(ReplenishmentPolicy).where(
        ReplenishmentPolicy.item_id == item_id, ReplenishmentPolicy.warehouse_id == warehouse_id))
    if policy is None:
        policy = ReplenishmentPolicy(tenant_id=tenant_id, item_id=item_id,
                                     warehouse_id=warehouse_id)
        session.add(policy)
    return policy


def _set_policy(session: Session, ctx: CommandContext, new: PolicySetting, now: datetime
                ) -> dict[str, Any]:
    if new.lead_time_days < 1 or new.lookback_days < 2:
        raise InvalidPlanningInput(field="lead_time_days/lookback_days",
                                   reason="lead time ≥ 1 day and look-back ≥ 2 days",
                                   reason_zh="提前期至少 1 天，回看至少 2 天")
    if not 0 < new.service_level_pct < 100:
        raise InvalidPlanningInput(field="service_level_pct", reason="must be in (0, 100)",
                                   reason_zh="须在 0 到 100 之间（不含）")
    item, warehouse = item_by_sku(session, new.sku), warehouse_by_code(session, new.warehouse)
    policy = policy_of(session, ctx.tenant_id, item.id, warehouse.id)
    for name in ("mode", "supplier", "lead_time_days", "service_level_pct", "lookback_days",
                 "safety_stock", "reorder_point", "order_up_to", "unit_price"):
        setattr(policy, name, getattr(new, name))
    policy.mean_daily_demand = policy.demand_stdev = policy.computed_at = None
    policy.updated_at = now
    if new.mode == "computed":
        _compute(session, policy, now)
    session.flush()
    return _policy_view(session, policy)


def suggest_orders(session: Session, ctx: CommandContext, now: datetime) -> dict[str, Any]:
    """Suggest an order for every policy whose SKU is at or below its reorder point."""
    found = []
    for policy in session.scalars(select(ReplenishmentPolicy).order_by(ReplenishmentPolicy.id)):
        if policy.mode == "computed":
            _compute(session, policy, now)
        position = _position(session, policy)
        up_to = policy.order_up_to if policy.order_up_to is not None else \
            policy.reorder_point + (policy.mean_daily_demand or _ZERO) * policy.lead_time_days
        qty = rp.order_qty(position, policy.reorder_point, up_to)
        open_row = session.scalar(select(ReplenishmentSuggestion).where(
            ReplenishmentSuggestion.policy_id == policy.id,
            ReplenishmentSuggestion.status == "open"))
        if qty <= 0:
            if open_row is not None:  # no longer needed: stock arrived since
                session.delete(open_row)
            continue
        row = open_row or ReplenishmentSuggestion(tenant_id=ctx.tenant_id, policy_id=policy.id,
                                                  status="open", created_at=now)
        row.position, row.reorder_point, row.safety_stock = (position, policy.reorder_point,
                                                             policy.safety_stock)
        row.suggested_qty = qty
        session.add(row)
        session.flush()
        found.append(_suggestion_view(session, row))
    return {"suggestions": found}


def draft_purchase_orders(session: Session, ctx: CommandContext, now: datetime,
                          policy_ids: frozenset[int] | None = None) -> dict[str, Any]:
    """Turn open suggestions (of ``policy_ids`` only, if given) into draft purchase orders,
    one per supplier × warehouse."""
    groups: dict[tuple[str, int], list[tuple[ReplenishmentSuggestion, ReplenishmentPolicy]]] = \
        defaultdict(list)
    stmt = (select(ReplenishmentSuggestion, ReplenishmentPolicy)
            .join(ReplenishmentPolicy, ReplenishmentPolicy.id == ReplenishmentSuggestion.policy_id)
            .where(ReplenishmentSuggestion.status == "open").order_by(ReplenishmentSuggestion.id))
    if policy_ids is not None:
        stmt = stmt.where(ReplenishmentPolicy.id.in_(policy_ids))
    for row, policy in session.execute(stmt):
        groups[(policy.supplier, policy.warehouse_id)].append((row, policy))
    orders = []
    for (supplier, warehouse_id), members in sorted(groups.items()):
        order = create_draft(session, ctx, NewPurchaseOrder(
            supplier=supplier, warehouse=session.get_one(Warehouse, warehouse_id).code,
            note="replenishment", lines=tuple(NewPurchaseLine(
                sku=session.get_one(Item, p.item_id).sku, qty=row.suggested_qty,
                unit_price=p.unit_price) for row, p in members)), now)
        for row, _policy in members:
            row.status, row.purchase_order_no = "ordered", order["no"]
        session.flush()
        orders.append(order)
    return {"purchase_orders": orders}


class ReplenishmentService:
    """Replenishment policies, suggestions and the draft purchase orders they become."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def set_policy(self, ctx: CommandContext, new: PolicySetting) -> dict[str, Any]:
        """Create or change the policy of a SKU × warehouse (a computed one is computed now).

        Raises:
            UnknownItem, UnknownWarehouse: names not in the tenant.
            InvalidPlanningInput: lead time, look-back or service level out of range.
        """
        return self.runner.write(ctx, "replenishment.policy", {"new": new},
                                 lambda s, now: _set_policy(s, ctx, new, now))

    def suggest(self, ctx: CommandContext) -> dict[str, Any]:
        """Recompute computed policies and suggest orders for SKUs at or below their ROP."""
        return self.runner.write(ctx, "replenishment.suggest", {},
                                 lambda s, now: suggest_orders(s, ctx, now))

    def draft_orders(self, ctx: CommandContext) -> dict[str, Any]:
        """Turn open suggestions into draft purchase orders, one per supplier × warehouse."""
        return self.runner.write(ctx, "replenishment.draft_orders", {},
                                 lambda s, now: draft_purchase_orders(s, ctx, now))

    def policies(self, tenant_id: int, warehouse: str | None, sku: str | None, offset: int,
                 limit: int) -> tuple[list[dict[str, Any]], int]:
        """Policies, optionally of one warehouse or SKU."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = (select(ReplenishmentPolicy)
                    .join(Item, Item.id == ReplenishmentPolicy.item_id)
                    .join(Warehouse, Warehouse.id == ReplenishmentPolicy.warehouse_id))
            if warehouse:
                stmt = stmt.where(Warehouse.code == warehouse)
            if sku:
                stmt = stmt.where(Item.sku == sku)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(Warehouse.code, Item.sku).offset(offset).limit(limit))
            return [_policy_view(s, p) for p in rows], total
        return self.runner.read(tenant_id, work)

    def suggestions(self, tenant_id: int, status: str | None, offset: int, limit: int
                    ) -> tuple[list[dict[str, Any]], int]:
        """Suggestions, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(ReplenishmentSuggestion)
            if status:
                stmt = stmt.where(ReplenishmentSuggestion.status == status)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(ReplenishmentSuggestion.id.desc()).offset(offset)
                             .limit(limit))
            return [_suggestion_view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
