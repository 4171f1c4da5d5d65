"""Tenant scoping lives in one place (the session) and holds for reads, updates and inserts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from engine import Worker
from inventory import ReserveStock, UnknownItem, queries
from inventory.models import Item, Warehouse
from kernel.models import OutboxEvent
from kernel.tenancy import CrossTenantWrite


def test_a_tenant_session_never_sees_or_changes_another_tenants_rows(world, world_factory):
    other = world_factory()
    world.item("ONLY-A")
    other.item("ONLY-B")
    with world.db.read(world.tenant_id) as s:
        assert s.scalars(select(Item.sku)).all() == ["ONLY-A"]
        with pytest.raises(UnknownItem):
            queries.lots(s, "ONLY-B", None)
    with world.db.write(world.tenant_id) as s:
        s.execute(update(Item).values(name_zh="改名").execution_options(
            synchronize_session=False))
    with other.db.read(other.tenant_id) as s:
        assert s.scalars(select(Item.name_zh)).all() == ["商品ONLY-B"]


def test_inserting_a_row_for_another_tenant_is_refused(world, world_factory):
    other = world_factory()
    with pytest.raises(CrossTenantWrite), world.db.write(world.tenant_id) as s:
        s.add(Warehouse(tenant_id=other.tenant_id, code="X", name_zh="x", name_en="x",
                        kind="warehouse", created_at=world.clock.now()))
        s.flush()


def test_worker_round_sweeps_expired_holds_and_drains_the_outbox(world):
    world.item("YEAST")
    world.receive("YEAST", "WH-A", 5)
    world.run(ReserveStock(sku="YEAST", warehouse="WH-A", qty=Decimal(5), ttl_seconds=7200))
    world.clock.advance(timedelta(hours=2))
    summary = Worker(world.db, world.clock).run_once()
    assert summary["released"] >= 1 and summary["drained"] >= 3
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="YEAST", warehouse="WH-A", offset=0, limit=1)
        statuses = set(s.scalars(select(OutboxEvent.status)).all())
    assert rows[0]["reserved"] == Decimal(0)
    assert statuses == {"done"}  # kept, never deleted
