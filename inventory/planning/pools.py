"""Channel stock pools (渠道库存池): channels, their pools, and what orders take from them.

A sales order that names a channel whose pool covers its warehouse takes each line from
that pool in the order's confirm transaction, and a cancel gives back what had not shipped.
Orders without a channel, or whose channel has no pool in the warehouse, do not touch pools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory import guarantees, levels
from inventory.documents.runner import milli as _m
from inventory.documents.runner import table_of
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse
from inventory.planning.errors import (
    ChannelPaused,
    InvalidPlanningInput,
    PoolShort,
    UnknownChannel,
)
from inventory.planning.models import ChannelPool, ChannelPoolEntry, SalesChannel
from kernel.errors import Conflict

_pools = table_of(ChannelPool)
_ZERO = Decimal("0.000")


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolSetting:
    """What a pool line should hold: a target (quantity or share of available) and a threshold."""

    sku: str
    warehouse: str
    threshold_qty: Decimal
    target_qty: Decimal | None = None
    target_share_pct: Decimal | None = None


def create_channel(session: Session, tenant_id: int, code: str, name: str, now: datetime
                   ) -> SalesChannel:
    """Create a sales channel.

    Raises:
        Conflict: the code exists in this tenant.
    """
    row = SalesChannel(tenant_id=tenant_id, code=code, name=name, is_paused=False,
                       paused_reason="", created_at=now)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind="sales_channel", kind_zh="销售渠道", key=code) from exc
    return row


def channel_by_code(session: Session, code: str) -> SalesChannel:
    """The channel ``code`` of the session's tenant.

    Raises:
        UnknownChannel: no such code.
    """
    row = session.scalar(select(SalesChannel).where(SalesChannel.code == code)
                         .execution_options(populate_existing=True))
    if row is None:
        raise UnknownChannel(channel=code)
    return row


def channel_view(row: SalesChannel) -> dict[str, Any]:
    """A channel as the API shows it."""
    return {"code": row.code, "name": row.name, "is_paused": row.is_paused,
            "paused_reason": row.paused_reason,
            "paused_at": row.paused_at.isoformat() if row.paused_at else None}


def pause_channel(session: Session, tenant_id: int, row: SalesChannel, reason: str,
                  actor: str, now: datetime) -> bool:
    """Pause a channel (its orders are refused) and emit ``channel.paused``; False if it was."""
    if row.is_paused:
        return False
    row.is_paused, row.paused_reason, row.paused_at = True, reason, now
    session.flush()
    guarantees.append_event(session, tenant_id, guarantees.new_event_id(), "channel.paused",
                            f"channel:{row.code}", {"type": "channel.paused",
                                                    "channel": row.code, "reason": reason,
                                                    "actor": actor}, now)
    return True


def resume_channel(session: Session, tenant_id: int, row: SalesChannel, actor: str,
                   now: datetime) -> bool:
    """Let a paused channel sell again and emit ``channel.resumed``; False if it was not paused."""
    if not row.is_paused:
        return False
    reason = row.paused_reason
    row.is_paused, row.paused_reason, row.paused_at = False, "", None
    session.flush()
    guarantees.append_event(session, tenant_id, guarantees.new_event_id(), "channel.resumed",
                            f"channel:{row.code}", {"type": "channel.resumed",
                                                    "channel": row.code,
                                                    "paused_reason": reason,
                                                    "actor": actor}, now)
    return True


def set_pool(session: Session, tenant_id: int, channel: SalesChannel, setting: PoolSetting,
             now: datetime) -> ChannelPool:
    """Create or change a pool line's target and threshold (what it holds moves on rebalance).

    Raises:
        UnknownItem, UnknownWarehouse: names not in the tenant.
        InvalidPlanningInput: neither or both targets, or a negative number.
    """
    if (setting.target_qty is None) == (setting.target_share_pct is None):
        raise InvalidPlanningInput(field="target", reason="give target_qty or target_share_pct",
                                   reason_zh="请给出目标数量或目标占比之一")
    for name, value in (("threshold_qty", setting.threshold_qty),
                        ("target_qty", setting.target_qty),
                        ("target_share_pct", setting.target_share_pct)):
        if value is not None and (value < 0 or value != value.quantize(Decimal("0.001"))):
            raise InvalidPlanningInput(field=name, reason="must be ≥ 0 with ≤ 3 decimals",
                                       reason_zh="须 ≥ 0 且最多 3 位小数")
    if setting.target_share_pct is not None and setting.target_share_pct > 100:
        raise InvalidPlanningInput(field="target_share_pct", reason="must be ≤ 100",
                                   reason_zh="须 ≤ 100")
    item = item_by_sku(session, setting.sku)
    warehouse = warehouse_by_code(session, setting.warehouse)
    row = session.scalar(select(ChannelPool).where(
        ChannelPool.channel_id == channel.id, ChannelPool.warehouse_id == warehouse.id,
        ChannelPool.item_id == item.id))
    if row is None:
        row = ChannelPool(tenant_id=tenant_id, channel_id=channel.id, warehouse_id=warehouse.id,
                          item_id=item.id, qty=_ZERO)
        session.add(row)
    row.target_qty, row.target_share_pct = setting.target_qty, setting.target_share_pct
    row.threshold_qty, row.updated_at = setting.threshold_qty, now
    session.flush()
    return row


def pools_page(session: Session, channel: str | None, warehouse: str | None, sku: str | None,
               offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Pool lines with their channel, warehouse and SKU, optionally filtered by each."""
    stmt = (select(ChannelPool, SalesChannel.code, Warehouse.code, Item.sku)
            .join(SalesChannel, SalesChannel.id == ChannelPool.channel_id)
            .join(Warehouse, Warehouse.id == ChannelPool.warehouse_id)
            .join(Item, Item.id == ChannelPool.item_id))
    for column, value in ((SalesChannel.code, channel), (Warehouse.code, warehouse),
                          (Item.sku, sku)):
        if value:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(SalesChannel.code, Warehouse.code, Item.sku)
                           .offset(offset).limit(limit)).all()
    return [pool_view(pool, c, w, s) for pool, c, w, s in rows], total


def pool_view(pool: ChannelPool, channel: str, warehouse: str, sku: str) -> dict[str, Any]:
    """A pool line as the API shows it."""
    def s(v: Decimal | None) -> str | None:
        return None if v is None else str(v)
    return {"channel": channel, "warehouse": warehouse, "sku": sku, "qty": str(pool.qty),
            "target_qty": s(pool.target_qty), "target_share_pct": s(pool.target_share_pct),
            "threshold_qty": str(pool.threshold_qty), "updated_at": pool.updated_at.isoformat()}


def _has_pool(session: Session, channel: SalesChannel, warehouse: Warehouse) -> bool:
    return bool(session.scalar(select(exists().where(
        ChannelPool.channel_id == channel.id, ChannelPool.warehouse_id == warehouse.id))))


# Invariant: a pool never goes below zero, and two orders never both take its last units.
# Each take is ONE conditional UPDATE (… WHERE qty >= :want); zero rows means the pool is
# short (or another order took it first) and the whole confirm rolls back, reservations and
# all. The sales order runner locks balances before pools; a rebalance locks pools and only
# reads balances, so the two never wait on each other in a cycle.
def take_for_order(session: Session, tenant_id: int, channel_code: str, order_no: str,
                   warehouse: Warehouse, lines: Sequence[tuple[Item, Decimal]], now: datetime
                   ) -> list[dict[str, str]]:
    """Take an order's lines from its channel's pool in ``warehouse``; returns what was taken.

    Raises:
        UnknownChannel: the channel no longer exists.
        ChannelPaused: the channel is paused.
        PoolShort: the pool holds less of a SKU than the order asks (names SKU, held, asked).
    """
    channel = channel_by_code(session, channel_code)
    if channel.is_paused:
        raise ChannelPaused(channel=channel.code, reason=channel.paused_reason or "—",
                            no=order_no)
    if not _has_pool(session, channel, warehouse):
        return []
    wanted: dict[int, tuple[Item, Decimal]] = {}
    for item, qty in lines:
        held = wanted.get(item.id, (item, _ZERO))[1]
        wanted[item.id] = (item, held + qty)
    taken = []
    for item_id in sorted(wanted):  # pools in ascending item id, like balances
        item, qty = wanted[item_id]
        pool = session.scalar(select(ChannelPool).where(
            ChannelPool.channel_id == channel.id, ChannelPool.warehouse_id == warehouse.id,
            ChannelPool.item_id == item_id))
        changed = pool is not None and session.execute(
            update(_pools).where(_pools.c.id == pool.id, _pools.c.tenant_id == tenant_id,
                                 _pools.c.qty >= _m(qty))
            .values(qty=_pools.c.qty - _m(qty), updated_at=now)).rowcount == 1  # type: ignore[attr-defined]
        if pool is None or not changed:
            held_now = _ZERO if pool is None else session.scalar(
                select(ChannelPool.qty).where(ChannelPool.id == pool.id)
                .execution_options(populate_existing=True))
            raise PoolShort(channel=channel.code, sku=item.sku, warehouse=warehouse.code,
                            held=held_now, requested=qty, no=order_no)
        session.add(ChannelPoolEntry(tenant_id=tenant_id, pool_id=pool.id, qty=-qty,
                                     reason="order", document_ref=order_no, created_at=now))
        levels.pool_changed(session, tenant_id, pool, -qty, "order", now)
        taken.append({"sku": item.sku, "qty": str(qty)})
    session.flush()
    return taken


def give_back_for_order(session: Session, tenant_id: int, order_no: str,
                        open_lines: Sequence[tuple[Item, Decimal]], now: datetime) -> None:
    """Return to the pools what a cancelled order took and did not ship."""
    if not open_lines:
        return
    net: dict[int, Decimal] = dict(session.execute(
        select(ChannelPoolEntry.pool_id, func.sum(ChannelPoolEntry.qty))
        .where(ChannelPoolEntry.document_ref == order_no,
               ChannelPoolEntry.reason.in_(("order", "cancel")))
        .group_by(ChannelPoolEntry.pool_id)).all())
    if not net:
        return
    pools = {p.item_id: p for p in session.scalars(
        select(ChannelPool).where(ChannelPool.id.in_(net.keys())))}
    open_by_item: dict[int, Decimal] = {}
    for item, qty in open_lines:
        open_by_item[item.id] = open_by_item.get(item.id, _ZERO) + qty
    for item_id in sorted(open_by_item):
        pool = pools.get(item_id)
        if pool is None:
            continue
        taken = -Decimal(net[pool.id])
        back = min(taken, open_by_item[item_id])
        if back <= 0:
            continue
        session.execute(update(_pools).where(_pools.c.id == pool.id,
                                             _pools.c.tenant_id == tenant_id)
                        .values(qty=_pools.c.qty + _m(back), updated_at=now))
        session.add(ChannelPoolEntry(tenant_id=tenant_id, pool_id=pool.id, qty=back,
                                     reason="cancel", document_ref=order_no, created_at=now))
        levels.pool_changed(session, tenant_id, pool, back, "cancel", now)
    session.flush()
