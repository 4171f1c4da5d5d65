"""Stocktakes in the database: create (all SKUs, selected ones, or a seeded random blind
check), count (blind), close, reopen, post (variances → an adjustment), cancel.

Blind: the system quantity is taken when the stocktake is created and kept on its lines,
but no counting answer ever carries it; :meth:`StocktakeService.variances` shows it only
once counting is closed. Posting adjusts by counted − system (the delta at the moment
the count stands for), through an adjustment document that names the stocktake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.commands import CommandContext, checked_qty
from inventory.documents import adjustment as ad
from inventory.documents import stocktake as st
from inventory.documents.adjustment_service import (
    NewAdjustment,
    NewAdjustmentLine,
    create_draft,
    submit_draft,
)
from inventory.documents.errors import (
    EmptyDocument,
    NotCounted,
    PhotoRequired,
    StocktakeStillBlind,
    UnknownLine,
    document_context,
)
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import when as _t
from inventory.documents.warehouse_models import Stocktake, StocktakeLine
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, StockBalance, Warehouse

Status, Action, Scope = st.StocktakeStatus, st.StocktakeAction, st.StocktakeScope


@dataclass(frozen=True, slots=True, kw_only=True)
class NewStocktake:
    """A count of one warehouse: all SKUs, the ``skus`` named, or a random blind check."""

    warehouse: str
    scope: st.StocktakeScope = st.StocktakeScope.ALL
    skus: Sequence[str] = field(default_factory=tuple)
    sample_size: int = 0
    #: The randomness of a blind check, passed in so that a draw can be reproduced.
    seed: int = 0
    no: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Count:
    """What a counter found of one SKU (zero is a count too)."""

    sku: str
    counted_qty: Decimal


def _lines(session: Session, doc: Stocktake) -> list[tuple[StocktakeLine, Item]]:
    return [(line, item) for line, item in session.execute(
        select(StocktakeLine, Item).join(Item, Item.id == StocktakeLine.item_id)
        .where(StocktakeLine.stocktake_id == doc.id).order_by(StocktakeLine.line_no)
        .execution_options(populate_existing=True))]


def blind_view(session: Session, doc: Stocktake) -> dict[str, Any]:
    """A stocktake as counters see it: what was counted, never the system quantity."""
    return {
        "no": doc.no, "status": doc.status, "scope": doc.scope,
        "warehouse": session.get_one(Warehouse, doc.warehouse_id).code, "note": doc.note,
        "created_by": doc.created_by, "adjustment_no": doc.adjustment_no,
        "posted_at": _t(doc.posted_at), "created_at": _t(doc.created_at),
        "updated_at": _t(doc.updated_at),
        "lines": [{"line_no": line.line_no, "sku": item.sku,
                   "counted_qty": None if line.counted_qty is None else str(line.counted_qty),
                   "counted_by": line.counted_by, "counted_at": _t(line.counted_at)}
                  for line, item in _lines(session, doc)],
    }


def variance_view(session: Session, doc: Stocktake) -> dict[str, Any]:
    """System, counted, variance and count-variance rate per SKU and for the whole count.

    Raises:
        StocktakeStillBlind: counting is still going on.
    """
    if doc.status == Status.COUNTING.value:
        raise StocktakeStillBlind(no=doc.no)
    lines = []
    pairs = []
    for line, item in _lines(session, doc):
        counted = line.counted_qty if line.counted_qty is not None else line.system_qty
        pairs.append((line.system_qty, counted))
        rate = (st.from_ppm(line.variance_rate_ppm) if line.variance_rate_ppm is not None
                else st.from_ppm(st.to_ppm(st.variance_rate(line.system_qty, counted))))
        lines.append({"line_no": line.line_no, "sku": item.sku,
                      "system_qty": str(line.system_qty), "counted_qty": str(counted),
                      "variance": str(counted - line.system_qty), "variance_rate": rate})
    total = (st.from_ppm(doc.variance_rate_ppm) if doc.variance_rate_ppm is not None
             else st.from_ppm(st.to_ppm(st.total_variance_rate(pairs))))
    return {"no": doc.no, "status": doc.status, "variance_rate": total,
            "adjustment_no": doc.adjustment_no, "lines": lines}


def _base(session: Session, ctx: CommandContext, doc: Stocktake, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": doc.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
            "scope": doc.scope}


def _chosen(session: Session, warehouse: Warehouse, new: NewStocktake) -> list[Item]:
    if new.scope is Scope.SELECTED:
        return sorted({item_by_sku(session, sku).id: item_by_sku(session, sku)
                       for sku in new.skus}.values(), key=lambda i: i.sku)
    stocked = list(session.scalars(
        select(Item).join(StockBalance, StockBalance.item_id == Item.id)
        .where(StockBalance.warehouse_id == warehouse.id).order_by(Item.sku)))
    if new.scope is Scope.ALL:
        return stocked
    drawn = set(st.blind_check_sample([i.sku for i in stocked], new.sample_size, new.seed))
    return [i for i in stocked if i.sku in drawn]


def _create(session: Session, ctx: CommandContext, new: NewStocktake, now: datetime
            ) -> dict[str, Any]:
    warehouse = warehouse_by_code(session, new.warehouse)
    items = _chosen(session, warehouse, new)
    if not items:
        raise EmptyDocument(**document_context(st.DOCUMENT))
    doc = Stocktake(tenant_id=ctx.tenant_id, warehouse_id=warehouse.id,
                    status=Status.COUNTING.value, scope=new.scope.value, note=new.note,
                    created_by=ctx.actor, created_at=now, updated_at=now)
    insert_header(session, doc, st.DOCUMENT, "ST", new.no, now)
    on_hand = {item_id: qty for item_id, qty in session.execute(
        select(StockBalance.item_id, StockBalance.on_hand)
        .where(StockBalance.warehouse_id == warehouse.id,
               StockBalance.item_id.in_([i.id for i in items])))}
    for number, item in enumerate(items, start=1):
        session.add(StocktakeLine(tenant_id=ctx.tenant_id, stocktake_id=doc.id, line_no=number,
                                  item_id=item.id,
                                  system_qty=on_hand.get(item.id, Decimal("0.000")),
                                  counted_by=""))
    session.flush()
    return blind_view(session, doc)


def _counted(value: Decimal) -> Decimal:
    return Decimal("0.000") if Decimal(str(value)) == 0 else checked_qty(value)


def _count(session: Session, ctx: CommandContext, no: str, counts: Sequence[Count],
           now: datetime) -> dict[str, Any]:
    doc = find(session, Stocktake, st.DOCUMENT, no)
    old, new = advance(session, doc, Status, st.transition, Action.COUNT, now)
    by_sku = {item.sku: line for line, item in _lines(session, doc)}
    recorded = []
    for count in counts:
        line = by_sku.get(count.sku)
        if line is None:
            raise UnknownLine(no=doc.no, line_no=count.sku, **document_context(st.DOCUMENT))
        line.counted_qty, line.counted_by, line.counted_at = _counted(count.counted_qty), \
            ctx.actor, now
        recorded.append({"sku": count.sku, "counted_qty": str(line.counted_qty)})
    session.flush()
    payload = {**_base(session, ctx, doc, old, new), "type": "stocktake.counted",
               "counts": recorded}
    event_id = emit(session, ctx, f"stocktake:{doc.no}", payload, now)
    return {**blind_view(session, doc), "event_id": event_id}


def _step(session: Session, ctx: CommandContext, no: str, action: st.StocktakeAction,
          now: datetime) -> dict[str, Any]:
    """Close, reopen or cancel: a status move and its event, no stock."""
    doc = find(session, Stocktake, st.DOCUMENT, no)
    old, new = advance(session, doc, Status, st.transition, action, now)
    if action is Action.CLOSE:
        missing = [item.sku for line, item in _lines(session, doc) if line.counted_qty is None]
        if missing:
            raise NotCounted(no=doc.no, missing=len(missing), skus=", ".join(missing[:10]))
    payload = {**_base(session, ctx, doc, old, new), "type": st.EVENTS[action]}
    event_id = emit(session, ctx, f"stocktake:{doc.no}", payload, now)
    return {**blind_view(session, doc), "event_id": event_id}


def _post(session: Session, ctx: CommandContext, no: str, photo_refs: Sequence[str],
          threshold: ad.ApprovalThreshold, now: datetime) -> dict[str, Any]:
    doc = find(session, Stocktake, st.DOCUMENT, no)
    old, new = advance(session, doc, Status, st.transition, Action.POST, now)
    if not [r for r in photo_refs if r.strip()]:
        raise PhotoRequired()
    pairs, lines, result_lines = [], [], []
    for line, item in _lines(session, doc):
        counted = line.counted_qty if line.counted_qty is not None else line.system_qty
        rate = st.variance_rate(line.system_qty, counted)
        line.variance_rate_ppm = st.to_ppm(rate)
        pairs.append((line.system_qty, counted))
        if counted != line.system_qty:
            lines.append(NewAdjustmentLine(sku=item.sku, qty=counted - line.system_qty))
        result_lines.append({"sku": item.sku, "system_qty": str(line.system_qty),
                             "counted_qty": str(counted),
                             "variance": str(counted - line.system_qty),
                             "variance_rate": st.from_ppm(line.variance_rate_ppm)})
    doc.variance_rate_ppm = st.to_ppm(st.total_variance_rate(pairs))
    doc.posted_at = now
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    if lines:
        adjustment = create_draft(session, ctx, NewAdjustment(
            warehouse=warehouse.code, reason=ad.AdjustmentReason.STOCKTAKE,
            photo_refs=photo_refs, lines=lines, stocktake_no=doc.no,
            note=f"variances of stocktake {doc.no}"), now)
        doc.adjustment_no = adjustment.no
        submit_draft(session, ctx, adjustment, threshold, now)
    session.flush()
    payload: st.StocktakePosted = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "stocktake.posted", "variance_rate": st.from_ppm(doc.variance_rate_ppm),
        "adjustment_no": doc.adjustment_no, "lines": result_lines}
    event_id = emit(session, ctx, f"stocktake:{doc.no}", payload, now)
    return {**blind_view(session, doc), "event_id": event_id,
            "variance_rate": st.from_ppm(doc.variance_rate_ppm)}


class StocktakeService:
    """Stocktake actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner, threshold: ad.ApprovalThreshold) -> None:
        self.runner = runner
        self.threshold = threshold

    def create(self, ctx: CommandContext, new: NewStocktake) -> dict[str, Any]:
        """Open a count of a warehouse; each line keeps the system quantity of this moment.

        Raises:
            UnknownWarehouse, UnknownItem: names not in the tenant.
            EmptyDocument: nothing to count.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "stocktake.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def count(self, ctx: CommandContext, no: str, counts: Sequence[Count]) -> dict[str, Any]:
        """Record counted quantities; the answer never shows the system quantity.

        Raises:
            UnknownDocument, InvalidTransition: no such stocktake, or counting closed.
            UnknownLine, InvalidQuantity: a SKU not on the count, or a bad quantity.
        """
        return self.runner.write(ctx, "stocktake.count", {"no": no, "counts": counts},
                                 lambda s, now: _count(s, ctx, no, counts, now))

    def close(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Stop counting (every line must be counted); variances become visible.

        Raises:
            UnknownDocument, InvalidTransition: no such stocktake, or not counting.
            NotCounted: lines without a count.
        """
        return self.runner.write(ctx, "stocktake.close", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.CLOSE, now))

    def reopen(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Count again.

        Raises:
            UnknownDocument, InvalidTransition: no such stocktake, or not closed.
        """
        return self.runner.write(ctx, "stocktake.reopen", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.REOPEN, now))

    def post(self, ctx: CommandContext, no: str, photo_refs: Sequence[str]) -> dict[str, Any]:
        """Store the variance rates and turn the variances into an adjustment.

        The adjustment posts at once within the approval threshold; above it, it waits
        for a second user like any other adjustment.

        Raises:
            UnknownDocument, InvalidTransition: no such stocktake, or not closed.
            PhotoRequired: no photo of the count sheets.
            InsufficientStock: a loss larger than what is available now.
        """
        return self.runner.write(ctx, "stocktake.post", {"no": no, "photos": photo_refs},
                                 lambda s, now: _post(s, ctx, no, photo_refs, self.threshold,
                                                      now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon the count; stock is unchanged.

        Raises:
            UnknownDocument, InvalidTransition: no such stocktake, or already posted.
        """
        return self.runner.write(ctx, "stocktake.cancel", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.CANCEL, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One stocktake, blind.

        Raises:
            UnknownDocument: no such stocktake in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: blind_view(
            s, find(s, Stocktake, st.DOCUMENT, no)))

    def variances(self, tenant_id: int, no: str) -> dict[str, Any]:
        """System and counted quantities, variances and rates (after counting is closed).

        Raises:
            UnknownDocument: no such stocktake in the tenant.
            StocktakeStillBlind: counting is still going on.
        """
        return self.runner.read(tenant_id, lambda s: variance_view(
            s, find(s, Stocktake, st.DOCUMENT, no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Stocktakes, newest first, optionally of one status (blind)."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, Stocktake, status, offset, limit)
            return [blind_view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
