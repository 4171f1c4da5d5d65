"""A failure after the ledger insert leaves no trace: no ledger row, no balance change, no event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from inventory import ReserveStock, ShipStock, TransferStock, guarantees, journal, queries
from inventory.models import LedgerEntry
from kernel.models import IdempotencyRecord, OutboxEvent


class Injected(RuntimeError):
    """The failure a test injects."""


def snapshot(world):
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku=None, warehouse=None, offset=0, limit=100)
        return (
            [(r["sku"], r["warehouse"], r["on_hand"], r["reserved"]) for r in rows],
            s.scalar(select(func.count()).select_from(LedgerEntry)),
            s.scalar(select(func.count()).select_from(OutboxEvent)),
            s.scalar(select(func.count()).select_from(IdempotencyRecord)),
        )


@pytest.mark.parametrize("command", [
    ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(2)),  # one balance, FEFO lot
    TransferStock(sku="MAG-36", from_warehouse="WH-A", to_warehouse="WH-B",
                  qty=Decimal(2)),  # two balances, two ledger rows
    ReserveStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(2)),  # hold + reservation row
])
def test_failure_after_ledger_insert_rolls_everything_back(world, monkeypatch, command):
    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 10, lot_no="L1")
    before = snapshot(world)
    inserted: list[int] = []
    real_record = journal.Journal.record

    def record_then_count(self, *args, **kwargs):
        real_record(self, *args, **kwargs)
        inserted.append(1)

    def fail(*_args, **_kwargs):
        raise Injected("disk full after the ledger insert")

    monkeypatch.setattr(journal.Journal, "record", record_then_count)
    monkeypatch.setattr(journal, "append_event", fail)
    with pytest.raises(Injected):
        world.run(command, key="atomic-1")
    assert inserted, "the failure must come after at least one ledger insert"
    assert snapshot(world) == before
    monkeypatch.undo()
    # The key was not burnt: the same request now goes through once.
    assert world.run(command, key="atomic-1")["replayed"] is False
    assert snapshot(world) != before


def test_guarantee_functions_report_refusal_without_writing(world):
    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 1)
    with world.db.write(world.tenant_id) as s:
        from inventory.lookup import item_by_sku, warehouse_by_code

        item, wh = item_by_sku(s, "MAG-36"), warehouse_by_code(s, "WH-A")
        assert guarantees.take_available(s, world.tenant_id, item.id, wh.id, Decimal(2)) is False
        assert guarantees.hold(s, world.tenant_id, item.id, wh.id, Decimal(2)) is False
        assert guarantees.take_reserved(s, world.tenant_id, item.id, wh.id, Decimal(1)) is False
        assert guarantees.hold(s, world.tenant_id, item.id, wh.id, Decimal(1)) is True
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="MAG-36", warehouse="WH-A", offset=0, limit=1)
    assert (rows[0]["on_hand"], rows[0]["reserved"]) == (Decimal(1), Decimal(1))
