"""The imperative shell every document service shares.

One action = one write transaction: claim the Idempotency-Key, move the status with a
conditional UPDATE, call the stock logic with the same session, append the document's
event, store the response.

Lock order inside it: the idempotency record, the document row, its parent order's lines
(by line number) and row, and only then stock balances in ascending (item, warehouse) —
the order :mod:`inventory.guarantees` asks for. Shipping and put-away therefore update
the order before touching stock, so they never wait in a cycle with an order's cancel
(order row → balances). Confirm writes its lines after the balances, but a draft order
has no shipments or returns that could hold those lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import BigInteger, ColumnElement, Table, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from inventory import guarantees, guards
from inventory.commands import CommandContext
from inventory.documents.errors import (
    DuplicateDocument,
    InvalidTransition,
    UnknownDocument,
    document_context,
)
from inventory.guards import StockGuard
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.types import to_milli

T = TypeVar("T")
S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
Work = Callable[[Session, datetime], dict[str, Any]]


class DocumentRow(Protocol):
    """What every document table has."""

    id: Any
    tenant_id: Any
    no: Any
    status: Any
    updated_at: Any


class DocumentRunner:
    """Runs document actions, each in one write transaction, idempotent by key."""

    def __init__(self, db: Database, clock: Clock, guard: StockGuard | None = None) -> None:
        """``guard`` is asked about confirms and returns inside their transaction."""
        self.db = db
        self.clock = clock
        self.guard = guard

    def check(self, session: Session, ctx: CommandContext, event_type: str,
              entities: dict[str, Any], now: datetime) -> None:
        """Let the guard rules refuse a request (raises their refusal)."""
        guards.check(self.guard, session, ctx.tenant_id, event_type, entities, now)

    def write(self, ctx: CommandContext, command: str, request: Mapping[str, Any],
              work: Work) -> dict[str, Any]:
        """Run ``work`` in one write transaction; with a key, at most once.

        Raises:
            IdempotencyKeyReused: the key was first used for a different request.
            DomainError: whatever ``work`` refuses; the whole transaction rolls back.
        """
        now = tenant_now(self.clock, ctx.tenant_id)
        with self.db.write(ctx.tenant_id) as session:
            key = ctx.idempotency_key
            if key is not None:
                digest = guarantees.request_fingerprint(command, request)
                first = guarantees.claim_key(session, ctx.tenant_id, key, command, digest, now)
                if first is not None:
                    return {**first, "replayed": True}
            result = work(session, now)
            if key is not None:
                guarantees.store_response(session, ctx.tenant_id, key, result)
            return {**result, "replayed": False}

    def read(self, tenant_id: int, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one read-only transaction of the tenant."""
        with self.db.read(tenant_id) as session:
            return work(session)


def find(session: Session, model: type[T], document: str, no: str) -> T:
    """The document ``no`` of the session's tenant.

    Raises:
        UnknownDocument: no such number in the tenant.
    """
    number: Any = cast(Any, model).no
    row: T | None = session.scalars(select(model).where(number == no)
                                    .execution_options(populate_existing=True)).first()
    if row is None:
        raise UnknownDocument(no=no, **document_context(document))
    return row


def insert_header(session: Session, row: DocumentRow, document: str, prefix: str,
                  requested_no: str | None, now: datetime) -> None:
    """Insert a document header under the requested number, or a fresh one.

    A fresh number is ``<prefix>-<yyyymmdd>-<6 hex>``: random rather than counted, so two
    concurrent creates never race for the same "next" number and numbers reveal nothing.

    Raises:
        DuplicateDocument: the requested number is taken in this tenant.
    """
    for _attempt in range(5):
        row.no = requested_no or f"{prefix}-{now:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
            return
        except IntegrityError as exc:
            if row in session:
                session.expunge(row)
            if requested_no:
                raise DuplicateDocument(no=requested_no, **document_context(document)) from exc
    raise DuplicateDocument(no=row.no, **document_context(document))


# Invariant: a document's status only moves along its transition table, and two actions
# on one document never both succeed from the same status. The move is ONE conditional
# UPDATE (… WHERE id = :id AND status = :old); zero rows means another transaction moved
# it first. On PostgreSQL the UPDATE takes the row lock and re-reads the newest status
# (READ COMMITTED's EvalPlanQual) before writing; on SQLite the write transaction began
# IMMEDIATE, so nobody else writes at all.
def advance(session: Session, row: DocumentRow, status_type: type[S],
            transition: Callable[[S, A, str], S], action: A, now: datetime) -> tuple[S, S]:
    """Move ``row`` by ``action``; returns (old status, new status).

    Raises:
        InvalidTransition: the status (as it is now in the database) does not allow it.
    """
    old = status_type(row.status)
    new = transition(old, action, row.no)
    table = table_of(type(row))
    result = session.execute(
        update(table).where(table.c.id == row.id, table.c.tenant_id == row.tenant_id,
                            table.c.status == old.value)
        .values(status=new.value, updated_at=now))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = status_type(str(session.scalar(select(table.c.status)
                                                 .where(table.c.id == row.id))))
        transition(current, action, row.no)  # raises with the allowed actions of ``current``
        raise InvalidTransition(document=table.name, status=current.value,
                                action=action.value, allowed=[], no=row.no)
    set_committed_value(row, "status", new.value)
    set_committed_value(row, "updated_at", now)
    return old, new


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class (typed, for conditional UPDATEs)."""
    return cast(Table, model.__table__)


def emit(session: Session, ctx: CommandContext, key: str, payload: Mapping[str, Any],
         now: datetime) -> str:
    """Append a document event (its ``type`` is in the payload) to the outbox; returns its id."""
    event_id = guarantees.new_event_id()
    guarantees.append_event(session, ctx.tenant_id, event_id, str(payload["type"]), key,
                            dict(payload), now)
    return event_id


def page(session: Session, model: type[Any], status: str | None, offset: int, limit: int
         ) -> tuple[list[Any], int]:
    """Documents of the tenant, newest first, optionally of one status."""
    stmt = select(model)
    if status:
        stmt = stmt.where(model.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows: Sequence[Any] = session.scalars(stmt.order_by(model.created_at.desc(), model.id.desc())
                           .offset(offset).limit(limit)).all()
    return list(rows), total


def milli(value: Decimal) -> ColumnElement[int]:
    """A quantity as a typed thousandths literal (never re-scaled by the column type)."""
    return literal(to_milli(value), BigInteger)


def qty(value: Decimal | None) -> str | None:
    """A quantity or amount as the decimal string events and responses carry."""
    return None if value is None else str(value)


def when(value: datetime | date | None) -> str | None:
    """A time or date as ISO 8601 text."""
    return None if value is None else value.isoformat()
