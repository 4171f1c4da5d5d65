"""The recall report (召回报告): every customer who received a lot, read from the ledger.

Each shipment's ledger rows name the lot they took and the shipment (document type and
number); the shipment names its sales order, the order its customer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.documents import shipment as sh
from inventory.documents.models import Customer, SalesOrder, Shipment
from inventory.errors import UnknownLot
from inventory.lookup import item_by_sku
from inventory.models import LedgerEntry, Lot, Warehouse

CSV_COLUMNS: Final = ("customer", "customer_name", "sales_order", "shipment", "warehouse",
                      "sku", "lot_no", "qty", "shipped_at")


def lot_receivers(session: Session, sku: str, lot_no: str) -> dict[str, Any]:
    """Who received lot ``lot_no`` of ``sku``: one row per customer and shipment.

    Raises:
        UnknownItem, UnknownLot: no such SKU or lot in the tenant.
    """
    item = item_by_sku(session, sku)
    lot = session.scalar(select(Lot).where(Lot.item_id == item.id, Lot.lot_no == lot_no))
    if lot is None:
        raise UnknownLot(sku=sku, lot_no=lot_no)
    shipped = -func.sum(LedgerEntry.qty)
    rows = session.execute(
        select(Customer.code, Customer.name, SalesOrder.no, Shipment.no, Warehouse.code,
               shipped, Shipment.shipped_at)
        .select_from(LedgerEntry)
        .join(Shipment, Shipment.no == LedgerEntry.document_ref)
        .join(SalesOrder, SalesOrder.id == Shipment.sales_order_id)
        .join(Customer, Customer.id == SalesOrder.customer_id)
        .join(Warehouse, Warehouse.id == LedgerEntry.warehouse_id)
        .where(LedgerEntry.lot_id == lot.id, LedgerEntry.bucket == "on_hand",
               LedgerEntry.document_type == sh.DOCUMENT, LedgerEntry.qty < 0)
        .group_by(Customer.code, Customer.name, SalesOrder.no, Shipment.no, Warehouse.code,
                  Shipment.shipped_at)
        .order_by(Customer.code, Shipment.no))
    receivers = [{"customer": code, "customer_name": name, "sales_order": order,
                  "shipment": shipment, "warehouse": warehouse, "sku": item.sku,
                  "lot_no": lot.lot_no, "qty": str(qty),
                  "shipped_at": at.isoformat() if at else None}
                 for code, name, order, shipment, warehouse, qty, at in rows]
    total = sum((Decimal(str(r["qty"])) for r in receivers), Decimal(0))
    return {"sku": item.sku, "lot_no": lot.lot_no,
            "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
            "customers": sorted({r["customer"] for r in receivers}),
            "shipped_qty": str(total), "receivers": receivers}


def as_csv(receivers: Iterable[dict[str, Any]]) -> str:
    """The receivers as CSV text (UTF-8 with a header row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in receivers:
        writer.writerow({k: row[k] for k in CSV_COLUMNS})
    return out.getvalue()
