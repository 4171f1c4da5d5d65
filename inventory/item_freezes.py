"""Freezing an item (冻结商品): while frozen it cannot be reserved or shipped.

The freeze is a reason text on the item (who froze it and why, e.g. a rule's label); the
core does not know who asked. Receipts, counts and adjustments still work, so goods can be
put away, counted and written off while the item is held.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inventory.errors import ItemFrozen
from inventory.lookup import item_by_sku
from inventory.models import Item

_DOING = {"reserved": "预占", "shipped": "出库"}


def freeze_item(session: Session, sku: str, reason: str) -> bool:
    """Freeze ``sku`` with ``reason``; False (and nothing changed) if it was frozen already.

    Raises:
        UnknownItem: no such SKU in the tenant.
    """
    item = item_by_sku(session, sku)
    if item.frozen_reason:
        return False
    item.frozen_reason = reason[:300] or "—"
    session.flush()
    return True


def unfreeze_item(session: Session, sku: str) -> bool:
    """Lift the freeze of ``sku``; False if it was not frozen.

    Raises:
        UnknownItem: no such SKU in the tenant.
    """
    item = item_by_sku(session, sku)
    if not item.frozen_reason:
        return False
    item.frozen_reason = None
    session.flush()
    return True


def check_not_frozen(item: Item, doing: str) -> None:
    """Refuse to reserve or ship (``doing``: ``reserved`` | ``shipped``) a frozen item.

    Raises:
        ItemFrozen: names the SKU and the reason it was frozen with.
    """
    if item.frozen_reason:
        raise ItemFrozen(sku=item.sku, reason=item.frozen_reason, doing=doing,
                         doing_zh=_DOING.get(doing, doing))
