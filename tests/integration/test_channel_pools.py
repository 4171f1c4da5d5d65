"""Channel pools on the real databases: the worker rebalances every 15 minutes of its clock,
and two orders racing for a pool's last units never both get them."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine import Worker
from inventory import DocumentRef
from inventory.documents import DocumentServices, NewOrderLine, NewSalesOrder, parties
from inventory.models import StockBalance
from inventory.planning import PoolService, PoolSetting, PoolShort
from inventory.planning.models import ChannelPool, PoolRebalanceRun

D = Decimal


@pytest.fixture
def pooled(world):
    """WH-A holds 20 of P-1; channel WEB's pool aims at 10 of it."""
    world.item("P-1")
    world.receive("P-1", "WH-A", 20, document=DocumentRef(type="opening_balance", ref="OB"))
    with world.db.write(world.tenant_id) as session:
        parties.create_customer(session, world.tenant_id, "C-1", "客户", world.clock.now())
    pools = PoolService(world.db, world.clock)
    pools.create_channel(world.ctx, "WEB", "网店")
    pools.set_pool(world.ctx, "WEB", PoolSetting(sku="P-1", warehouse="WH-A",
                                                 target_qty=D(10), threshold_qty=D(2)))
    return pools


def _runs(world) -> int:
    with world.db.read(world.tenant_id) as s:
        return s.scalar(select(func.count()).select_from(PoolRebalanceRun)) or 0


def test_the_worker_rebalances_every_15_minutes_of_its_clock(world, pooled):
    worker = Worker(world.db, world.clock)
    worker.run_once()
    assert _runs(world) == 1
    world.clock.advance(timedelta(minutes=14))
    worker.run_once()
    assert _runs(world) == 1  # not due yet
    world.clock.advance(timedelta(minutes=1))
    assert worker.run_once()["rebalanced"] >= 1
    assert _runs(world) == 2
    world.clock.advance(timedelta(hours=1, minutes=5))  # late: one run, back on the grid
    worker.run_once()
    assert _runs(world) == 3


def test_two_orders_racing_for_a_pools_last_units(world, pooled):
    pooled.rebalance(world.ctx)
    docs = DocumentServices(world.db, world.clock)
    for no in ("SO-A", "SO-B"):
        docs.sales_orders.create(world.ctx, NewSalesOrder(
            customer="C-1", warehouse="WH-A", no=no, channel="WEB",
            lines=[NewOrderLine(sku="P-1", qty=D(6))]))
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def confirm(no: str) -> None:
        start.wait()
        try:
            outcomes[no] = docs.sales_orders.confirm(world.ctx, no)["status"]
        except PoolShort as exc:
            outcomes[no] = exc

    threads = [threading.Thread(target=confirm, args=(no,)) for no in ("SO-A", "SO-B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(type(v).__name__ for v in outcomes.values()) == ["PoolShort", "str"]
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(ChannelPool.qty)) == D(4)
        balance = s.scalar(select(StockBalance))
        assert (balance.on_hand, balance.reserved) == (D(20), D(6))  # the loser holds nothing


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_the_procrastinate_worker_schedules_the_rebalance_every_15_minutes(world, pooled,
                                                                          pg_url):
    """``jxcflow worker`` on PostgreSQL: a periodic task, locked so one worker runs it."""
    from engine import queue_pg
    from engine.dispatch import NullHandler, RetryPolicy

    app = queue_pg.build_app(pg_url, world.db, NullHandler(), world.clock, RetryPolicy())
    [periodic] = [p for (name, _), p in app.periodic_registry.periodic_tasks.items()
                  if name == "jxcflow.rebalance_pools"]
    assert periodic.cron == "*/15 * * * *"
    assert periodic.task.lock == "jxcflow.rebalance_pools"
    assert periodic.task.func(timestamp=0) >= 1  # the task body: every tenant with pools
    assert _runs(world) == 1
