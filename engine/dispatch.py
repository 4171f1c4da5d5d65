"""Handing one outbox event to the reaction seam, exactly once in effect.

Both worker kinds go through :func:`process_event`: the embedded thread (SQLite, or
PostgreSQL without a queue) and the procrastinate task of ``jxcflow worker``. One write
transaction locks the event row, checks it is still pending and first of its key, runs
the handler and marks the event done; so the handler's effects and "done" commit or roll
back together. A failure is recorded in a second transaction: attempts, the error and,
after ``RetryPolicy.max_attempts``, ``parked`` — never dropped.

Exactly-once *effect* rests on two walls: the event row's status (a redelivered or
replayed event is skipped) and the ``effect`` table's unique (tenant, effect_key)
(:func:`claim_effect`), which a handler checks before each action.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from engine.errors import EventNotFound, EventNotParked, HandlerNotFound
from kernel.db import Database, dialect_insert
from kernel.models import Effect, OutboxEvent, OutboxRetry

log = logging.getLogger("jxcflow.events")
_outbox = cast(Table, OutboxEvent.__table__)
_t = _outbox.c
_retry = cast(Table, OutboxRetry.__table__)
_LAST_ERROR_MAX = 4000


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxRecord:
    """A committed domain event as a handler sees it (a copy, not the row)."""

    #: Row id in ``outbox_event``; ascending in commit order for one key.
    id: int
    #: The event's public id (uuid text), part of every effect key.
    event_id: str
    tenant_id: int
    type: str
    #: SKU × warehouse, or one document: events of one key are handled in order.
    key: str
    payload: dict[str, Any]
    occurred_at: datetime
    #: Failed attempts before this one.
    attempts: int


class EventHandler(Protocol):
    """The seam where reaction rules plug in.

    ``handle`` runs inside the write transaction that also marks the event done, scoped
    to the event's tenant. Raise to refuse: nothing it wrote is kept, and the event is
    retried with backoff, then parked.
    """

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> object:
        """React to ``event``; every write goes through ``session``. What it returns (the
        rule handler: the actions and their outcomes) is for callers that want it."""
        ...


class NullHandler:
    """Acknowledges every event and does nothing (no reaction rules installed)."""

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> None:
        """Do nothing."""


# Invariant: an effect key is applied at most once per tenant. The claim is an INSERT …
# ON CONFLICT DO NOTHING in the handler's transaction: on PostgreSQL a concurrent second
# claim waits on the unique index until the first transaction ends (committed → it sees
# the row and gets False; rolled back → it claims the key itself); SQLite writers run
# one at a time. So an action is applied iff its claim returned True and committed.
def claim_effect(session: Session, key: str, now: datetime) -> bool:
    """Claim ``key`` (event id + rule version hash + node id) for this transaction.

    Returns:
        True when the action has not been applied yet and the caller should apply it
        now; False when it was applied before (a redelivery) and must be skipped.

    Raises:
        ValueError: the session is a system session (no tenant).
    """
    tenant_id = session.info.get("tenant_id")
    if tenant_id is None:
        raise ValueError("claim_effect needs a tenant-scoped session")
    table = Effect.__table__
    stmt = dialect_insert(session, table).values(
        tenant_id=tenant_id, effect_key=key, applied_at=now,
    ).on_conflict_do_nothing(index_elements=["tenant_id", "effect_key"]).returning(table.c.id)
    return session.execute(stmt).first() is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff: ``base × factor^(attempts-1)``, capped; parked after the last."""

    max_attempts: int = 8
    base_seconds: float = 2.0
    factor: float = 2.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next try, after ``attempts`` failed tries (1 or more)."""
        seconds = self.base_seconds * self.factor ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_seconds))


class Outcome(StrEnum):
    """What one call of :func:`process_event` did."""

    DONE = "done"  # handled; effects and "done" committed together
    SKIPPED = "skipped"  # not pending any more (handled or parked before): nothing to do
    BLOCKED = "blocked"  # an earlier event of the same key is still pending: try later
    RETRY = "retry"  # the handler failed; attempts and error recorded, tried again later
    PARKED = "parked"  # the handler failed for the last allowed time; kept with its error


def _record(row: Any) -> OutboxRecord:
    return OutboxRecord(id=row.id, event_id=row.event_id, tenant_id=row.tenant_id,
                        type=row.type, key=row.key, payload=row.payload,
                        occurred_at=row.occurred_at, attempts=row.attempts)


def process_event(db: Database, handler: EventHandler, tenant_id: int, outbox_id: int,
                  now: datetime, policy: RetryPolicy) -> Outcome:
    """Handle one outbox event in one write transaction, or record why it failed."""
    try:
        with db.write(tenant_id) as session:
            # FOR UPDATE: a second worker given the same event (a redelivered job, the
            # embedded thread beside the queue) waits here, then sees "done" and skips.
            # SQLite has no row locks; its IMMEDIATE transactions run one at a time.
            row = session.execute(
                select(_outbox)
                .where(_t.id == outbox_id, _t.tenant_id == tenant_id)
                .with_for_update()).first()
            if row is None or row.status != "pending":
                return Outcome.SKIPPED
            # Per-key order: a later event never overtakes an earlier pending one (which
            # may be waiting for its retry), whichever worker holds it.
            earlier = session.execute(
                select(_t.id).where(_t.tenant_id == tenant_id, _t.key == row.key,
                                    _t.status == "pending", _t.id < outbox_id).limit(1)).first()
            if earlier is not None:
                return Outcome.BLOCKED
            handler.handle(session, _record(row), now)
            session.execute(update(_outbox)
                            .where(_t.id == outbox_id, _t.status == "pending")
                            .values(status="done", processed_at=now,
                                    attempts=_t.attempts + 1))
            session.execute(delete(_retry).where(_retry.c.outbox_id == outbox_id))
            return Outcome.DONE
    except Exception as exc:  # the handler's or the database's: recorded, then retried
        outcome = record_failure(db, tenant_id, outbox_id, exc, now, policy)
        log.warning("event %s failed (%s): %s", outbox_id, outcome, _describe(exc))
        return outcome


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[:_LAST_ERROR_MAX]


def record_failure(db: Database, tenant_id: int, outbox_id: int, exc: BaseException,
                   now: datetime, policy: RetryPolicy) -> Outcome:
    """Count a failed attempt, keep its error, and schedule the retry or park the event."""
    with db.write(tenant_id) as session:
        attempts = session.execute(
            update(_outbox)
            .where(_t.id == outbox_id, _t.tenant_id == tenant_id, _t.status == "pending")
            .values(attempts=_t.attempts + 1, last_error=_describe(exc))
            .returning(_t.attempts)).scalar()
        if attempts is None:
            return Outcome.SKIPPED
        if attempts >= policy.max_attempts:
            session.execute(update(_outbox).where(_t.id == outbox_id)
                            .values(status="parked", processed_at=now))
            session.execute(delete(_retry).where(_retry.c.outbox_id == outbox_id))
            return Outcome.PARKED
        next_at = now + policy.delay(attempts)
        session.execute(dialect_insert(session, _retry).values(
            outbox_id=outbox_id, tenant_id=tenant_id, next_attempt_at=next_at,
        ).on_conflict_do_update(index_elements=["outbox_id"],
                                set_={"next_attempt_at": next_at}))
        return Outcome.RETRY


def pending_batch(session: Session, after_id: int, limit: int) -> list[Any]:
    """Pending events after ``after_id`` in id order, with their next retry time (or None)."""
    return list(session.execute(
        select(_t.id, _t.tenant_id, _t.key, _retry.c.next_attempt_at)
        .select_from(_outbox.outerjoin(_retry, _retry.c.outbox_id == _t.id))
        .where(_t.status == "pending", _t.id > after_id)
        .order_by(_t.id).limit(limit)).all())


def load_handler(spec: str) -> EventHandler:
    """Import a handler named ``module:attribute`` (an object with ``handle``, or a factory).

    Raises:
        HandlerNotFound: the module or attribute cannot be imported, or is no handler.
    """
    module_name, _, attribute = spec.partition(":")
    try:
        target: Any = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise HandlerNotFound(spec=spec, reason=repr(exc)) from exc
    # A class or factory is called once; an object with ``handle`` is used as it is.
    handler = target() if isinstance(target, type) or not hasattr(target, "handle") else target
    if not callable(getattr(handler, "handle", None)):
        raise HandlerNotFound(spec=spec, reason="it has no handle(session, event, now)")
    return cast(EventHandler, handler)


# --- Parked events, seen and sent back through the API -----------------------------------

def _public(row: Any) -> dict[str, Any]:
    return {"event_id": row.event_id, "type": row.type, "key": row.key,
            "payload": row.payload, "occurred_at": row.occurred_at, "status": row.status,
            "attempts": row.attempts, "last_error": row.last_error,
            "processed_at": row.processed_at}


def list_events(session: Session, tenant_id: int, status: str | None, offset: int,
                limit: int) -> tuple[list[dict[str, Any]], int]:
    """The tenant's outbox events, newest first, optionally of one status."""
    where = [_t.tenant_id == tenant_id]
    if status is not None:
        where.append(_t.status == status)
    total = session.execute(select(func.count()).select_from(_outbox)
                            .where(*where)).scalar_one()
    rows = session.execute(select(_outbox).where(*where)
                           .order_by(_t.id.desc()).offset(offset).limit(limit)).all()
    return [_public(r) for r in rows], int(total)


def retry_parked(session: Session, tenant_id: int, event_id: str) -> dict[str, Any]:
    """Send a parked event back to the workers with a fresh count of attempts.

    The last error stays on the row (also after a later success). On PostgreSQL with the job
    queue installed, a new job is deferred in this same transaction.

    Raises:
        EventNotFound: no such event in the tenant.
        EventNotParked: the event is pending or done.
    """
    row = session.execute(select(_outbox)
                          .where(_t.tenant_id == tenant_id, _t.event_id == event_id)
                          .with_for_update()).first()
    if row is None:
        raise EventNotFound(event_id=event_id)
    if row.status != "parked":
        raise EventNotParked(event_id=event_id, status=row.status)
    session.execute(update(_outbox).where(_t.id == row.id)
                    .values(status="pending", attempts=0, processed_at=None))
    from engine import queue_pg  # here, not at the top: the queue imports this module

    queue_pg.defer_event_if_installed(session, tenant_id, row.id, row.key)
    fresh = session.execute(select(_outbox).where(_t.id == row.id)).one()
    return _public(fresh)


__all__ = [
    "EventHandler",
    "NullHandler",
    "Outcome",
    "OutboxRecord",
    "RetryPolicy",
    "claim_effect",
    "list_events",
    "load_handler",
    "pending_batch",
    "process_event",
    "record_failure",
    "retry_parked",
]
