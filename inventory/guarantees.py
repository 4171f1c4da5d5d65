"""The three guarantees the core rests on, each stated where it is kept.

1. A balance never goes below zero and never reserves more than is on hand.
2. An Idempotency-Key changes stock at most once.
3. Every change appends its domain event in the same transaction (the outbox).

Every function here runs inside the caller's write transaction and reports
failure by its return value; the command turns that into a named refusal.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inventory.models import LotBalance, StockBalance
from kernel.models import IdempotencyRecord, OutboxEvent
from kernel.types import to_milli

_sb = StockBalance.__table__.c
_lb = LotBalance.__table__.c


def _m(qty: Decimal) -> ColumnElement[int]:
    """A quantity as a typed thousandths literal (never re-scaled by the column type)."""
    return literal(to_milli(qty), BigInteger)


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table))


# --- 1. Balances -----------------------------------------------------------------------------
#
# Invariant: 0 <= reserved <= on_hand for every (item, warehouse), and on_hand >= 0 for
# every lot. Each decrement is ONE conditional UPDATE whose WHERE clause re-checks the
# condition against the row it is about to change; zero rows updated means "refused".
# Why no race breaks it: on PostgreSQL the UPDATE takes the row lock and, if another
# transaction changed the row meanwhile, re-evaluates the WHERE on the newest version
# (READ COMMITTED's EvalPlanQual) before writing; on SQLite the write transaction began
# IMMEDIATE, so no other writer runs at all. The CHECK constraints on the tables are a
# second wall should a bug ever skip this module.
#
# Lock order: a command touching several balances calls these in ascending
# (item_id, warehouse_id) order, and lot balances only after their item's stock balance,
# so two commands never wait on each other in a cycle.


def ensure_balance(session: Session, tenant_id: int, item_id: int, warehouse_id: int) -> None:
    """Create the zero balance row of (item, warehouse) if it does not exist yet."""
    stmt = _insert(session, StockBalance.__table__).values(
        tenant_id=tenant_id, item_id=item_id, warehouse_id=warehouse_id, on_hand=0, reserved=0
    ).on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "warehouse_id"])
    session.execute(stmt)


def ensure_lot_balance(
    session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int
) -> None:
    """Create the zero lot balance row if it does not exist yet."""
    stmt = _insert(session, LotBalance.__table__).values(
        tenant_id=tenant_id, item_id=item_id, warehouse_id=warehouse_id, lot_id=lot_id, on_hand=0
    ).on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "warehouse_id", "lot_id"])
    session.execute(stmt)


def _balance_where(tenant_id: int, item_id: int, warehouse_id: int) -> list[ColumnElement[bool]]:
    return [_sb.tenant_id == tenant_id, _sb.item_id == item_id, _sb.warehouse_id == warehouse_id]


def add_on_hand(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                qty: Decimal) -> None:
    """Add goods (qty > 0) to an existing balance row."""
    session.execute(update(StockBalance.__table__)
                    .where(*_balance_where(tenant_id, item_id, warehouse_id))
                    .values(on_hand=_sb.on_hand + _m(qty)))


def take_available(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                   qty: Decimal) -> bool:
    """Remove ``qty`` of unreserved stock; False (and nothing changed) if not available."""
    result = session.execute(
        update(StockBalance.__table__)
        .where(*_balance_where(tenant_id, item_id, warehouse_id),
               _sb.on_hand - _sb.reserved >= _m(qty))
        .values(on_hand=_sb.on_hand - _m(qty)))
    return result.rowcount == 1  # type: ignore[attr-defined]


def take_reserved(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                  qty: Decimal) -> bool:
    """Remove ``qty`` of reserved stock (a shipment consuming its hold)."""
    result = session.execute(
        update(StockBalance.__table__)
        .where(*_balance_where(tenant_id, item_id, warehouse_id), _sb.reserved >= _m(qty))
        .values(on_hand=_sb.on_hand - _m(qty), reserved=_sb.reserved - _m(qty)))
    return result.rowcount == 1  # type: ignore[attr-defined]


def hold(session: Session, tenant_id: int, item_id: int, warehouse_id: int, qty: Decimal) -> bool:
    """Reserve ``qty`` of available stock; False if not available."""
    result = session.execute(
        update(StockBalance.__table__)
        .where(*_balance_where(tenant_id, item_id, warehouse_id),
               _sb.on_hand - _sb.reserved >= _m(qty))
        .values(reserved=_sb.reserved + _m(qty)))
    return result.rowcount == 1  # type: ignore[attr-defined]


def unhold(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
           qty: Decimal) -> bool:
    """Give back ``qty`` of a hold."""
    result = session.execute(
        update(StockBalance.__table__)
        .where(*_balance_where(tenant_id, item_id, warehouse_id), _sb.reserved >= _m(qty))
        .values(reserved=_sb.reserved - _m(qty)))
    return result.rowcount == 1  # type: ignore[attr-defined]


def add_lot(session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int,
            qty: Decimal) -> None:
    """Add goods to a lot balance row (which must exist)."""
    session.execute(update(LotBalance.__table__)
                    .where(_lb.tenant_id == tenant_id, _lb.item_id == item_id,
                           _lb.warehouse_id == warehouse_id, _lb.lot_id == lot_id)
                    .values(on_hand=_lb.on_hand + _m(qty)))


def take_lot(session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int,
             qty: Decimal) -> bool:
    """Remove goods from a lot; False if the lot holds less than ``qty``."""
    result = session.execute(
        update(LotBalance.__table__)
        .where(_lb.tenant_id == tenant_id, _lb.item_id == item_id,
               _lb.warehouse_id == warehouse_id, _lb.lot_id == lot_id, _lb.on_hand >= _m(qty))
        .values(on_hand=_lb.on_hand - _m(qty)))
    return result.rowcount == 1  # type: ignore[attr-defined]


# --- 2. Idempotency --------------------------------------------------------------------------
#
# Invariant: for one (tenant, key) at most one transaction that changed stock commits.
# The key is claimed with INSERT … ON CONFLICT DO NOTHING as the command's first write. A
# second request with the same key either finds the committed record (and returns its
# stored response) or, on PostgreSQL, blocks on the unique index until the first
# transaction ends: committed → it sees the record; rolled back → it claims the key itself.
# On SQLite, IMMEDIATE transactions run one at a time. A refused command rolls back its
# claim too, so retrying a refusal re-checks instead of replaying a stale "no".


class Replay:
    """The stored first response of an idempotent command."""

    __slots__ = ("response",)

    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response


def claim_key(session: Session, tenant_id: int, key: str, command: str, request_hash: str,
              now: datetime) -> Replay | None:
    """Claim ``key`` for this command, or return the first response given under it.

    Returns ``None`` when the key is new (the caller proceeds), a :class:`Replay`
    otherwise. Raises ``IdempotencyKeyReused`` (from the caller's module) via the
    returned record check in :func:`check_replay`.
    """
    t = IdempotencyRecord.__table__
    stmt = _insert(session, t).values(
        tenant_id=tenant_id, key=key, command=command, request_hash=request_hash,
        response=None, created_at=now,
    ).on_conflict_do_nothing(index_elements=["tenant_id", "key"]).returning(t.c.id)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT without it.
    if session.execute(stmt).first() is not None:
        return None
    row = session.execute(
        select(t.c.command, t.c.request_hash, t.c.response)
        .where(t.c.tenant_id == tenant_id, t.c.key == key)).one()
    return Replay({"command": row.command, "request_hash": row.request_hash,
                   "response": row.response})


def store_response(session: Session, tenant_id: int, key: str, response: dict[str, Any]) -> None:
    """Keep the response of the command that claimed ``key``."""
    t = IdempotencyRecord.__table__
    session.execute(update(t).where(t.c.tenant_id == tenant_id, t.c.key == key)
                    .values(response=response))


# --- 3. Outbox -------------------------------------------------------------------------------
#
# Invariant: a stock change and its domain event commit or roll back together. The event
# is an INSERT in the same transaction as the ledger rows; workers read committed events
# only, so no event exists for a change that did not happen and no change lacks its event.


def new_event_id() -> str:
    """A fresh event id (uuid4 text); ids come from the shell, never from evaluation."""
    return str(uuid.uuid4())


def append_event(session: Session, tenant_id: int, event_id: str, event_type: str, key: str,
                 payload: dict[str, Any], now: datetime) -> None:
    """Append a domain event to the outbox in the caller's transaction."""
    session.execute(OutboxEvent.__table__.insert().values(
        tenant_id=tenant_id, event_id=event_id, type=event_type, key=key, payload=payload,
        occurred_at=now, status="pending", attempts=0))
