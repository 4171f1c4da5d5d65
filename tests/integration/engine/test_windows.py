"""Window and timer state keyed by (rule set, rule id, key), through the real rule handler.

Two rule sets with the same rule id keep their own windows and timers; an event reads only
the window rows it touches; ended state is deleted; two concurrent events of one key never
lose an update (PostgreSQL: real threads with their own connections).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from dsl import default_registry
from engine import Worker
from engine.dispatch import OutboxRecord
from engine.governance.models import ShadowJournal, VersionGovernance
from engine.models import InboxMessage, RuleSetVersion, WindowState
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from engine.window_store import SWEEP_GRACE, sweep_windows
from inventory import guarantees
from kernel.models import DurableTimer

SCANS = (Path(__file__).parents[3] / "examples/rules/triple_scan_flag.rule").read_text("utf-8")
UNSHIPPED = """rule unshipped "待发货超时预警"
  when sales_order.confirmed
  if no shipment.shipped with same order.id within 48h
  then alert role:sales_manager "订单 {order.no} 超时未发货 B"
end
"""
#: Never reaches 1,000 in the tests: every scan stays in the window, so a lost update shows.
COUNT_ALL = """rule scan_count "一小时扫描计数"
  when scanner.scanned
  if count(scanner.scanned) >= 1000 with same item.sku within 1h
  then alert role:warehouse_manager "{item.sku} 一小时扫描千次"
end
"""
FREEZER = """rule freezer_warm "冷柜超温"
  when freezer.temperature_reported
  if freezer.temperature > -15 °C with same freezer.id for 10m
  then alert role:quality_manager "冷柜 {freezer.id} 超温"
end
"""
MS = timedelta(milliseconds=1)


def install(world: Any, name: str, source: str) -> str:
    """Put ``source`` in production as rule set ``name``; its version hash."""
    with world.db.write(world.tenant_id) as s:
        version = save_version(s, world.tenant_id, name, source, default_registry(), "author",
                               world.clock.now())
        put_in_production(s, version)
        return version.version_hash


def append(world: Any, type_: str, key: str, payload: dict[str, Any],
           at: datetime | None = None) -> None:
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(), type_, key,
                                payload, at or world.clock.now())


def scan(world: Any, sku: str, scanner: str = "SC-7") -> None:
    append(world, "scanner.scanned", f"scanner:{scanner}",
           {"item": {"sku": sku}, "scanner": {"id": scanner}})


def record(world: Any, sku: str, at: datetime, scanner: str) -> OutboxRecord:
    """A scan as the worker hands it to the handler (not in the outbox: handled directly)."""
    return OutboxRecord(id=0, event_id=guarantees.new_event_id(), tenant_id=world.tenant_id,
                        type="scanner.scanned", key=f"scanner:{scanner}",
                        payload={"item": {"sku": sku}, "scanner": {"id": scanner}},
                        occurred_at=at, attempts=0)


def windows(world: Any) -> dict[tuple[str, str, str], list[Any]]:
    with world.db.read(world.tenant_id) as s:
        return {(w.rule_set, w.rule_id, w.key): w.state for w in s.scalars(select(WindowState))}


def inbox(world: Any) -> list[tuple[str, str]]:
    with world.db.read(world.tenant_id) as s:
        return [(m.recipient, m.message) for m in
                s.scalars(select(InboxMessage).order_by(InboxMessage.id))]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_two_rule_sets_with_one_rule_id_count_their_own_windows(world):
    install(world, "scans-a", SCANS)
    install(world, "scans-b", SCANS.replace("role:warehouse_manager", "role:quality_manager"))
    worker = Worker(world.db, world.clock, handler=RuleHandler())
    first = world.clock.now()
    for _ in range(2):
        scan(world, "TEA-1")
        world.clock.advance(10 * MS)
    worker.run_once()
    # One shared row counted each scan once per rule set: the second scan flagged.
    assert inbox(world) == []
    times = [ms(first), ms(first + 10 * MS)]
    assert windows(world) == {("scans-a", "triple_scan_flagged", "TEA-1"): times,
                              ("scans-b", "triple_scan_flagged", "TEA-1"): times}
    scan(world, "TEA-1")
    worker.run_once()
    assert sorted(r for r, _ in inbox(world)) == ["role:quality_manager",
                                                  "role:warehouse_manager"]
    assert windows(world) == {}  # a hit starts the window again: the rows are deleted


def test_two_rule_sets_with_one_rule_id_keep_their_own_timers(world):
    install(world, "unshipped-a", UNSHIPPED.replace("48h", "24h").replace(" B", " A"))
    install(world, "unshipped-b", UNSHIPPED)
    worker = Worker(world.db, world.clock, handler=RuleHandler())
    append(world, "sales_order.confirmed", "order:SO-1", {"order": {"id": "SO-1", "no": "SO-1"}})
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        armed = dict(s.execute(select(DurableTimer.key, DurableTimer.fire_at)
                               .where(DurableTimer.status == "armed")).all())
    now = world.clock.now()
    # Re-arming one key cancelled the other rule set's timer before they were apart.
    assert armed == {"unshipped-a:unshipped:SO-1": now + timedelta(hours=24),
                     "unshipped-b:unshipped:SO-1": now + timedelta(hours=48)}
    world.clock.advance(timedelta(hours=24))
    assert worker.run_once()["fired"] == 1
    worker.run_once()
    # Only rule set A acts on A's timer, though B has a rule of the same id.
    assert inbox(world) == [("role:sales_manager", "订单 SO-1 超时未发货 A")]
    world.clock.advance(timedelta(hours=24))
    assert worker.run_once()["fired"] == 1
    worker.run_once()
    assert [m for _, m in inbox(world)] == ["订单 SO-1 超时未发货 A", "订单 SO-1 超时未发货 B"]


def test_a_shipment_cancels_its_own_rule_sets_timers_only_by_their_keys(world):
    install(world, "unshipped-a", UNSHIPPED.replace(" B", " A"))
    install(world, "unshipped-b", UNSHIPPED)
    worker = Worker(world.db, world.clock, handler=RuleHandler())
    append(world, "sales_order.confirmed", "order:SO-2", {"order": {"id": "SO-2", "no": "SO-2"}})
    worker.run_once()
    append(world, "shipment.shipped", "order:SO-2", {"order": {"id": "SO-2"},
                                                      "shipment": {"no": "SH-1"}})
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        status = dict(s.execute(select(DurableTimer.key, DurableTimer.status)).all())
    assert status == {"unshipped-a:unshipped:SO-2": "cancelled",
                      "unshipped-b:unshipped:SO-2": "cancelled"}


@pytest.fixture
def statements(world: Any) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the database runs while the test body runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any,
                _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(world.db.engine, "before_cursor_execute", capture)
    yield seen
    event.remove(world.db.engine, "before_cursor_execute", capture)


def test_an_event_reads_only_the_window_rows_it_touches(world, statements):
    install(world, "scans", SCANS)
    install(world, "other", SCANS.replace("role:warehouse_manager", "role:quality_manager"))
    at = world.clock.now()
    with world.db.write(world.tenant_id) as s:  # 1,000 live keys the scan has nothing to do with
        s.execute(insert(WindowState), [
            {"tenant_id": world.tenant_id, "rule_set": "scans", "rule_id": "triple_scan_flagged",
             "key": f"SKU-{n}", "state": [ms(at)], "updated_at": at} for n in range(1000)])
    statements.clear()
    with world.db.write(world.tenant_id) as s:
        RuleHandler().handle(s, record(world, "TEA-1", at, "SC-1"), at)
    reads = [(sql, params) for sql, params in statements
             if sql.lstrip().upper().startswith("SELECT") and "window_state" in sql]
    assert len(reads) == 2  # one per rule set
    with world.db.engine.connect() as conn:
        rows = [conn.exec_driver_sql(sql, params).all() for sql, params in reads]
    # Each read finds exactly the scan's own key of its own rule set, none of the 1,000.
    assert [[tuple(r)[:2] for r in found] for found in rows] == [
        [("triple_scan_flagged", "TEA-1")], [("triple_scan_flagged", "TEA-1")]]
    assert len(windows(world)) == 1002


def test_ended_windows_are_deleted_when_written_and_swept_after_their_end(world):
    install(world, "scans", SCANS)
    install(world, "freezers", FREEZER)
    worker = Worker(world.db, world.clock, handler=RuleHandler())
    scanned_at = world.clock.now()
    scan(world, "TEA-2")
    append(world, "freezer.temperature_reported", "freezer:F-1",
           {"freezer": {"id": "F-1", "temperature": -10}})
    append(world, "freezer.temperature_reported", "freezer:F-2",
           {"freezer": {"id": "F-2", "temperature": -10}})
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        ends = dict(s.execute(select(WindowState.key, WindowState.expires_at)).all())
    # A count window ends 100 ms after its last scan; a holding freezer has no end of its own.
    assert ends == {"TEA-2": scanned_at + 100 * MS, "F-1": None, "F-2": None}
    world.clock.advance(timedelta(minutes=1))
    append(world, "freezer.temperature_reported", "freezer:F-2",
           {"freezer": {"id": "F-2", "temperature": -20}})  # cold again: nothing to keep
    worker.run_once()
    assert set(windows(world)) == {("scans", "triple_scan_flagged", "TEA-2"),
                                   ("freezers", "freezer_warm", "F-1")}
    end = scanned_at + 100 * MS + SWEEP_GRACE
    with world.db.write(world.tenant_id) as s:  # this tenant's rows only
        assert sweep_windows(s, end - MS) == 0  # a late scan of that window may be queued
    with world.db.write(world.tenant_id) as s:
        assert sweep_windows(s, end) == 1
    assert set(windows(world)) == {("freezers", "freezer_warm", "F-1")}
    with world.db.write(None) as s:  # every tenant's, as the worker's periodic sweep runs it
        sweep_windows(s, end + timedelta(days=30))
    assert set(windows(world)) == {("freezers", "freezer_warm", "F-1")}  # holding: kept


def test_a_shadow_candidate_counts_each_event_once(world):
    install(world, "scans", SCANS)
    with world.db.write(world.tenant_id) as s:
        candidate = save_version(
            s, world.tenant_id, "scans",
            SCANS.replace("role:warehouse_manager", "role:quality_manager"),
            default_registry(), "author", world.clock.now())
        candidate.state = "shadow"
        s.add(VersionGovernance(version_id=candidate.id, state_changed_at=world.clock.now(),
                                shadow_until=world.clock.now() + timedelta(hours=72)))
        candidate_id = candidate.id
    worker = Worker(world.db, world.clock, handler=RuleHandler())
    for _ in range(3):
        scan(world, "TEA-3")
        world.clock.advance(10 * MS)
        worker.run_once()
    with world.db.read(world.tenant_id) as s:
        journal = s.scalars(select(ShadowJournal).where(ShadowJournal.version_id == candidate_id)
                            .order_by(ShadowJournal.id)).all()
        assert s.get(RuleSetVersion, candidate_id).state == "shadow"
    flagged = [[a["kind"] for a in j.candidate_actions] for j in journal][:3]
    # It read production's windows as they were before each scan: flags on the third.
    assert flagged == [[], [], ["emit_event", "alert"]]
    assert [bool(j.production_actions) for j in journal][:3] == [False, False, True]


def _waiting_on_a_window_lock(world: Any, timeout: float = 20.0) -> bool:
    """Whether another transaction of this database waits on an advisory lock (polled)."""
    deadline = time.monotonic() + timeout
    with world.db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())")).scalar_one()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.01)
    return False


# PostgreSQL only, by design: SQLite transactions begin IMMEDIATE, so a second writer waits
# for the database lock before it reads anything; there is no window lock to wait on.
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_second_event_of_a_key_waits_for_the_first_and_counts_on_it(world):
    install(world, "counts", COUNT_ALL)
    handler, at = RuleHandler(), world.clock.now()
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            with world.db.write(world.tenant_id) as s:
                handler.handle(s, record(world, "TEA-4", at + MS, "SC-2"), at)
            outcome["done"] = True
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=second)
    with world.db.write(world.tenant_id) as s:
        handler.handle(s, record(world, "TEA-4", at, "SC-1"), at)
        thread.start()
        # The second event's transaction (its own connection) waits on this one's key lock.
        assert _waiting_on_a_window_lock(world)
    thread.join(timeout=30)
    assert outcome == {"done": True}
    assert windows(world) == {("counts", "scan_count", "TEA-4"): [ms(at), ms(at + MS)]}


def test_concurrent_events_of_one_key_lose_no_update(world):
    install(world, "counts", COUNT_ALL)
    handler, at = RuleHandler(), world.clock.now()
    errors: list[Exception] = []
    start = threading.Barrier(4)

    def scanner(n: int) -> None:
        start.wait()
        for i in range(10):
            try:
                with world.db.write(world.tenant_id) as s:
                    handler.handle(s, record(world, "TEA-5", at + (n * 10 + i) * MS,
                                             f"SC-{n}"), at)
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    saved = windows(world)[("counts", "scan_count", "TEA-5")]
    assert sorted(saved) == [ms(at) + k for k in range(40)]


def test_a_key_longer_than_its_column_is_kept_by_its_digest(world):
    install(world, "long", """rule twice "两次扫描"
  when scanner.scanned
  if count(scanner.scanned) >= 2 with same item.sku within 100ms
  then alert role:warehouse_manager "重复扫描"
end
""")
    worker, sku = Worker(world.db, world.clock, handler=RuleHandler()), "LONG-" * 60
    scan(world, sku)
    worker.run_once()
    (saved,) = windows(world)
    assert saved[2].startswith("#") and len(saved[2]) == 33
    world.clock.advance(10 * MS)
    scan(world, sku)
    worker.run_once()
    assert inbox(world) == [("role:warehouse_manager", "重复扫描")] and windows(world) == {}
