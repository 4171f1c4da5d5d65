"""``stock.level_changed``: the balance after every change, for tenants whose rules hear it.

The event carries the SKU × warehouse balance after the change (on hand, reserved,
available) with the safety stock and reorder point of its replenishment policy there
(0 without one). It is written in the same transaction as the change, with the change's
ordering key, but only when the tenant listens: the inventory knows nothing of rules, so
it asks an :class:`EventInterest` the engine installs ("does any production or shadow
version of this tenant trigger on this event type?"). Without one installed, or for a
tenant that does not listen, nothing more is written: the hot path stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.guarantees import append_event, new_event_id
from inventory.models import Item
from kernel.db import Driver, Sql
from kernel.types import from_milli

LEVEL_CHANGED: Final = "stock.level_changed"
CHANNEL_POOL_CHANGED: Final = "channel_pool.changed"


class EventInterest(Protocol):
    """Whether a tenant's rules hear an event type (filled by the engine)."""

    def wants(self, session: Session, tenant_id: int, event_type: str, now: datetime) -> bool:
        """True when some production or shadow version of the tenant triggers on it."""
        ...


_installed: list[EventInterest] = []


def install(interest: EventInterest) -> None:
    """Make ``interest`` the one the inventory asks (the engine calls this once)."""
    _installed[:] = [interest]


def wants(session: Session, tenant_id: int, event_type: str, now: datetime) -> bool:
    """True when the installed interest says the tenant hears ``event_type``."""
    return bool(_installed) and _installed[0].wants(session, tenant_id, event_type, now)


_POLICY = Sql("""
    SELECT safety_stock, reorder_point FROM replenishment_policy
    WHERE tenant_id = :tenant_id AND item_id = :item_id AND warehouse_id = :warehouse_id
""")


def _item_levels(session: Session, item_id: int) -> tuple[Decimal, Decimal]:
    """Safety stock and reorder point kept on the item itself (no policy at the warehouse)."""
    attributes = session.scalar(select(Item.attributes).where(Item.id == item_id)) or {}
    return _level(attributes.get("safety_stock")), _level(attributes.get("reorder_point"))


def _level(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal("0.000")
    except ArithmeticError:
        return Decimal("0.000")


def level_changed(session: Session, tenant_id: int, touched: Sequence[tuple[int, int]],
                  balances: Sequence[dict[str, str]], change: str, document_ref: str | None,
                  actor: str, now: datetime) -> int:
    """Append one ``stock.level_changed`` per balance a command touched, if the tenant listens.

    ``touched`` are the (item id, warehouse id) of ``balances``, in the same order.
    Returns how many events were written.
    """
    if not balances or not wants(session, tenant_id, LEVEL_CHANGED, now):
        return 0
    driver = Driver.of(session)
    for (item_id, warehouse_id), balance in zip(touched, balances, strict=True):
        row = driver.row(_POLICY, {"tenant_id": tenant_id, "item_id": item_id,
                                   "warehouse_id": warehouse_id})
        safety, reorder = ((from_milli(int(row[0])), from_milli(int(row[1]))) if row
                           else _item_levels(session, item_id))
        payload: dict[str, Any] = {
            "item": {"sku": balance["sku"], "warehouse": balance["warehouse"],
                     "on_hand": balance["on_hand"], "reserved": balance["reserved"],
                     "available": balance["available"], "safety_stock": str(safety),
                     "reorder_point": str(reorder)},
            "stock": {"change": change, "document_ref": document_ref},
            "event": {"actor": actor},
        }
        append_event(session, tenant_id, new_event_id(), LEVEL_CHANGED,
                     f"stock:{balance['sku']}@{balance['warehouse']}", payload, now)
    return len(balances)


def pool_changed(session: Session, tenant_id: int, pool: Any, change: Decimal, reason: str,
                 now: datetime) -> bool:
    """Append ``channel_pool.changed`` for a pool line whose quantity moved, if heard.

    ``pool`` is the :class:`~inventory.planning.models.ChannelPool` row (its ``qty``
    already the new value); ``reason`` is order, cancel or rebalance.
    """
    if change == 0 or not wants(session, tenant_id, CHANNEL_POOL_CHANGED, now):
        return False
    session.flush()  # the new quantity is read back with the names below
    driver = Driver.of(session)
    row = driver.row(_POOL, {"tenant_id": tenant_id, "pool_id": pool.id})
    assert row is not None  # the pool line exists: it just changed
    channel, warehouse, sku, qty = row[0], row[1], row[2], from_milli(int(row[3]))
    payload = {"channel_pool": {"channel_id": channel, "sku": sku, "warehouse": warehouse,
                                "available": str(qty), "change": str(change),
                                "threshold": str(pool.threshold_qty), "reason": reason},
               "item": {"sku": sku}}
    append_event(session, tenant_id, new_event_id(), CHANNEL_POOL_CHANGED,
                 f"channel:{channel}", payload, now)
    return True


_POOL = Sql("""
    SELECT c.code, w.code, i.sku, p.qty FROM channel_pool p
    JOIN sales_channel c ON c.id = p.channel_id
    JOIN warehouse w ON w.id = p.warehouse_id
    JOIN item i ON i.id = p.item_id
    WHERE p.tenant_id = :tenant_id AND p.id = :pool_id
""")
