"""Adjustments in the database: create (reason + photos), submit (posts at once within the
threshold, else waits for a second user), approve, reject, cancel.

Posting runs the core's adjust command per line, so every ledger row names the
adjustment (and, in its note, the stocktake that produced it, if any).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import movements
from inventory.commands import AdjustStock, CommandContext, DocumentRef, checked_qty
from inventory.documents import adjustment as ad
from inventory.documents.errors import (
    EmptyDocument,
    PhotoRequired,
    SecondApproverRequired,
    document_context,
)
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import when as _t
from inventory.documents.warehouse_models import Adjustment, AdjustmentLine
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse

Status, Action = ad.AdjustmentStatus, ad.AdjustmentAction


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAdjustmentLine:
    """One SKU corrected by a signed quantity."""

    sku: str
    qty: Decimal
    unit_cost: Decimal = Decimal("0.00")
    lot_no: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAdjustment:
    """What it takes to write an adjustment: a reason from the list and photo evidence."""

    warehouse: str
    reason: ad.AdjustmentReason
    photo_refs: Sequence[str]
    lines: Sequence[NewAdjustmentLine] = field(default_factory=tuple)
    no: str | None = None
    note: str = ""
    stocktake_no: str | None = None


def _lines(session: Session, doc: Adjustment) -> list[tuple[AdjustmentLine, Item]]:
    return [(line, item) for line, item in session.execute(
        select(AdjustmentLine, Item).join(Item, Item.id == AdjustmentLine.item_id)
        .where(AdjustmentLine.adjustment_id == doc.id).order_by(AdjustmentLine.line_no)
        .execution_options(populate_existing=True))]


def _line_payload(session: Session, doc: Adjustment) -> list[ad.AdjustmentLinePayload]:
    return [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
             "unit_cost": str(line.unit_cost)} for line, item in _lines(session, doc)]


def view(session: Session, doc: Adjustment) -> dict[str, Any]:
    """An adjustment as the API shows it (JSON-ready)."""
    return {
        "no": doc.no, "status": doc.status, "reason": doc.reason,
        "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
        "photo_count": doc.photo_count, "photo_refs": list(doc.photo_refs or []),
        "stocktake_no": doc.stocktake_no, "is_above_threshold": doc.is_above_threshold,
        "created_by": doc.created_by, "approved_by": doc.approved_by, "note": doc.note,
        "posted_at": _t(doc.posted_at), "created_at": _t(doc.created_at),
        "updated_at": _t(doc.updated_at),
        "lines": [{**x, "lot_no": line.lot_no}
                  for x, (line, _) in zip(_line_payload(session, doc), _lines(session, doc),
                                          strict=True)],
    }


def _base(session: Session, ctx: CommandContext, doc: Adjustment, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": doc.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
            "reason": doc.reason, "photo_count": doc.photo_count,
            "stocktake_no": doc.stocktake_no, "created_by": doc.created_by}


def create_draft(session: Session, ctx: CommandContext, new: NewAdjustment, now: datetime
                 ) -> Adjustment:
    """Insert a draft adjustment (the stocktake service calls this in its own transaction).

    Raises:
        PhotoRequired, EmptyDocument, InvalidQuantity: no photo, no lines, a zero quantity.
        UnknownItem, UnknownWarehouse: names not in the tenant.
    """
    refs = [r for r in new.photo_refs if r.strip()]
    if not refs:
        raise PhotoRequired()
    if not new.lines:
        raise EmptyDocument(**document_context(ad.DOCUMENT))
    warehouse = warehouse_by_code(session, new.warehouse)
    doc = Adjustment(tenant_id=ctx.tenant_id, warehouse_id=warehouse.id,
                     status=Status.DRAFT.value, reason=ad.AdjustmentReason(new.reason).value,
                     photo_count=len(refs), photo_refs=refs, stocktake_no=new.stocktake_no,
                     is_above_threshold=False, created_by=ctx.actor, approved_by="",
                     note=new.note, created_at=now, updated_at=now)
    insert_header(session, doc, ad.DOCUMENT, "ADJ", new.no, now)
    for number, line in enumerate(new.lines, start=1):
        session.add(AdjustmentLine(
            tenant_id=ctx.tenant_id, adjustment_id=doc.id, line_no=number,
            item_id=item_by_sku(session, line.sku).id,
            qty=checked_qty(line.qty, signed=True), unit_cost=line.unit_cost,
            lot_no=line.lot_no))
    session.flush()
    return doc


def _apply(session: Session, ctx: CommandContext, doc: Adjustment, now: datetime) -> None:
    """Post every line through the core's adjust command (SKUs in ascending item id)."""
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    document = DocumentRef(type=ad.DOCUMENT, ref=doc.no)
    why = doc.reason + (f" (stocktake {doc.stocktake_no})" if doc.stocktake_no else "")
    for line, item in sorted(_lines(session, doc), key=lambda t: (t[1].id, t[0].line_no)):
        movements.adjust(session, ctx, AdjustStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty, reason=why,
            lot_no=line.lot_no, document=document), now)
    doc.posted_at = now


def submit_draft(session: Session, ctx: CommandContext, doc: Adjustment,
                 threshold: ad.ApprovalThreshold, now: datetime) -> str:
    """Post the draft when it is within ``threshold``, else send it for approval.

    Returns the id of the event emitted.

    Raises:
        InvalidTransition: not a draft.
        InsufficientStock, InsufficientLotStock: a decrease larger than available.
    """
    lines = [(line.qty, line.unit_cost) for line, _ in _lines(session, doc)]
    above = ad.needs_approval(threshold, lines)
    action = Action.SUBMIT if above else Action.POST
    old, new = advance(session, doc, Status, ad.transition, action, now)
    doc.is_above_threshold = above
    if not above:
        _apply(session, ctx, doc, now)
    session.flush()
    payload = {**_base(session, ctx, doc, old, new), "type": ad.EVENTS[action],
               "lines": _line_payload(session, doc)}
    if not above:
        payload["approved_by"] = ""
    return emit(session, ctx, f"adjustment:{doc.no}", payload, now)


def _submit(session: Session, ctx: CommandContext, no: str, threshold: ad.ApprovalThreshold,
            now: datetime) -> dict[str, Any]:
    doc = find(session, Adjustment, ad.DOCUMENT, no)
    event_id = submit_draft(session, ctx, doc, threshold, now)
    return {**view(session, doc), "event_id": event_id}


def _decide(session: Session, ctx: CommandContext, no: str, action: ad.AdjustmentAction,
            note: str, now: datetime) -> dict[str, Any]:
    """Approve (post) or reject, as a user other than the creator."""
    doc = find(session, Adjustment, ad.DOCUMENT, no)
    old, new = advance(session, doc, Status, ad.transition, action, now)
    if ctx.actor == doc.created_by:
        raise SecondApproverRequired(no=doc.no, creator=doc.created_by)
    doc.approved_by = ctx.actor
    payload = {**_base(session, ctx, doc, old, new), "type": ad.EVENTS[action]}
    if action is Action.APPROVE:
        _apply(session, ctx, doc, now)
        payload.update(approved_by=ctx.actor, lines=_line_payload(session, doc))
    else:
        payload["reason_text"] = note
    session.flush()
    event_id = emit(session, ctx, f"adjustment:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _cancel(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, Adjustment, ad.DOCUMENT, no)
    old, new = advance(session, doc, Status, ad.transition, Action.CANCEL, now)
    payload = {**_base(session, ctx, doc, old, new), "type": "adjustment.cancelled"}
    event_id = emit(session, ctx, f"adjustment:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


class AdjustmentService:
    """Adjustment actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner, threshold: ad.ApprovalThreshold) -> None:
        self.runner = runner
        self.threshold = threshold

    def create(self, ctx: CommandContext, new: NewAdjustment) -> dict[str, Any]:
        """Write a draft adjustment.

        Raises:
            PhotoRequired, EmptyDocument, InvalidQuantity: no photo, no lines, zero qty.
            UnknownItem, UnknownWarehouse: names not in the tenant.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "adjustment.create", {"new": new},
                                 lambda s, now: view(s, create_draft(s, ctx, new, now)))

    def submit(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Post it now if within the threshold, else send it to a second user for approval.

        Raises:
            UnknownDocument, InvalidTransition: no such adjustment, or not a draft.
            InsufficientStock, InsufficientLotStock: a decrease larger than available.
        """
        return self.runner.write(ctx, "adjustment.submit", {"no": no},
                                 lambda s, now: _submit(s, ctx, no, self.threshold, now))

    def approve(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """A second user approves: the correction is posted.

        Raises:
            UnknownDocument, InvalidTransition: no such adjustment, or not awaiting approval.
            SecondApproverRequired: the caller created it.
            InsufficientStock, InsufficientLotStock: a decrease larger than available.
        """
        return self.runner.write(ctx, "adjustment.approve", {"no": no},
                                 lambda s, now: _decide(s, ctx, no, Action.APPROVE, "", now))

    def reject(self, ctx: CommandContext, no: str, note: str) -> dict[str, Any]:
        """A second user refuses it; stock is unchanged.

        Raises:
            UnknownDocument, InvalidTransition: no such adjustment, or not awaiting approval.
            SecondApproverRequired: the caller created it.
        """
        return self.runner.write(ctx, "adjustment.reject", {"no": no, "note": note},
                                 lambda s, now: _decide(s, ctx, no, Action.REJECT, note, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Withdraw a draft or an adjustment awaiting approval.

        Raises:
            UnknownDocument, InvalidTransition: no such adjustment, or already decided.
        """
        return self.runner.write(ctx, "adjustment.cancel", {"no": no},
                                 lambda s, now: _cancel(s, ctx, no, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One adjustment.

        Raises:
            UnknownDocument: no such adjustment in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(s, find(s, Adjustment, ad.DOCUMENT,
                                                                  no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Adjustments, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, Adjustment, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
