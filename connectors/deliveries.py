"""Outbound deliveries: a durable queue in the database, retried with backoff, then dead.

A delivery row is written in the transaction of the event that caused it (the outbox
pattern, again), so an event handled is a message that will be sent, and a rolled-back
event sends nothing. The connectors runtime takes due rows (``next_attempt_at <= now`` on
its clock, so tests move a virtual clock and never sleep), sends them, and records each
attempt in the delivery log.

Taking a row is a conditional UPDATE that moves its ``next_attempt_at`` forward by a lease
only if it still holds the value that was read: two runtimes racing for one row update
it once, and a runtime that dies while sending leaves a row that becomes due again when
the lease ends. Delivery is therefore at least once; receivers deduplicate by the
``webhook-id`` header, which stays the same on every retry.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from connectors.errors import ConnectorDeleted, DeliveryNotFound
from connectors.models import Connector, Delivery, DeliveryAttempt
from kernel.db import Database

_delivery = cast(Table, Delivery.__table__)
_d = _delivery.c
#: How long a taken delivery stays invisible to other runtimes while it is being sent.
LEASE = timedelta(seconds=120)


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Exponential backoff with jitter: ``base × 2^(attempt-1)``, capped, times 0.5–1.0."""

    base_seconds: float = 10.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """Wait before the next try after ``attempts`` failures ("equal jitter": never
        below half the exponential step, so retries spread out but still back off)."""
        step = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        return timedelta(seconds=step * (0.5 + rng.random() / 2))


@dataclass(frozen=True, slots=True, kw_only=True)
class Due:
    """A delivery taken for one attempt."""

    id: int
    tenant_id: int
    delivery_id: str
    connector_id: int
    target: str
    payload: dict[str, Any]
    #: This attempt's number (1 for the first).
    attempt: int


def enqueue(session: Session, tenant_id: int, connector_id: int, target: str,
            payload: dict[str, Any], event_id: str | None, now: datetime,
            dead_reason: str | None = None) -> Delivery:
    """Add a delivery, due now, in the caller's transaction; with ``dead_reason`` (its
    mapping failed: nothing can be sent) it is a dead letter at once, with that reason."""
    row = Delivery(tenant_id=tenant_id, delivery_id=str(uuid.uuid4()), connector_id=connector_id,
                   event_id=event_id, target=target, payload=payload,
                   status="dead" if dead_reason else "pending", attempts=0,
                   last_error=dead_reason and dead_reason[:2000], next_attempt_at=now,
                   created_at=now)
    session.add(row)
    session.flush()
    return row


def take_due(db: Database, now: datetime, limit: int = 100, *,
             tenant_id: int | None = None, skip: Collection[int] = ()) -> list[Due]:
    """Deliveries due at ``now``, each leased to this caller.

    ``now`` is one tenant's time: with ``tenant_id``, that tenant's deliveries only (a
    sandbox tenant whose clock runs ahead); without, every tenant's but those in ``skip``
    (the ones whose clock is not the product's, taken on their own time).
    """
    where = [_d.status == "pending", _d.next_attempt_at <= now]
    if tenant_id is not None:
        where.append(_d.tenant_id == tenant_id)
    elif skip:
        where.append(_d.tenant_id.not_in(list(skip)))
    with db.read(tenant_id) as session:
        rows = session.execute(
            select(_d.id, _d.tenant_id, _d.delivery_id, _d.connector_id, _d.target,
                   _d.payload, _d.attempts, _d.next_attempt_at)
            .where(*where)
            .order_by(_d.next_attempt_at, _d.id).limit(limit)).all()
    taken = []
    for row in rows:
        with db.write(row.tenant_id) as session:
            leased = session.execute(
                update(_delivery)
                .where(_d.id == row.id, _d.tenant_id == row.tenant_id, _d.status == "pending",
                       _d.next_attempt_at == row.next_attempt_at)
                .values(next_attempt_at=now + LEASE).returning(_d.id)).first()
        if leased is not None:
            taken.append(Due(id=row.id, tenant_id=row.tenant_id, delivery_id=row.delivery_id,
                             connector_id=row.connector_id, target=row.target,
                             payload=row.payload, attempt=row.attempts + 1))
    return taken


def record(session: Session, due: Due, *, is_delivered: bool, status_code: int | None,
           error: str | None, duration_ms: int, max_attempts: int, now: datetime,
           backoff: Backoff, rng: random.Random, is_final: bool = False) -> str:
    """Log one attempt and move the delivery on: delivered, retry later, or dead.

    ``is_final`` ends it at once (a refusal that no retry can fix, such as egress).
    Returns the delivery's new status.
    """
    outcome = "delivered" if is_delivered else ("refused" if is_final else "failed")
    session.add(DeliveryAttempt(tenant_id=due.tenant_id, delivery_pk=due.id,
                                attempt=due.attempt, attempted_at=now, status_code=status_code,
                                outcome=outcome, error=error and error[:2000],
                                duration_ms=duration_ms))
    values: dict[str, Any] = {"attempts": due.attempt, "last_status_code": status_code,
                              "last_error": error and error[:2000]}
    if is_delivered:
        values.update(status="delivered", delivered_at=now, last_error=None)
    elif is_final or due.attempt >= max_attempts:
        values.update(status="dead")
    else:
        values.update(next_attempt_at=now + backoff.delay(due.attempt, rng))
    session.execute(update(_delivery).where(_d.id == due.id, _d.tenant_id == due.tenant_id)
                    .values(**values))
    return str(values.get("status", "pending"))


def resend(session: Session, delivery_id: str, now: datetime) -> Delivery:
    """Send a delivery again now, whatever its status (a dead letter gets a fresh budget of
    attempts; its log keeps counting).

    Raises:
        DeliveryNotFound: no such delivery in the session's tenant.
        ConnectorDeleted: its connector was deleted.
    """
    row = get(session, delivery_id)
    connector = session.get(Connector, row.connector_id)
    if connector is not None and connector.deleted_at is not None:
        raise ConnectorDeleted(name=connector.name)
    row.status, row.next_attempt_at, row.delivered_at = "pending", now, None
    session.flush()
    return row


def get(session: Session, delivery_id: str) -> Delivery:
    """One delivery of the session's tenant.

    Raises:
        DeliveryNotFound: no such delivery here.
    """
    row = session.scalar(select(Delivery).where(Delivery.delivery_id == delivery_id))
    if row is None:
        raise DeliveryNotFound(delivery_id=delivery_id)
    return row


def attempts(session: Session, delivery: Delivery) -> list[DeliveryAttempt]:
    """The delivery log of one delivery, oldest first."""
    return list(session.scalars(select(DeliveryAttempt)
                                .where(DeliveryAttempt.delivery_pk == delivery.id)
                                .order_by(DeliveryAttempt.id)))


def list_deliveries(session: Session, status: str | None, offset: int,
                    limit: int) -> tuple[list[Delivery], int]:
    """The tenant's deliveries, newest first; ``status="dead"`` is the dead-letter list."""
    stmt = select(Delivery)
    if status is not None:
        stmt = stmt.where(Delivery.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Delivery.id.desc()).offset(offset).limit(limit))
    return list(rows), total


__all__ = ["LEASE", "Backoff", "Due", "attempts", "enqueue", "get", "list_deliveries",
           "record", "resend", "take_due"]
