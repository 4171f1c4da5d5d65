"""Channel pools on the real databases: the worker rebalances every 15 minutes of its clock,
and two orders racing for a pool's last units never both get them."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from engine import Worker, sandbox_clock
from engine.periodic import periodic_jobs
from inventory import DocumentRef
from inventory.documents import DocumentServices, NewOrderLine, NewSalesOrder, parties
from inventory.documents.shift_snapshots import create_shift
from inventory.documents.warehouse_models import ShiftSnapshot
from inventory.models import StockBalance
from inventory.planning import PoolService, PoolSetting, PoolShort
from inventory.planning.models import ChannelPool, PoolRebalanceRun
from kernel.db import Database, make_engine
from kernel.models import Tenant
from kernel.tenant_clock import TenantClocks
from tests.conftest import TEST_SETTINGS

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
def test_the_procrastinate_workers_read_the_one_list_and_honour_the_interval(world, pooled,
                                                                            pg_url):
    """``jxcflow worker`` on PostgreSQL: one periodic task per declared job, the rebalance
    at the settings' interval of tenant time, and a second tick of one occurrence is a
    no-op (the occurrence is claimed in the database)."""
    from engine import queue_pg
    from engine.dispatch import NullHandler, RetryPolicy

    app = queue_pg.build_app(pg_url, world.db, NullHandler(), world.clock, RetryPolicy(),
                             rebalance_seconds=300)
    tasks = {name: p for (name, _), p in app.periodic_registry.periodic_tasks.items()}
    declared = {f"jxcflow.{job.name}" for job in periodic_jobs()}
    assert declared <= set(tasks) and set(tasks) - declared == {"jxcflow.recover_keys"}
    rebalance = tasks["jxcflow.rebalance_pools"]
    assert rebalance.cron == "* * * * * */30"  # looked at every sweep; due on tenant time
    assert rebalance.task.lock == "jxcflow.rebalance_pools"
    # (Other tests' tenants in this database have pools too: each runs once as well.)
    assert rebalance.task.func(timestamp=0) >= 1 and _runs(world) == 1  # 08:00
    assert rebalance.task.func(timestamp=1) == 0 and _runs(world) == 1  # claimed: not again
    world.clock.advance(timedelta(minutes=5))  # the settings' 5 minutes, not 15
    assert rebalance.task.func(timestamp=2) >= 1 and _runs(world) == 2


def _own_worker(world, clocks: bool = False) -> tuple[Worker, Database]:
    """A worker on its own engine and connections, as in another process."""
    db = Database(make_engine(world.db.engine.url.render_as_string(hide_password=False),
                              TEST_SETTINGS))
    clock = TenantClocks(world.clock, db) if clocks else world.clock
    return Worker(db, clock), db


def _run_together(bodies) -> None:
    start = threading.Barrier(len(bodies))
    errors: list[BaseException] = []

    def run(body) -> None:
        start.wait()
        try:
            body()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []


def _run_times(world) -> list:
    with world.db.read(world.tenant_id) as s:
        return list(s.scalars(select(PoolRebalanceRun.ran_at).order_by(PoolRebalanceRun.id)))


@pytest.mark.parametrize("workers", [1, 3])
def test_one_report_per_interval_however_many_workers(world, pooled, workers):
    """Workers on their own connections, started together at each occurrence."""
    own = [_own_worker(world) for _ in range(workers)]
    try:
        for _ in range(3):
            _run_together([w.periodic.run_due for w, _ in own] * 2)  # each twice, at once
            world.clock.advance(timedelta(minutes=15))
    finally:
        for _, db in own:
            db.dispose()
    start = world.clock.now() - timedelta(minutes=45)
    assert _run_times(world) == [start + timedelta(minutes=m) for m in (0, 15, 30)]


def test_a_clock_advance_beside_running_workers_runs_each_occurrence_once_in_order(
        world, pooled):
    """A sandbox tenant advanced 2 h while three workers tick: 8 rebalance runs, once each,
    in order, and one snapshot of the shift that ended at 09:00."""
    with world.db.write(None) as s:
        s.execute(update(Tenant).where(Tenant.id == world.tenant_id).values(is_sandbox=True))
    with world.db.write(world.tenant_id) as s:
        create_shift(s, world.tenant_id, "WH-A", "早班", "09:00", "UTC", world.clock.now())
    own = [_own_worker(world, clocks=True) for _ in range(3)]
    done = threading.Event()

    def tick(worker: Worker) -> None:
        while not done.is_set():
            worker.periodic.run_due(force=True)

    def move() -> None:
        try:
            clocks = TenantClocks(world.clock, world.db)
            sandbox_clock.advance(world.db, clocks, world.tenant_id, timedelta(hours=2))
        finally:
            done.set()

    try:
        _run_together([move] + [lambda w=w: tick(w) for w, _ in own])
    finally:
        for _, db in own:
            db.dispose()
    start = world.clock.now()
    assert _run_times(world) == [start + timedelta(minutes=15 * k) for k in range(1, 9)]
    with world.db.read(world.tenant_id) as s:
        ends = list(s.scalars(select(ShiftSnapshot.shift_end_at)))
    assert ends == [start + timedelta(hours=1)]
