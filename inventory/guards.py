"""The seam where guard rules refuse a command inside its own transaction.

The inventory knows nothing of rules: it describes the request as an event (type and
entities) and asks a :class:`StockGuard`, which may raise a refusal that names the rule.
The engine implements the guard; the studio wires it in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from inventory.commands import Command, ReceiveStock, ReserveStock

#: Request events a guard may block, by command.
RESERVE_REQUESTED = "stock.reserve_requested"
#: A sales order about to be confirmed (and its lines reserved).
CONFIRM_REQUESTED = "sales_order.confirm_requested"
#: A sales return about to be written.
RETURN_REQUESTED = "sales_return.requested"
#: A receipt about to be written (its lines with SKU, lot and expiry); product modules such
#: as lots check it (perishables need a lot and an expiry date).
RECEIPT_REQUESTED = "receipt.create_requested"


class StockGuard(Protocol):
    """Checks a request before the command changes anything."""

    def check(self, session: Session, tenant_id: int, event_type: str,
              entities: dict[str, Any], now: datetime) -> None:
        """Return to let the command go on; raise a refusal (a DomainError) to stop it."""
        ...


def check(guard: StockGuard | None, session: Session, tenant_id: int, event_type: str,
          entities: dict[str, Any], now: datetime) -> None:
    """Ask ``guard`` (if any) about a request inside the command's transaction.

    Raises:
        DomainError: the guard's refusal (it rolls the whole command back).
    """
    if guard is not None:
        guard.check(session, tenant_id, event_type, entities, now)


def request_event(command: Command) -> tuple[str, dict[str, Any]] | None:
    """The request event a guard sees for ``command``, or None if it is not guarded."""
    if isinstance(command, ReceiveStock):  # a receipt of one line, outside any document
        return RECEIPT_REQUESTED, {
            "receipt": {"warehouse": command.warehouse},
            "lines": [{"line_no": 1, "sku": command.sku, "qty": str(command.qty),
                       "lot_no": command.lot_no,
                       "expiry_date": command.expiry_date.isoformat()
                       if command.expiry_date else None}]}
    if not isinstance(command, ReserveStock):
        return None
    entities: dict[str, Any] = {
        "item": {"sku": command.sku},
        "reservation": {"sku": command.sku, "qty": str(command.qty),
                        "warehouse_code": command.warehouse},
    }
    if command.document is not None:
        entities["order"] = {"id": command.document.ref, "no": command.document.ref}
    if command.address is not None:
        entities["address"] = {"text": command.address.text,
                               "is_real": command.address.is_real}
    return RESERVE_REQUESTED, entities
