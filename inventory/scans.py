"""Barcode scans from warehouse devices, raised as ``scanner.scanned`` events.

A scanner posts what it read (a SKU or a barcode), its own id, the warehouse it works in
and the device's time. The scan changes no stock: it becomes one outbox event, which the
tenant's rules hear (three scans of one SKU within 100 ms flag a stuck trigger).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.errors import UnknownItem
from inventory.guarantees import append_event, new_event_id
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item

SCANNED = "scanner.scanned"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scan:
    """What a device read: a SKU or a barcode, by which scanner, where and when."""

    scanner_id: str
    sku: str | None = None
    barcode: str | None = None
    warehouse: str | None = None
    #: The device's clock when it read the code (kept as given; the server's time is the
    #: event's ``occurred_at``).
    scanned_at: datetime | None = None


def record_scan(session: Session, tenant_id: int, scan: Scan, actor: str, now: datetime
                ) -> dict[str, Any]:
    """Append the scan's ``scanner.scanned`` event; returns its id and the SKU read.

    Raises:
        UnknownItem: neither the SKU nor the barcode names an item of the tenant.
        UnknownWarehouse: the warehouse is not the tenant's.
    """
    if scan.sku:
        sku = item_by_sku(session, scan.sku).sku
    else:
        found = session.scalar(select(Item.sku).where(Item.barcode == scan.barcode))
        if found is None:
            raise UnknownItem(sku=scan.barcode or "")
        sku = found
    warehouse = warehouse_by_code(session, scan.warehouse).code if scan.warehouse else None
    event_id = new_event_id()
    payload = {"scanner": {"id": scan.scanner_id, "warehouse": warehouse,
                           "barcode": scan.barcode,
                           "scanned_at": scan.scanned_at.isoformat() if scan.scanned_at
                           else None},
               "item": {"sku": sku}, "event": {"actor": actor}}
    append_event(session, tenant_id, event_id, SCANNED, f"scan:{sku}", payload, now)
    return {"event_id": event_id, "sku": sku, "scanner_id": scan.scanner_id,
            "warehouse": warehouse}
