"""Commands on parties and shifts, each one transaction, idempotent by key: freeze and
unfreeze a customer (with events), register suppliers and their qualifications, define
shifts. Reads of suppliers, shifts and snapshots."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypedDict

from sqlalchemy.orm import Session

from inventory.commands import CommandContext
from inventory.documents import parties, shift_snapshots, suppliers
from inventory.documents.models import Customer
from inventory.documents.runner import DocumentRunner, emit
from inventory.documents.runner import when as _t
from inventory.documents.warehouse_models import Supplier
from kernel.clock import tenant_now


class CustomerFreezeChanged(TypedDict):
    """``customer.frozen`` / ``customer.unfrozen``: a customer's freeze was set or lifted."""

    type: Literal["customer.frozen", "customer.unfrozen"]
    customer: str
    reason: str
    actor: str


def customer_view(row: Customer) -> dict[str, Any]:
    """A customer as the API shows it."""
    return {"code": row.code, "name": row.name, "is_frozen": row.is_frozen,
            "frozen_reason": row.frozen_reason, "frozen_at": _t(row.frozen_at)}


def supplier_view(session: Session, row: Supplier, today: date) -> dict[str, Any]:
    """A supplier with its qualifications, each marked current or expired on ``today``."""
    return {"code": row.code, "name": row.name, "qualifications": [
        {"kind": q.kind, "number": q.number, "expiry_date": q.expiry_date.isoformat(),
         "is_current": suppliers.is_current(q, today)}
        for q in suppliers.qualifications(session, row)]}


class PartyService:
    """Customers' freezes, suppliers, shifts and snapshots."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def set_customer_frozen(self, ctx: CommandContext, code: str, is_frozen: bool,
                            reason: str) -> dict[str, Any]:
        """Freeze a customer (their orders can no longer be confirmed) or lift the freeze.

        Raises:
            UnknownCustomer: no such customer.
        """
        def work(session: Session, now: Any) -> dict[str, Any]:
            row = (parties.freeze_customer(session, code, reason, now) if is_frozen
                   else parties.unfreeze_customer(session, code))
            payload: CustomerFreezeChanged = {
                "type": "customer.frozen" if is_frozen else "customer.unfrozen",
                "customer": row.code, "reason": reason, "actor": ctx.actor}
            event_id = emit(session, ctx, f"customer:{row.code}", payload, now)
            return {**customer_view(row), "event_id": event_id}
        command = "customer.freeze" if is_frozen else "customer.unfreeze"
        return self.runner.write(ctx, command, {"code": code, "reason": reason}, work)

    def create_supplier(self, ctx: CommandContext, code: str, name: str) -> dict[str, Any]:
        """Register a supplier.

        Raises:
            Conflict: the code exists.
        """
        def work(session: Session, now: Any) -> dict[str, Any]:
            row = suppliers.create_supplier(session, ctx.tenant_id, code, name, now)
            return supplier_view(session, row, now.date())
        return self.runner.write(ctx, "supplier.create", {"code": code, "name": name}, work)

    def add_qualification(self, ctx: CommandContext, code: str,
                          kind: suppliers.QualificationKind, number: str, expiry_date: date
                          ) -> dict[str, Any]:
        """Record a licence or certificate of a supplier.

        Raises:
            UnknownSupplier: no such supplier.
            Conflict: the same kind and number are already recorded.
        """
        def work(session: Session, now: Any) -> dict[str, Any]:
            suppliers.add_qualification(session, ctx.tenant_id, code, kind, number,
                                        expiry_date, now)
            return supplier_view(session, suppliers.supplier_by_code(session, code),
                                 now.date())
        request = {"code": code, "kind": kind, "number": number, "expiry_date": expiry_date}
        return self.runner.write(ctx, "supplier.qualify", request, work)

    def get_supplier(self, tenant_id: int, code: str) -> dict[str, Any]:
        """One supplier with its qualifications.

        Raises:
            UnknownSupplier: no such supplier.
        """
        today = tenant_now(self.runner.clock, tenant_id).date()
        return self.runner.read(tenant_id, lambda s: supplier_view(
            s, suppliers.supplier_by_code(s, code), today))

    def list_suppliers(self, tenant_id: int, offset: int, limit: int
                       ) -> tuple[list[dict[str, Any]], int]:
        """Suppliers by code, with their qualifications."""
        today = tenant_now(self.runner.clock, tenant_id).date()

        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = suppliers.list_suppliers(s, offset, limit)
            return [supplier_view(s, r, today) for r in rows], total
        return self.runner.read(tenant_id, work)

    def create_shift(self, ctx: CommandContext, warehouse: str, name: str, end_time: str,
                     timezone: str) -> dict[str, Any]:
        """Define a shift; its snapshots are taken at each end by the scheduled job.

        Raises:
            UnknownWarehouse, InvalidInput, Conflict: bad warehouse, time or duplicate name.
        """
        def work(session: Session, now: Any) -> dict[str, Any]:
            row = shift_snapshots.create_shift(session, ctx.tenant_id, warehouse, name,
                                               end_time, timezone, now)
            return shift_snapshots.shift_view(session, row)
        request = {"warehouse": warehouse, "name": name, "end_time": end_time, "tz": timezone}
        return self.runner.write(ctx, "shift.create", request, work)

    def list_shifts(self, tenant_id: int) -> list[dict[str, Any]]:
        """The tenant's shifts."""
        return self.runner.read(tenant_id, shift_snapshots.list_shifts)

    def list_snapshots(self, tenant_id: int, warehouse: str | None, flagged_only: bool,
                       offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Shift-end snapshots, newest first.

        Raises:
            UnknownWarehouse: the warehouse filter names no warehouse of the tenant.
        """
        return self.runner.read(tenant_id, lambda s: shift_snapshots.list_snapshots(
            s, warehouse, flagged_only, offset, limit))

    def get_snapshot(self, tenant_id: int, snapshot_id: int) -> dict[str, Any]:
        """One snapshot with its lines, flagged first.

        Raises:
            NotFound: no such snapshot in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: shift_snapshots.get_snapshot(
            s, snapshot_id))
