"""Work orders in the database: create from the bill, release, issue the components,
receive the finished goods, close, cancel; energy readings and the actual footprint.

Issuing and receiving are the core's ship and receive commands inside the order's own
transaction, so every ledger row names the work order (``document_type = work_order``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import movements
from inventory.commands import CommandContext, DocumentRef, ReceiveStock, ShipStock, checked_qty
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import when as _t
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.manufacturing import carbon
from inventory.manufacturing import work_order as wo
from inventory.manufacturing.bom import first_level
from inventory.manufacturing.bom_service import footprint_view, load_boms, load_factors
from inventory.manufacturing.errors import (
    NothingReceived,
    ReadingNotAllowed,
    UnknownBom,
    UnknownOperation,
)
from inventory.manufacturing.models import EnergyReading, WorkOrder, WorkOrderLine
from inventory.manufacturing.numbers import exact_number
from inventory.models import Item, Warehouse

Status, Action = wo.WorkOrderStatus, wo.WorkOrderAction
_READING_STATUSES = {Status.RELEASED.value, Status.ISSUED.value, Status.RECEIVED.value}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewWorkOrder:
    """What it takes to write a work order: make ``qty`` of ``sku`` in ``warehouse``."""

    sku: str
    qty: Decimal
    warehouse: str
    no: str | None = None
    lot_no: str | None = None
    note: str = ""


def _lines(session: Session, doc: WorkOrder) -> list[tuple[WorkOrderLine, Item]]:
    return [(line, item) for line, item in session.execute(
        select(WorkOrderLine, Item).join(Item, Item.id == WorkOrderLine.item_id)
        .where(WorkOrderLine.work_order_id == doc.id).order_by(WorkOrderLine.line_no)
        .execution_options(populate_existing=True))]


def _readings(session: Session, doc: WorkOrder) -> list[EnergyReading]:
    return list(session.scalars(select(EnergyReading).where(
        EnergyReading.work_order_id == doc.id).order_by(EnergyReading.id)))


def view(session: Session, doc: WorkOrder) -> dict[str, Any]:
    """A work order as the API shows it (JSON-ready)."""
    return {
        "no": doc.no, "status": doc.status,
        "sku": session.get_one(Item, doc.item_id).sku, "qty": str(doc.qty),
        "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
        "lot_no": doc.lot_no, "note": doc.note, "operations": doc.operations,
        "allowed_actions": [a.value for a in wo.TRANSITIONS.get(Status(doc.status), {})],
        "issued_at": _t(doc.issued_at), "received_at": _t(doc.received_at),
        "created_at": _t(doc.created_at), "updated_at": _t(doc.updated_at),
        "lines": [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
                   "lots": [list(x) for x in line.lots or []]}
                  for line, item in _lines(session, doc)],
        "energy_readings": [{"operation": r.operation, "energy_carrier": r.energy_carrier,
                             "qty": str(r.qty), "recorded_by": r.recorded_by,
                             "recorded_at": _t(r.recorded_at)} for r in _readings(session, doc)],
    }


def _payload(session: Session, ctx: CommandContext, doc: WorkOrder, old: str, new: str,
             action: wo.WorkOrderAction) -> dict[str, Any]:
    return {"type": wo.EVENTS[action], "no": doc.no,
            "sku": session.get_one(Item, doc.item_id).sku, "qty": str(doc.qty),
            "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
            "from_status": old, "to_status": new, "actor": ctx.actor}


def _create(session: Session, ctx: CommandContext, new: NewWorkOrder, now: datetime
            ) -> dict[str, Any]:
    qty = checked_qty(new.qty)
    item = item_by_sku(session, new.sku)
    warehouse = warehouse_by_code(session, new.warehouse)
    spec = load_boms(session).get(item.sku)
    if spec is None:
        raise UnknownBom(sku=new.sku)
    needs = [(item_by_sku(session, sku), checked_qty(amount))
             for sku, amount in first_level(spec, qty)]
    doc = WorkOrder(tenant_id=ctx.tenant_id, item_id=item.id, warehouse_id=warehouse.id,
                    qty=qty, status=Status.DRAFT.value, lot_no=new.lot_no, note=new.note,
                    operations=[{"name": o.name, "energy_carrier": o.energy_carrier,
                                 "energy_per_unit": str(o.energy_per_unit)}
                                for o in spec.operations],
                    created_at=now, updated_at=now)
    insert_header(session, doc, wo.DOCUMENT, "WO", new.no, now)
    for number, (component, amount) in enumerate(needs, start=1):
        session.add(WorkOrderLine(tenant_id=ctx.tenant_id, work_order_id=doc.id,
                                  line_no=number, item_id=component.id, qty=amount, lots=[]))
    session.flush()
    return view(session, doc)


def _step(session: Session, ctx: CommandContext, no: str, action: wo.WorkOrderAction,
          now: datetime) -> dict[str, Any]:
    """Release, close or cancel: a status move and its event, nothing else."""
    doc = find(session, WorkOrder, wo.DOCUMENT, no)
    old, new = advance(session, doc, Status, wo.transition, action, now)
    event_id = emit(session, ctx, f"work_order:{doc.no}",
                    _payload(session, ctx, doc, old, new, action), now)
    return {**view(session, doc), "event_id": event_id}


def _issue(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, WorkOrder, wo.DOCUMENT, no)
    old, new = advance(session, doc, Status, wo.transition, Action.ISSUE, now)
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    document = DocumentRef(type=wo.DOCUMENT, ref=doc.no)
    # Lock order: components in ascending item id (the core's balance order).
    for line, item in sorted(_lines(session, doc), key=lambda t: (t[1].id, t[0].line_no)):
        result = movements.ship(session, ctx, ShipStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty, document=document,
            note=f"work order {doc.no} issue"), now)
        line.lots = [[e["lot_no"] or "", str(-Decimal(e["qty"]))] for e in result["entries"]
                     if e["bucket"] == "on_hand"]
    doc.issued_at = now
    session.flush()
    payload = {**_payload(session, ctx, doc, old, new, Action.ISSUE),
               "lines": [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
                          "lots": [list(x) for x in line.lots]}
                         for line, item in _lines(session, doc)]}
    event_id = emit(session, ctx, f"work_order:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _receive(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, WorkOrder, wo.DOCUMENT, no)
    old, new = advance(session, doc, Status, wo.transition, Action.RECEIVE, now)
    item = session.get_one(Item, doc.item_id)
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    doc.lot_no = doc.lot_no or doc.no
    movements.receive(session, ctx, ReceiveStock(
        sku=item.sku, warehouse=warehouse.code, qty=doc.qty, lot_no=doc.lot_no,
        document=DocumentRef(type=wo.DOCUMENT, ref=doc.no),
        note=f"work order {doc.no} finished goods"), now)
    doc.received_at = now
    session.flush()
    payload = {**_payload(session, ctx, doc, old, new, Action.RECEIVE), "lot_no": doc.lot_no}
    event_id = emit(session, ctx, f"work_order:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _record_energy(session: Session, ctx: CommandContext, no: str, operation: str,
                   qty: Decimal, now: datetime) -> dict[str, Any]:
    doc = find(session, WorkOrder, wo.DOCUMENT, no)
    if doc.status not in _READING_STATUSES:
        raise ReadingNotAllowed(no=doc.no, status=doc.status)
    ops = {o["name"]: o for o in doc.operations}
    if operation not in ops:
        raise UnknownOperation(no=doc.no, operation=operation, known=", ".join(ops) or "—",
                               count=len(ops))
    session.add(EnergyReading(tenant_id=ctx.tenant_id, work_order_id=doc.id,
                              operation=operation, energy_carrier=ops[operation]
                              ["energy_carrier"], qty=exact_number(qty, "qty"),
                              recorded_by=ctx.actor, recorded_at=now))
    session.flush()
    return view(session, doc)


def _footprint(session: Session, no: str) -> dict[str, Any]:
    doc = find(session, WorkOrder, wo.DOCUMENT, no)
    if doc.status not in (Status.RECEIVED.value, Status.CLOSED.value):
        raise NothingReceived(no=doc.no)
    sku = session.get_one(Item, doc.item_id).sku
    issued = [(item.sku, line.qty) for line, item in _lines(session, doc)]
    readings = [(r.operation, r.energy_carrier, r.qty) for r in _readings(session, doc)]
    terms = carbon.work_order_terms(load_boms(session), load_factors(session), sku, issued,
                                    readings)
    return {"no": doc.no, **footprint_view(carbon.footprint(sku, doc.qty, terms))}


class WorkOrderService:
    """Work order actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewWorkOrder) -> dict[str, Any]:
        """Write a draft work order; its lines are the bill's components times ``qty``.

        Raises:
            UnknownItem, UnknownWarehouse, UnknownBom: names not in the tenant.
            InvalidQuantity: a bad quantity, or a component need of more than 3 decimals.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "work_order.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def act(self, ctx: CommandContext, no: str, action: wo.WorkOrderAction) -> dict[str, Any]:
        """Run ``action`` on work order ``no``.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or its status refuses.
            InsufficientStock, InsufficientLotStock: a component is short (issue).
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            if action is Action.ISSUE:
                return _issue(s, ctx, no, now)
            if action is Action.RECEIVE:
                return _receive(s, ctx, no, now)
            return _step(s, ctx, no, action, now)
        return self.runner.write(ctx, f"work_order.{action.value}", {"no": no}, work)

    def record_energy(self, ctx: CommandContext, no: str, operation: str, qty: Decimal
                      ) -> dict[str, Any]:
        """Record an energy meter reading of one operation of the order.

        Raises:
            UnknownDocument, ReadingNotAllowed, UnknownOperation, BadEmissionFactor.
        """
        return self.runner.write(ctx, "work_order.record_energy",
                                 {"no": no, "operation": operation, "qty": str(qty)},
                                 lambda s, now: _record_energy(s, ctx, no, operation, qty,
                                                               now))

    def footprint(self, tenant_id: int, no: str) -> dict[str, Any]:
        """The actual footprint of a finished order, in total and per unit made.

        Raises:
            UnknownDocument, NothingReceived, MissingEmissionFactor.
        """
        return self.runner.read(tenant_id, lambda s: _footprint(s, no))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One work order.

        Raises:
            UnknownDocument: no such work order in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(s, find(s, WorkOrder, wo.DOCUMENT,
                                                                  no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Work orders, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, WorkOrder, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
