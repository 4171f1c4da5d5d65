"""The demo's three weeks of documents load through the services, on SQLite and PostgreSQL,
and leave something real on every planning page: matched and mismatched invoices, a frozen
receipt released, deposit orders, returns, rebalance runs, suggestions; transfers received,
returned, cancelled and one still in transit; adjustments posted, approved by a second user,
rejected and cancelled; blind checks and a full count posted with their variance rates —
and a ledger that names a document on every row (an existing one, for transfers and
adjustments) and sums to the balances."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from inventory import DocumentRef, queries
from inventory.documents.models import Receipt, SalesOrder, SalesReturn, Shipment
from inventory.documents.warehouse_models import Adjustment, Stocktake, Transfer
from inventory.models import LedgerEntry, StockBalance
from inventory.planning.models import (
    PayableVoucher,
    PoolRebalanceRun,
    ReplenishmentSuggestion,
    SupplierInvoice,
)
from studio.demo_documents import load_document_history


def test_three_weeks_of_documents(world):
    world.warehouse("WH-HZ")
    world.warehouse("WH-SZ")
    skus = [f"DEMO-{n:02d}" for n in range(12)]
    for sku in skus:
        world.item(sku)
        world.receive(sku, "WH-HZ", 300, document=DocumentRef(type="opening_balance",
                                                             ref="OB-1"))
    start = world.clock.now()
    summary = load_document_history(world.db, world.clock, world.tenant_id, skus)
    assert world.clock.now() == start + timedelta(days=21)
    assert summary.sales_orders >= 60 and summary.purchase_orders == 5
    assert summary.invoices == 5 and summary.rebalance_runs == 42
    assert (summary.transfers, summary.adjustments, summary.stocktakes) == (7, 6, 5)

    with world.db.read(world.tenant_id) as s:
        def count(model, *where):
            return s.scalar(select(func.count()).select_from(model).where(*where))
        assert count(SupplierInvoice, SupplierInvoice.status == "matched") == 3
        assert count(SupplierInvoice, SupplierInvoice.status == "mismatched") == 2
        assert count(PayableVoucher, PayableVoucher.is_tax_trusted) == 3
        assert count(Receipt, Receipt.released_by != "") == 1
        assert count(SalesOrder, SalesOrder.deposit_amount > 0) >= 10
        assert count(SalesOrder, SalesOrder.channel.is_not(None)) >= 10
        assert count(SalesOrder, SalesOrder.status == "cancelled") >= 1
        assert count(Shipment, Shipment.status == "shipped") >= 40
        assert count(SalesReturn, SalesReturn.status == "posted") >= 1
        assert count(PoolRebalanceRun) == 42
        assert count(ReplenishmentSuggestion) >= 1
        assert count(Stocktake, Stocktake.status == "posted",
                     Stocktake.variance_rate_ppm.is_not(None)) == 7  # 4 counts + 3 blind checks
        assert count(LedgerEntry, LedgerEntry.document_ref.is_(None)) == 0

        def statuses(model):
            return {status: n for status, n in s.execute(
                select(model.status, func.count()).group_by(model.status))}
        assert statuses(Transfer) == {"received": 4, "returned": 1, "cancelled": 1,
                                      "in_transit": 1}
        # 7 of their own, 3 made by posting the weekly blind checks
        assert statuses(Adjustment) == {"posted": 10, "rejected": 1, "cancelled": 1}
        assert statuses(Stocktake) == {"posted": 7, "cancelled": 1}
        assert count(Adjustment, Adjustment.approved_by == "user:admin",
                     Adjustment.status == "posted") == 1  # the costly loss, approved next day
        assert count(Adjustment, Adjustment.is_above_threshold) == 2
        assert count(Adjustment, Adjustment.stocktake_no.is_not(None)) >= 2
        assert count(Stocktake, Stocktake.status == "posted",
                     Stocktake.variance_rate_ppm.is_(None)) == 0
        assert count(Stocktake, Stocktake.scope == "blind_check") == 7  # 4 of the warehouse history + 3 weekly ones
        # Transfers' and adjustments' ledger rows name documents that exist.
        for kind, model in (("transfer", Transfer), ("adjustment", Adjustment)):
            refs = set(s.scalars(select(LedgerEntry.document_ref)
                                 .where(LedgerEntry.document_type == kind)))
            assert refs and refs <= set(s.scalars(select(model.no))), kind
        in_transit = s.scalars(select(Transfer).where(Transfer.status == "in_transit")).one()
        transit_rows = s.scalars(select(LedgerEntry.qty).where(
            LedgerEntry.document_ref == in_transit.no, LedgerEntry.reason == "transfer_in"))
        assert sum(transit_rows) > 0  # still on the road, on hand in the transit location
        sums = queries.ledger_sums(s)
        for b in s.scalars(select(StockBalance)):
            assert sums.get((b.item_id, b.warehouse_id, "on_hand"), Decimal(0)) == b.on_hand
            assert sums.get((b.item_id, b.warehouse_id, "reserved"), Decimal(0)) == b.reserved
