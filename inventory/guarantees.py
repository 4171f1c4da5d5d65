"""The three guarantees the core rests on, each stated where it is kept.

1. A balance never goes below zero and never reserves more than is on hand.
2. An Idempotency-Key changes stock at most once.
3. Every change appends its domain event in the same transaction (the outbox).

Every function here runs inside the caller's write transaction and reports
failure by its return value; the command turns that into a named refusal.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, CursorResult, Table, literal, select, update
from sqlalchemy.orm import Session

from inventory.errors import IdempotencyKeyReused
from inventory.models import LotBalance, StockBalance
from kernel.db import Driver, Sql, dialect_insert
from kernel.models import IdempotencyRecord
from kernel.types import from_milli, to_milli

_SB = cast(Table, StockBalance.__table__)
_LB = cast(Table, LotBalance.__table__)
_sb = _SB.c
_lb = _LB.c


def changed_one(result: Any) -> bool:
    """True when a conditional UPDATE changed exactly one row (zero means refused)."""
    return int(cast(CursorResult[Any], result).rowcount) == 1


def _m(qty: Decimal) -> ColumnElement[int]:
    """A quantity as a typed thousandths literal (never re-scaled by the column type)."""
    return literal(to_milli(qty), BigInteger)


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
    stmt = dialect_insert(session, StockBalance.__table__).values(
        tenant_id=tenant_id, item_id=item_id, warehouse_id=warehouse_id, on_hand=0, reserved=0
    ).on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "warehouse_id"])
    session.execute(stmt)


def ensure_lot_balance(
    session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int
) -> None:
    """Create the zero lot balance row if it does not exist yet."""
    stmt = dialect_insert(session, LotBalance.__table__).values(
        tenant_id=tenant_id, item_id=item_id, warehouse_id=warehouse_id, lot_id=lot_id, on_hand=0
    ).on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "warehouse_id", "lot_id"])
    session.execute(stmt)


def _balance_where(tenant_id: int, item_id: int, warehouse_id: int) -> list[ColumnElement[bool]]:
    return [_sb.tenant_id == tenant_id, _sb.item_id == item_id, _sb.warehouse_id == warehouse_id]


def add_on_hand(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                qty: Decimal) -> None:
    """Add goods (qty > 0) to an existing balance row."""
    session.execute(update(_SB)
                    .where(*_balance_where(tenant_id, item_id, warehouse_id))
                    .values(on_hand=_sb.on_hand + _m(qty)))


def take_available(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                   qty: Decimal) -> bool:
    """Remove ``qty`` of unreserved stock; False (and nothing changed) if not available."""
    result = session.execute(
        update(_SB)
        .where(*_balance_where(tenant_id, item_id, warehouse_id),
               _sb.on_hand - _sb.reserved >= _m(qty))
        .values(on_hand=_sb.on_hand - _m(qty)))
    return changed_one(result)


def take_reserved(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
                  qty: Decimal) -> bool:
    """Remove ``qty`` of reserved stock (a shipment consuming its hold)."""
    result = session.execute(
        update(_SB)
        .where(*_balance_where(tenant_id, item_id, warehouse_id), _sb.reserved >= _m(qty))
        .values(on_hand=_sb.on_hand - _m(qty), reserved=_sb.reserved - _m(qty)))
    return changed_one(result)


def hold(session: Session, tenant_id: int, item_id: int, warehouse_id: int, qty: Decimal) -> bool:
    """Reserve ``qty`` of available stock; False if not available."""
    result = session.execute(
        update(_SB)
        .where(*_balance_where(tenant_id, item_id, warehouse_id),
               _sb.on_hand - _sb.reserved >= _m(qty))
        .values(reserved=_sb.reserved + _m(qty)))
    return changed_one(result)


def unhold(session: Session, tenant_id: int, item_id: int, warehouse_id: int,
           qty: Decimal) -> bool:
    """Give back ``qty`` of a hold."""
    result = session.execute(
        update(_SB)
        .where(*_balance_where(tenant_id, item_id, warehouse_id), _sb.reserved >= _m(qty))
        .values(reserved=_sb.reserved - _m(qty)))
    return changed_one(result)


def add_lot(session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int,
            qty: Decimal) -> None:
    """Add goods to a lot balance row (which must exist)."""
    session.execute(update(_LB)
                    .where(_lb.tenant_id == tenant_id, _lb.item_id == item_id,
                           _lb.warehouse_id == warehouse_id, _lb.lot_id == lot_id)
                    .values(on_hand=_lb.on_hand + _m(qty)))


def take_lot(session: Session, tenant_id: int, item_id: int, warehouse_id: int, lot_id: int,
             qty: Decimal) -> bool:
    """Remove goods from a lot; False if the lot holds less than ``qty``."""
    result = session.execute(
        update(_LB)
        .where(_lb.tenant_id == tenant_id, _lb.item_id == item_id,
               _lb.warehouse_id == warehouse_id, _lb.lot_id == lot_id, _lb.on_hand >= _m(qty))
        .values(on_hand=_lb.on_hand - _m(qty)))
    return changed_one(result)


# The hot path of a plain shipment (no reservation, no lot named) does the same in
# hand-written SQL through the session's own cursor (kernel.db.Driver), in the same
# transaction. Each statement names ``tenant_id = :tenant_id`` for every table it touches,
# because hand-written SQL bypasses the tenant-scoping listener.
#
# take_available_by_name is still ONE conditional UPDATE re-checking on_hand - reserved
# against the row it changes; it also resolves the SKU and warehouse code (immutable rows)
# in sub-selects, and refuses (changes nothing) when an expired hold of the balance is
# still active, so the caller falls back to the full path, which releases those holds
# first exactly as before: an expired hold never blocks a sale, and is released by the
# command that finds it. ``reserved = 0`` skips that probe: an active hold always holds
# qty > 0 (zero quantities are refused and a hold consumed to zero ends), so none exists.

_TAKE_AVAILABLE_BY_NAME = Sql("""
    UPDATE stock_balance SET on_hand = on_hand - :qty
    WHERE tenant_id = :tenant_id
      AND item_id = (SELECT id FROM item WHERE tenant_id = :tenant_id AND sku = :sku)
      AND warehouse_id = (SELECT id FROM warehouse
                          WHERE tenant_id = :tenant_id AND code = :warehouse)
      AND on_hand - reserved >= :qty
      AND (reserved = 0 OR NOT EXISTS (
            SELECT 1 FROM reservation r
            WHERE r.tenant_id = :tenant_id AND r.item_id = stock_balance.item_id
              AND r.warehouse_id = stock_balance.warehouse_id
              AND r.status = 'active' AND r.expires_at <= :now))
    RETURNING item_id, warehouse_id, on_hand, reserved
""")

# FEFO select and lot decrement in one statement when the first lot covers the quantity;
# the caller falls back to the lot-by-lot loop when it returns no row. It runs after the
# stock balance decrement, whose row lock keeps this item's lots still (lock order above).
_TAKE_FIRST_LOT = Sql("""
    UPDATE lot_balance SET on_hand = on_hand - :qty
    WHERE tenant_id = :tenant_id AND on_hand >= :qty
      AND id = (SELECT lb.id FROM lot_balance lb
                JOIN lot l ON l.id = lb.lot_id AND l.tenant_id = :tenant_id
                WHERE lb.tenant_id = :tenant_id AND lb.item_id = :item_id
                  AND lb.warehouse_id = :warehouse_id AND lb.on_hand > 0
                  AND NOT EXISTS (SELECT 1 FROM lot_freeze f
                                  WHERE f.tenant_id = :tenant_id AND f.lot_id = lb.lot_id
                                    AND f.warehouse_id = lb.warehouse_id
                                    AND f.status = 'frozen')
                ORDER BY l.expiry_date IS NULL, l.expiry_date, l.lot_no, l.id
                LIMIT 1)
    RETURNING lot_id, (SELECT lot_no FROM lot
                       WHERE lot.tenant_id = :tenant_id AND lot.id = lot_balance.lot_id)
""")


def take_available_by_name(driver: Driver, tenant_id: int, sku: str, warehouse: str,
                           qty: Decimal, now: datetime
                           ) -> tuple[int, int, Decimal, Decimal] | None:
    """Remove ``qty`` of unreserved stock named by SKU and warehouse code.

    Returns (item id, warehouse id, on_hand, reserved) after the change, or None (nothing
    changed) when the names are unknown, the balance is short, or an expired hold of it
    is still active: the caller then takes the full path, which tells these apart.

    Raises:
        sqlalchemy.exc.DBAPIError: the database failed.
    """
    row = driver.row(_TAKE_AVAILABLE_BY_NAME, {
        "qty": to_milli(qty), "tenant_id": tenant_id, "sku": sku, "warehouse": warehouse,
        "now": driver.time(now)})
    if row is None:
        return None
    return int(row[0]), int(row[1]), from_milli(row[2]), from_milli(row[3])


def take_first_lot(driver: Driver, tenant_id: int, item_id: int, warehouse_id: int,
                   qty: Decimal) -> tuple[int, str] | None:
    """Remove ``qty`` from the first lot in FEFO order if it holds that much (lots frozen in
    that warehouse, see :mod:`inventory.lots`, are passed over).

    Returns (lot id, lot number), or None (nothing changed) when the first lot holds less.

    Raises:
        sqlalchemy.exc.DBAPIError: the database failed.
    """
    row = driver.row(_TAKE_FIRST_LOT, {
        "qty": to_milli(qty), "tenant_id": tenant_id, "item_id": item_id,
        "warehouse_id": warehouse_id})
    return None if row is None else (int(row[0]), str(row[1]))


# --- 2. Idempotency --------------------------------------------------------------------------
#
# Invariant: for one (tenant, key) at most one transaction that changed stock commits.
# The key is claimed with INSERT … ON CONFLICT DO NOTHING as the command's first write. A
# second request with the same key either finds the committed record (and returns its
# stored response) or, on PostgreSQL, blocks on the unique index until the first
# transaction ends: committed → it sees the record; rolled back → it claims the key itself.
# On SQLite, IMMEDIATE transactions run one at a time. A refused command rolls back its
# claim too, so retrying a refusal re-checks instead of replaying a stale "no".


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple | frozenset):
        return list(value)
    raise TypeError(type(value).__name__)


def request_fingerprint(command: str, request: Mapping[str, Any]) -> str:
    """sha256 of a command's name and content, to tell a repeat from a reused key."""
    body = json.dumps({"command": command, **request}, sort_keys=True, default=_jsonable)
    return hashlib.sha256(body.encode()).hexdigest()


def claim_key(session: Session, tenant_id: int, key: str, command: str, request_hash: str,
              now: datetime) -> dict[str, Any] | None:
    """Claim ``key`` for this command, or return the first response given under it.

    Returns ``None`` when the key is new (the caller proceeds and later calls
    :func:`store_response`), else the first response, unchanged.

    Raises:
        IdempotencyKeyReused: the key was first used for a different request.
    """
    t = cast(Table, IdempotencyRecord.__table__)
    stmt = dialect_insert(session, t).values(
        tenant_id=tenant_id, key=key, command=command, request_hash=request_hash,
        response=None, created_at=now,
    ).on_conflict_do_nothing(index_elements=["tenant_id", "key"]).returning(t.c.id)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT without it.
    if session.execute(stmt).first() is not None:
        return None
    row = session.execute(
        select(t.c.command, t.c.request_hash, t.c.response)
        .where(t.c.tenant_id == tenant_id, t.c.key == key)).one()
    if row.request_hash != request_hash or row.response is None:
        raise IdempotencyKeyReused(key=key, command=row.command)
    return dict(row.response)


def store_response(session: Session, tenant_id: int, key: str, response: dict[str, Any]) -> None:
    """Keep the response of the command that claimed ``key``."""
    t = cast(Table, IdempotencyRecord.__table__)
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


_APPEND_EVENT = Sql("""
    INSERT INTO outbox_event (tenant_id, event_id, type, key, payload, occurred_at, status,
                              attempts)
    VALUES (:tenant_id, :event_id, :type, :key, :payload, :occurred_at, 'pending', 0)
""")


def append_event(session: Session, tenant_id: int, event_id: str, event_type: str, key: str,
                 payload: dict[str, Any], now: datetime) -> None:
    """Append a domain event to the outbox in the caller's transaction.

    Raises:
        sqlalchemy.exc.DBAPIError: the database failed (the transaction must roll back).
    """
    driver = Driver.of(session)
    driver.run(_APPEND_EVENT, {
        "tenant_id": tenant_id, "event_id": event_id, "type": event_type, "key": key,
        "payload": driver.json(payload), "occurred_at": driver.time(now)})
