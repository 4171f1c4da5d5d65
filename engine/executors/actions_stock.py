"""``reserve`` and ``release`` on an event's lines, agreeing with the documents.

One owner for a document's holds: the document. A sales order holds its lines when it is
confirmed, releases them when it is cancelled and consumes them when it ships. A rule such
as ``deposit_locks_stock`` or ``release_on_cancel`` that meets such a line (it names its
``reservation_id``) records ``already done`` — no second hold, no second ledger row, no
alert. Lines no document holds (a shop order from a connector) are reserved and released
by the rule, with the rule's provenance on the ledger rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.decision import PlannedAction
from engine.executors.lines import target_lines
from engine.executors.writes import ActionScope
from inventory import DocumentRef, ReleaseReservation, ReserveStock, reservations


def _document(line: Mapping[str, Any]) -> DocumentRef | None:
    """The document a rule's hold belongs to: the order of an order line, or the document
    of a ledger entry (``stock.entries`` of a receipt, a transfer …)."""
    ref = line.get("order_no") or line.get("order_id")
    if ref:
        return DocumentRef(type="sales_order", ref=str(ref))
    if line.get("document_type") and line.get("document_ref"):
        return DocumentRef(type=str(line["document_type"]), ref=str(line["document_ref"]))
    return None


def reserve(scope: ActionScope, action: PlannedAction) -> None:
    """Hold each line (sku, warehouse, qty) for the action's ``hold``; the caller's
    savepoint makes it all lines or none.

    Raises:
        InventoryError: not enough available stock, unknown SKU or warehouse.
        KeyError: a line without sku, warehouse or qty.
    """
    hold = action.arg("hold")
    ttl = max(1, int(hold) // 1000) if hold else None
    for line in target_lines(action.arg("target")):
        if line.get("reservation_id"):
            scope.record(action, f"reservation:{line['reservation_id']}",
                         {"sku": line.get("sku"), "held_by": "document"}, "already done")
            continue
        held = reservations.reserve(scope.session, scope.context(action), ReserveStock(
            sku=str(line["sku"]), warehouse=str(line["warehouse"]),
            qty=Decimal(str(line["qty"])), ttl_seconds=ttl, document=_document(line)),
            scope.now)
        scope.record(action, f"reservation:{held['reservation']['id']}",
                     {"sku": line["sku"], "qty": str(line["qty"]), "ttl_seconds": ttl})


def release(scope: ActionScope, action: PlannedAction) -> None:
    """Release each line's reservation that is still active; record the others as done.

    Raises:
        UnknownReservation: a line names a reservation that is not in the tenant.
    """
    for line in target_lines(action.arg("target")):
        reservation_id = line.get("reservation_id")
        if not reservation_id:
            continue
        res, item, warehouse = reservations.load_reservation(scope.session,
                                                             str(reservation_id))
        owner = f"{res.document_type}:{res.document_ref}" if res.document_type else None
        target = f"reservation:{res.id}"
        if res.status != "active":
            scope.record(action, target, {"status": res.status, "document": owner},
                         "already done")
            continue
        if res.expires_at is not None and res.expires_at <= scope.now:
            # Its time was up: it lapses (ledger rows as "expire"), as the sweep would.
            reservations.expire_one(scope.session, scope.context(action), res, item,
                                    warehouse, scope.now)
            scope.record(action, target, {"status": "expired", "document": owner},
                         "already done")
            continue
        reservations.release(scope.session, scope.context(action),
                             ReleaseReservation(reservation_id=res.id), scope.now)
        scope.record(action, target, {"status": "released", "qty": str(res.qty),
                                      "document": owner})
