"""Shift definitions and the balance snapshot taken at each shift end (交接班快照).

:func:`take_due_snapshots` is periodic work (:mod:`engine.periodic`): every worker calls it
on the tenants' clocks, and a sandbox tenant's clock advance takes every end it passes. A
snapshot stands for one scheduled shift end, unique per shift, so two workers or a
repeated sweep never take it twice. A SKU whose on-hand moved more
than ±3 % since the warehouse's previous snapshot is flagged (from or to zero: flagged).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.documents.warehouse_models import Shift, ShiftSnapshot, ShiftSnapshotLine
from inventory.lookup import warehouse_by_code
from inventory.models import Item, StockBalance, Warehouse
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.errors import Conflict, InvalidInput, NotFound

#: A SKU moved more than this share since the previous snapshot is flagged.
FLAG_SHARE = Decimal("0.03")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ShiftSnapshotTaken(TypedDict):
    """``shift_snapshot.taken``: balances at a shift end, and the SKUs flagged."""

    type: Literal["shift_snapshot.taken"]
    snapshot_id: int
    shift: str
    warehouse: str
    shift_end_at: str
    flagged: list[dict[str, str | None]]


def create_shift(session: Session, tenant_id: int, warehouse: str, name: str, end_time: str,
                 timezone: str, now: datetime) -> Shift:
    """Define a shift of a warehouse ending daily at ``end_time`` (HH:MM in ``timezone``).

    Raises:
        UnknownWarehouse: no such warehouse.
        InvalidInput: a malformed time or an unknown time zone.
        Conflict: the warehouse already has a shift of this name.
    """
    if not _HHMM.match(end_time):
        raise InvalidInput(field="end_time", reason="must be HH:MM", reason_zh="格式须为 HH:MM")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput(field="timezone", reason="unknown time zone",
                           reason_zh="未知时区") from exc
    row = Shift(tenant_id=tenant_id, warehouse_id=warehouse_by_code(session, warehouse).id,
                name=name, end_time=end_time, timezone=timezone, created_at=now)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind="shift", kind_zh="班次", key=f"{warehouse}/{name}") from exc
    return row


def latest_end(shift: Shift, now: datetime) -> datetime:
    """The latest scheduled end of ``shift`` at or before ``now`` (aware UTC)."""
    zone = ZoneInfo(shift.timezone)
    local = now.astimezone(zone)
    hour, minute = (int(x) for x in shift.end_time.split(":"))
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end > local:
        end -= timedelta(days=1)
    return end.astimezone(UTC)


def is_flagged(previous: Decimal | None, on_hand: Decimal) -> bool:
    """True when on-hand moved more than ±3 % from ``previous`` (None: first snapshot)."""
    if previous is None:
        return False
    if previous == 0:
        return on_hand != 0
    return abs(on_hand - previous) / previous > FLAG_SHARE


def _take(session: Session, shift: Shift, end: datetime, now: datetime) -> bool:
    """Take the snapshot of ``shift`` at ``end`` unless it exists; True if taken."""
    snapshot = ShiftSnapshot(tenant_id=shift.tenant_id, shift_id=shift.id,
                             warehouse_id=shift.warehouse_id, shift_end_at=end, taken_at=now,
                             flagged_count=0)
    session.add(snapshot)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another worker took it first
        return False
    previous_id = session.scalar(
        select(ShiftSnapshot.id).where(ShiftSnapshot.warehouse_id == shift.warehouse_id,
                                       ShiftSnapshot.shift_end_at < end)
        .order_by(ShiftSnapshot.shift_end_at.desc(), ShiftSnapshot.id.desc()).limit(1))
    before: dict[int, Decimal] = {}
    if previous_id is not None:
        before = {item_id: qty for item_id, qty in session.execute(
            select(ShiftSnapshotLine.item_id, ShiftSnapshotLine.on_hand)
            .where(ShiftSnapshotLine.snapshot_id == previous_id))}
    flagged = []
    rows = session.execute(select(Item.id, Item.sku, StockBalance.on_hand)
                           .join(StockBalance, StockBalance.item_id == Item.id)
                           .where(StockBalance.warehouse_id == shift.warehouse_id)
                           .order_by(Item.sku)).all()
    for item_id, sku, on_hand in rows:
        previous = before.get(item_id, Decimal("0.000")) if previous_id is not None else None
        flag = is_flagged(previous, on_hand)
        session.add(ShiftSnapshotLine(tenant_id=shift.tenant_id, snapshot_id=snapshot.id,
                                      item_id=item_id, on_hand=on_hand,
                                      previous_on_hand=previous, is_flagged=flag))
        if flag:
            flagged.append({"sku": sku, "previous_on_hand": str(previous),
                            "on_hand": str(on_hand)})
    snapshot.flagged_count = len(flagged)
    session.flush()
    payload: ShiftSnapshotTaken = {
        "type": "shift_snapshot.taken", "snapshot_id": snapshot.id, "shift": shift.name,
        "warehouse": session.get_one(Warehouse, shift.warehouse_id).code,
        "shift_end_at": end.isoformat(), "flagged": flagged}  # type: ignore[typeddict-item]
    guarantees.append_event(session, shift.tenant_id, guarantees.new_event_id(),
                            payload["type"], f"shift:{shift.id}", dict(payload), now)
    return True


def ends_between(shift: Shift, since: datetime, now: datetime, cap: int = 400
                 ) -> list[datetime]:
    """Scheduled ends of ``shift`` in (``since``, ``now``], oldest first (at most ``cap``,
    the latest ones)."""
    ends: list[datetime] = []
    end = latest_end(shift, now)
    while end > since and len(ends) < cap:
        ends.append(end)
        end = latest_end(shift, end - timedelta(seconds=1))
    return ends[::-1]


def take_due_snapshots(db: Database, now: datetime | Clock, tenant_id: int | None = None,
                       since: datetime | None = None) -> int:
    """Take every shift's snapshot that is due and not taken yet; returns how many.

    ``now`` is a clock (each tenant's shifts end on that tenant's time, see
    :func:`kernel.clock.tenant_now`) or one moment for all. Only the latest end of each
    shift is taken (a worker down for two days does not invent the snapshots it missed),
    unless ``since`` is given: then every end after it, in order (a sandbox tenant's clock
    advance passes over them). Never an end before the shift was defined. ``tenant_id``
    limits the run to one tenant.
    """
    def time_of(owner: int) -> datetime:
        return now if isinstance(now, datetime) else tenant_now(now, owner)

    with db.read(tenant_id) as session:
        due = []
        query = select(Shift).order_by(Shift.id)
        if tenant_id is not None:
            query = query.where(Shift.tenant_id == tenant_id)
        for shift in session.scalars(query):
            moment = time_of(shift.tenant_id)
            ends = ends_between(shift, since, moment) if since is not None else \
                [latest_end(shift, moment)]
            for end in ends:
                if end < shift.created_at:
                    continue
                taken = session.scalar(select(func.count()).select_from(ShiftSnapshot).where(
                    ShiftSnapshot.shift_id == shift.id, ShiftSnapshot.shift_end_at == end))
                if not taken:
                    due.append((shift.id, shift.tenant_id, end, moment))
    count = 0
    for shift_id, owner, end, moment in due:
        with db.write(owner) as session:
            shift = session.get_one(Shift, shift_id)
            count += _take(session, shift, end, moment)
    return count


def shift_view(session: Session, shift: Shift) -> dict[str, Any]:
    """A shift as the API shows it."""
    return {"id": shift.id, "warehouse": session.get_one(Warehouse, shift.warehouse_id).code,
            "name": shift.name, "end_time": shift.end_time, "timezone": shift.timezone}


def list_shifts(session: Session) -> list[dict[str, Any]]:
    """The tenant's shifts by warehouse and end time."""
    return [shift_view(session, s) for s in session.scalars(
        select(Shift).order_by(Shift.warehouse_id, Shift.end_time, Shift.id))]


def snapshot_view(session: Session, snapshot: ShiftSnapshot, lines: bool) -> dict[str, Any]:
    """A snapshot header, with its lines (flagged first) when ``lines``."""
    shift = session.get_one(Shift, snapshot.shift_id)
    out: dict[str, Any] = {
        "id": snapshot.id, "shift": shift.name,
        "warehouse": session.get_one(Warehouse, snapshot.warehouse_id).code,
        "shift_end_at": snapshot.shift_end_at.isoformat(),
        "taken_at": snapshot.taken_at.isoformat(), "flagged_count": snapshot.flagged_count}
    if lines:
        rows = session.execute(select(ShiftSnapshotLine, Item.sku)
                               .join(Item, Item.id == ShiftSnapshotLine.item_id)
                               .where(ShiftSnapshotLine.snapshot_id == snapshot.id)
                               .order_by(ShiftSnapshotLine.is_flagged.desc(), Item.sku))
        out["lines"] = [{"sku": sku, "on_hand": str(line.on_hand),
                         "previous_on_hand": (None if line.previous_on_hand is None
                                              else str(line.previous_on_hand)),
                         "is_flagged": line.is_flagged} for line, sku in rows]
    return out


def list_snapshots(session: Session, warehouse: str | None, flagged_only: bool, offset: int,
                   limit: int) -> tuple[list[dict[str, Any]], int]:
    """Snapshots, newest first; optionally of one warehouse, or only those with flags.

    Raises:
        UnknownWarehouse: no such warehouse.
    """
    stmt = select(ShiftSnapshot)
    if warehouse:
        stmt = stmt.where(ShiftSnapshot.warehouse_id == warehouse_by_code(session, warehouse).id)
    if flagged_only:
        stmt = stmt.where(ShiftSnapshot.flagged_count > 0)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(ShiftSnapshot.shift_end_at.desc(),
                                         ShiftSnapshot.id.desc()).offset(offset).limit(limit))
    return [snapshot_view(session, r, lines=False) for r in rows], total


def get_snapshot(session: Session, snapshot_id: int) -> dict[str, Any]:
    """One snapshot with its lines.

    Raises:
        NotFound: no such snapshot in the tenant.
    """
    row = session.scalar(select(ShiftSnapshot).where(ShiftSnapshot.id == snapshot_id))
    if row is None:
        raise NotFound(kind="shift snapshot", kind_zh="交接班快照", key=str(snapshot_id))
    return snapshot_view(session, row, lines=True)
