"""Transfers in the database: create, dispatch (source → its transit location), receive
(transit → destination), return (transit → source), cancel.

Goods in transit are on hand in the source's transit location (a warehouse of kind
``transit``, made on first use), so balances, lists and counts show them. Every leg is
the core's transfer command, so each ledger row names the transfer.
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
from inventory.catalog import create_warehouse
from inventory.commands import CommandContext, DocumentRef, TransferStock, checked_qty
from inventory.documents import transfer as tr
from inventory.documents.errors import EmptyDocument
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import when as _t
from inventory.documents.warehouse_models import Transfer, TransferLine
from inventory.errors import SameWarehouseTransfer
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse
from kernel.errors import Conflict

Status, Action = tr.TransferStatus, tr.TransferAction


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTransferLine:
    """One SKU to move (from a named lot, else first-expiry-first-out)."""

    sku: str
    qty: Decimal
    lot_no: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTransfer:
    """What it takes to write a transfer."""

    from_warehouse: str
    to_warehouse: str
    lines: Sequence[NewTransferLine] = field(default_factory=tuple)
    no: str | None = None
    note: str = ""


def transit_code(source: Warehouse) -> str:
    """The code of a warehouse's transit location (在途)."""
    code = f"{source.code}-TRANSIT"
    return code if len(code) <= 40 else f"TRANSIT-{source.id}"


def transit_location(session: Session, ctx: CommandContext, source: Warehouse, now: datetime
                     ) -> Warehouse:
    """The source's transit location, created on first use."""
    code = transit_code(source)
    found = session.scalar(select(Warehouse).where(Warehouse.code == code))
    if found is not None:
        return found
    try:
        return create_warehouse(session, ctx.tenant_id, code, f"{source.name_zh}在途",
                                f"{source.name_en or source.code} in transit", "transit", now)
    except Conflict:  # created by a concurrent dispatch a moment ago
        return session.scalars(select(Warehouse).where(Warehouse.code == code)).one()


def _lines(session: Session, doc: Transfer) -> list[tuple[TransferLine, Item]]:
    return [(line, item) for line, item in session.execute(
        select(TransferLine, Item).join(Item, Item.id == TransferLine.item_id)
        .where(TransferLine.transfer_id == doc.id).order_by(TransferLine.line_no)
        .execution_options(populate_existing=True))]


def _code(session: Session, warehouse_id: int | None) -> str | None:
    return None if warehouse_id is None else session.get_one(Warehouse, warehouse_id).code


def view(session: Session, doc: Transfer) -> dict[str, Any]:
    """A transfer as the API shows it (JSON-ready)."""
    return {
        "no": doc.no, "status": doc.status,
        "from_warehouse": _code(session, doc.from_warehouse_id),
        "to_warehouse": _code(session, doc.to_warehouse_id),
        "transit_warehouse": _code(session, doc.transit_warehouse_id), "note": doc.note,
        "dispatched_at": _t(doc.dispatched_at), "received_at": _t(doc.received_at),
        "created_at": _t(doc.created_at), "updated_at": _t(doc.updated_at),
        "lines": [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
                   "lot_no": line.lot_no, "lots": [list(x) for x in line.lots or []]}
                  for line, item in _lines(session, doc)],
    }


def _base(session: Session, ctx: CommandContext, doc: Transfer, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": doc.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "from_warehouse": _code(session, doc.from_warehouse_id),
            "to_warehouse": _code(session, doc.to_warehouse_id),
            "transit_warehouse": _code(session, doc.transit_warehouse_id)}


def _payload_lines(session: Session, doc: Transfer) -> list[tr.TransferLinePayload]:
    return [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
             "lots": [list(x) for x in line.lots or []]} for line, item in _lines(session, doc)]


def _create(session: Session, ctx: CommandContext, new: NewTransfer, now: datetime
            ) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(document=tr.DOCUMENT, document_zh="调拨单")
    if new.from_warehouse == new.to_warehouse:
        raise SameWarehouseTransfer(warehouse=new.from_warehouse)
    source = warehouse_by_code(session, new.from_warehouse)
    target = warehouse_by_code(session, new.to_warehouse)
    doc = Transfer(tenant_id=ctx.tenant_id, from_warehouse_id=source.id,
                   to_warehouse_id=target.id, status=Status.DRAFT.value, note=new.note,
                   created_at=now, updated_at=now)
    insert_header(session, doc, tr.DOCUMENT, "TR", new.no, now)
    for number, line in enumerate(new.lines, start=1):
        session.add(TransferLine(tenant_id=ctx.tenant_id, transfer_id=doc.id, line_no=number,
                                 item_id=item_by_sku(session, line.sku).id,
                                 qty=checked_qty(line.qty), lot_no=line.lot_no, lots=[]))
    session.flush()
    return view(session, doc)


def create_draft(session: Session, ctx: CommandContext, new: NewTransfer, now: datetime
                 ) -> dict[str, Any]:
    """Write a draft transfer in the caller's transaction (a rule's suggestion).

    Raises:
        EmptyDocument, SameWarehouseTransfer: no lines, or from and to are the same.
        UnknownItem, UnknownWarehouse, InvalidQuantity: bad names or quantities.
    """
    return _create(session, ctx, new, now)


def _dispatch(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, Transfer, tr.DOCUMENT, no)
    old, new = advance(session, doc, Status, tr.transition, Action.DISPATCH, now)
    source = session.get_one(Warehouse, doc.from_warehouse_id)
    transit = transit_location(session, ctx, source, now)
    doc.transit_warehouse_id, doc.dispatched_at = transit.id, now
    document = DocumentRef(type=tr.DOCUMENT, ref=doc.no)
    # Lock order: SKUs in ascending item id; the core locks both balances of one SKU in
    # ascending warehouse id.
    for line, item in sorted(_lines(session, doc), key=lambda t: (t[1].id, t[0].line_no)):
        result = movements.transfer(session, ctx, TransferStock(
            sku=item.sku, from_warehouse=source.code, to_warehouse=transit.code, qty=line.qty,
            lot_no=line.lot_no, document=document, note=f"transfer {doc.no} dispatched"), now)
        line.lots = [[e["lot_no"] or "", str(-Decimal(e["qty"]))] for e in result["entries"]
                     if e["reason"] == "transfer_out"]
    session.flush()
    payload: tr.TransferDispatched = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "transfer.dispatched", "lines": _payload_lines(session, doc)}
    event_id = emit(session, ctx, f"transfer:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _arrive(session: Session, ctx: CommandContext, no: str, action: tr.TransferAction,
            now: datetime) -> dict[str, Any]:
    """Receive at the destination, or return to the source: out of transit, lot by lot."""
    doc = find(session, Transfer, tr.DOCUMENT, no)
    old, new = advance(session, doc, Status, tr.transition, action, now)
    transit = session.get_one(Warehouse, doc.transit_warehouse_id)
    target = session.get_one(Warehouse, doc.to_warehouse_id if action is Action.RECEIVE
                             else doc.from_warehouse_id)
    document = DocumentRef(type=tr.DOCUMENT, ref=doc.no)
    for line, item in sorted(_lines(session, doc), key=lambda t: (t[1].id, t[0].line_no)):
        for lot_no, quantity in line.lots:
            movements.transfer(session, ctx, TransferStock(
                sku=item.sku, from_warehouse=transit.code, to_warehouse=target.code,
                qty=Decimal(quantity), lot_no=lot_no, document=document,
                note=f"transfer {doc.no} {new.value}"), now)
    if action is Action.RECEIVE:
        doc.received_at = now
    session.flush()
    payload = {**_base(session, ctx, doc, old, new), "type": tr.EVENTS[action],
               "lines": _payload_lines(session, doc)}
    event_id = emit(session, ctx, f"transfer:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _cancel(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, Transfer, tr.DOCUMENT, no)
    old, new = advance(session, doc, Status, tr.transition, Action.CANCEL, now)
    payload = {**_base(session, ctx, doc, old, new), "type": "transfer.cancelled"}
    event_id = emit(session, ctx, f"transfer:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


class TransferService:
    """Transfer actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewTransfer) -> dict[str, Any]:
        """Write a draft transfer.

        Raises:
            UnknownItem, UnknownWarehouse: names not in the tenant.
            EmptyDocument, InvalidQuantity, SameWarehouseTransfer: bad lines or warehouses.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "transfer.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def dispatch(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Send the goods: out of the source, on hand in its transit location.

        Raises:
            UnknownDocument, InvalidTransition: no such transfer, or not a draft.
            InsufficientStock, InsufficientLotStock: the source has not enough available.
        """
        return self.runner.write(ctx, "transfer.dispatch", {"no": no},
                                 lambda s, now: _dispatch(s, ctx, no, now))

    def receive(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """The goods arrive: out of transit, into the destination, in their lots.

        Raises:
            UnknownDocument, InvalidTransition: no such transfer, or not in transit.
        """
        return self.runner.write(ctx, "transfer.receive", {"no": no},
                                 lambda s, now: _arrive(s, ctx, no, Action.RECEIVE, now))

    def return_(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """The goods come back from transit to the source (never arrived).

        Raises:
            UnknownDocument, InvalidTransition: no such transfer, or not in transit.
        """
        return self.runner.write(ctx, "transfer.return", {"no": no},
                                 lambda s, now: _arrive(s, ctx, no, Action.RETURN, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon a draft transfer.

        Raises:
            UnknownDocument, InvalidTransition: no such transfer, or already dispatched.
        """
        return self.runner.write(ctx, "transfer.cancel", {"no": no},
                                 lambda s, now: _cancel(s, ctx, no, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One transfer.

        Raises:
            UnknownDocument: no such transfer in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(s, find(s, Transfer, tr.DOCUMENT,
                                                                  no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Transfers, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, Transfer, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
