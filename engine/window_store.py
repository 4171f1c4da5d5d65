"""Window and timer state of reaction rules, keyed by (rule set, rule id, correlation key).

Two rule sets may hold rules of the same id; each keeps its own windows and timers.

Reading: the caller computes the keys an event touches (:func:`engine.evaluate.window_keys`,
pure) and :func:`load_windows` selects exactly those rows through the unique index
``(tenant_id, rule_set, rule_id, key)`` — the cost of an event does not grow with the
number of live keys.

Writing: :func:`save_windows` upserts (``INSERT … ON CONFLICT DO UPDATE``), so two first
events of a key never collide on the unique index. An upsert alone would still lose an
update (both read the old state), so on PostgreSQL :func:`load_windows` with ``lock=True``
first takes a transaction-scoped advisory lock per key, in key order: a second event of
the same key waits for the first to commit and then reads its state. SQLite transactions
of this product begin ``IMMEDIATE`` (one writer at a time), which serialises them anyway.
The lock works for a key that has no row yet, which ``SELECT … FOR UPDATE`` cannot.

Cleaning: a state that became empty (a hit restarted the count, the condition of a
sustained window broke) is deleted when written; a count window's row records when its last
timestamp leaves the window (``expires_at``, event time) and :func:`sweep_windows` deletes
rows past it. A holding sustained window has no end of its own and is kept until a reading
breaks it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from engine import timers
from engine.compiler import Plan
from engine.decision import PlannedAction
from engine.evaluate import window_expiry_ms, window_is_empty
from engine.executors.writes import json_safe
from engine.models import WindowState
from kernel.db import dialect_insert

#: (rule id, correlation key) inside one rule set, as evaluation reads them.
WindowKey = tuple[str, str]

#: How long past its end a count window's row is kept before the sweep deletes it: events
#: are judged on their own time, and one still queued (or a device's late reading) may
#: belong to a window that has ended by the clock.
SWEEP_GRACE = timedelta(minutes=15)

_window = cast(Table, WindowState.__table__)
_w = _window.c
_CONFLICT = ["tenant_id", "rule_set", "rule_id", "key"]
_KEY_LENGTH = 200  # window_state.key and durable_timer.key
# Built once: an event reads and writes one or two rows, and building the statements again
# each time cost more than running them.
_ONE_ROW = (_w.tenant_id == bindparam("t"), _w.rule_set == bindparam("rs"),
            _w.rule_id == bindparam("r"), _w.key == bindparam("k"))
_READ_ONE = select(_w.rule_id, _w.key, _w.state).where(*_ONE_ROW)
_DELETE_ONE = delete(_window).where(*_ONE_ROW)
_UPSERTS: dict[str, Any] = {}
#: A transaction-scoped advisory lock on the hash of a window's name (PostgreSQL).
_LOCK = select(func.pg_advisory_xact_lock(func.hashtextextended(bindparam("name"), 0)))


def _upsert(session: Session) -> Any:
    """``INSERT … ON CONFLICT (tenant_id, rule_set, rule_id, key) DO UPDATE`` of one row."""
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get(dialect)
    if statement is None:
        insert = dialect_insert(session, _window).values(
            tenant_id=bindparam("t"), rule_set=bindparam("rs"), rule_id=bindparam("r"),
            key=bindparam("k"), state=bindparam("state", type_=_w.state.type),
            updated_at=bindparam("updated_at", type_=_w.updated_at.type),
            expires_at=bindparam("expires_at", type_=_w.expires_at.type))
        statement = _UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=_CONFLICT, set_={"state": insert.excluded.state,
                                            "updated_at": insert.excluded.updated_at,
                                            "expires_at": insert.excluded.expires_at})
    return statement


def _digest(key: str) -> str:
    return "#" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _stored(key: str) -> str:
    """A correlation key as its column holds it: longer than the column, by its digest."""
    if len(key) <= _KEY_LENGTH:
        return key
    return _digest(key)


def _lock(session: Session, tenant_id: int, rule_set: str, keys: Sequence[WindowKey]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the transaction already holds the database's one write lock
    for rule_id, key in sorted(keys):
        name = f"window_state\x1f{tenant_id}\x1f{rule_set}\x1f{rule_id}\x1f{key}"
        session.execute(_LOCK, {"name": name})


def load_windows(session: Session, tenant_id: int, rule_set: str, keys: Sequence[WindowKey],
                 *, lock: bool = False) -> dict[WindowKey, Any]:
    """The saved state of exactly these windows of ``rule_set`` (missing ones: none saved).

    With ``lock`` (the production path), the keys are locked until the transaction ends,
    so a concurrent event of the same key waits and then sees this one's state.
    """
    if not keys:
        return {}
    if lock:
        _lock(session, tenant_id, rule_set, keys)
    asked = {(rule_id, _stored(key)): (rule_id, key) for rule_id, key in keys}
    if len(asked) == 1:
        (rule_id, key), = asked
        rows = session.execute(_READ_ONE, {"t": tenant_id, "rs": rule_set, "r": rule_id,
                                           "k": key})
    else:
        rows = session.execute(select(_w.rule_id, _w.key, _w.state).where(
            _w.tenant_id == tenant_id, _w.rule_set == rule_set,
            or_(*(and_(_w.rule_id == rule_id, _w.key == key) for rule_id, key in asked))))
    return {asked[row.rule_id, row.key]: tuple(row.state) for row in rows}


def _moment(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def save_windows(session: Session, tenant_id: int, rule_set: str, plan: Plan,
                 windows: Iterable[tuple[str, str, Any]], now: datetime) -> None:
    """Write the new window state a decision of ``plan`` returned (``Decision.windows``).

    An empty state deletes its row; any other is upserted with its end (``expires_at``).
    """
    for rule_id, key, state in windows:
        row = {"t": tenant_id, "rs": rule_set, "r": rule_id, "k": _stored(key)}
        if window_is_empty(state):
            session.execute(_DELETE_ONE, row)
            continue
        session.execute(_upsert(session), {
            **row, "state": json_safe(list(state)), "updated_at": now,
            "expires_at": _moment(window_expiry_ms(plan, rule_id, state))})


def sweep_windows(session: Session, now: datetime, *, grace: timedelta = SWEEP_GRACE) -> int:
    """Delete window rows whose window ended more than ``grace`` before ``now``; how many.

    A plain function for the worker's periodic work: in a system session (no tenant) it
    sweeps every tenant, in a tenant's session only that tenant. Rows of before migration
    0024 whose rule set was unknown ended at their last update.
    """
    where = [_w.expires_at <= now - grace]
    tenant_id = session.info.get("tenant_id")
    if tenant_id is not None:
        where.append(_w.tenant_id == tenant_id)
    result = session.execute(delete(_window).where(*where))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def timer_key(rule_set: str, rule_id: str, key: str) -> str:
    """The durable timer key of a rule's wait (rule set names and rule ids have no ':');
    a correlation key too long for the column is given by its digest."""
    full = f"{rule_set}:{rule_id}:{key}"
    if len(full) <= _KEY_LENGTH:
        return full
    return f"{rule_set}:{rule_id}:{_digest(key)}"  # at most 80 + 1 + 80 + 1 + 33


def arm_rule_timer(session: Session, tenant_id: int, action: PlannedAction,
                   now: datetime) -> None:
    """Arm the durable timer of an ``arm_timer`` action; its ``timer.fired`` names the rule
    set, so only that rule set's plan acts on it."""
    rule_set, rule_id, key = action.arg("rule_set", ""), action.arg("rule_id"), action.arg("key")
    payload = {"rule_set": rule_set, "rule_id": rule_id, "key": key,
               "version": action.provenance.version, "scope": json_safe(action.arg("scope"))}
    timers.arm(session, tenant_id, timer_key(rule_set, rule_id, key), action.arg("fire_at"),
               payload, now)


def cancel_rule_timer(session: Session, tenant_id: int, action: PlannedAction,
                      now: datetime) -> None:
    """Cancel the timer of a ``cancel_timer`` action (its rule set's only)."""
    timers.cancel(session, tenant_id, timer_key(action.arg("rule_set", ""),
                                                action.arg("rule_id"), action.arg("key")), now)


__all__ = ["SWEEP_GRACE", "WindowKey", "arm_rule_timer", "cancel_rule_timer", "load_windows",
           "save_windows", "sweep_windows", "timer_key"]
