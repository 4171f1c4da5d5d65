"""The declared fact loaders: one per entity, each naming the fields it fills and its key.

A loader reads the tenant's own rows (the session is tenant-scoped) by the ids the event
carries: the order by ``order.id``, the customer by ``customer.id`` (or the order's), the
item by its SKU, the balance by SKU × warehouse, the supplier by its code.
:class:`DbFacts` runs them against the database; :class:`GivenFacts` is the in-memory twin
rule tests use, so a test can only give what a loader could really provide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inventory.documents.models import Customer, SalesOrder, SalesOrderLine
from inventory.documents.warehouse_models import Supplier
from inventory.models import Item, StockBalance, Warehouse
from inventory.planning.models import ReplenishmentPolicy

Entities = dict[str, dict[str, Any]]
Key = tuple[str, ...]
_ZERO = Decimal("0.000")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class FactLoader:
    """One loader: the fields it fills and where in the event its key comes from."""

    name: str
    #: The dotted field paths it fills (``order.total_amount``…).
    provides: frozenset[str]
    #: One entry per key part: the event paths to try, first present wins.
    keys: tuple[tuple[str, ...], ...]
    label_en: str
    label_zh: str

    def key_of(self, scope: Mapping[str, Any]) -> Key | None:
        """The loader's key in ``scope`` (payload merged with earlier loaders), or None."""
        parts = []
        for candidates in self.keys:
            value = next((v for p in candidates if (v := _dig(scope, p)) not in (None, "")),
                         None)
            if value is None:
                return None
            parts.append(str(value))
        return tuple(parts)


def _dig(scope: Mapping[str, Any], path: str) -> Any:
    entity, _, name = path.partition(".")
    values = scope.get(entity)
    return values.get(name) if isinstance(values, Mapping) else None


def _paths(*names: str) -> frozenset[str]:
    return frozenset(names)


#: The loaders, in the order they run (the customer loader may key on the loaded order).
LOADERS: tuple[FactLoader, ...] = (
    FactLoader(name="order", label_en="Sales order and its lines", label_zh="销售单及明细",
               provides=_paths("order.total_amount", "order.lines", "order.lines_below_cost",
                               "order.below_cost_skus", "order.channel_id",
                               "order.customer_id", "order.deposit_amount", "order.warehouse"),
               keys=(("order.id", "order.no"),)),
    FactLoader(name="customer", label_en="Customer", label_zh="客户",
               provides=_paths("customer.id", "customer.name", "customer.level",
                               "customer.is_frozen"),
               keys=(("customer.id", "order.customer_id"),)),
    FactLoader(name="item", label_en="Item master data", label_zh="商品资料",
               provides=_paths("item.sku", "item.name", "item.category", "item.cost_price",
                               "item.list_price"),
               keys=(("item.sku", "reservation.sku", "channel_pool.sku"),)),
    FactLoader(name="balance", label_en="Balance of the SKU in the warehouse",
               label_zh="商品在该仓的库存",
               provides=_paths("item.on_hand", "item.reserved", "item.available",
                               "item.safety_stock", "item.reorder_point"),
               keys=(("item.sku", "reservation.sku", "channel_pool.sku"),
                     ("item.warehouse", "reservation.warehouse_code", "scanner.warehouse",
                      "channel_pool.warehouse", "order.warehouse"))),
    FactLoader(name="supplier", label_en="Supplier", label_zh="供应商",
               provides=_paths("supplier.id", "supplier.name"),
               keys=(("supplier.id", "purchase_order.supplier"),)),
)
BY_NAME: dict[str, FactLoader] = {loader.name: loader for loader in LOADERS}


class FactSource(Protocol):
    """Where loaders get their rows: the database, or a rule test's given facts."""

    def fetch(self, loader: FactLoader, key: Key) -> Entities:
        """What ``loader`` fills for ``key`` (only fields in ``loader.provides``)."""
        ...


def _put(out: Entities, path: str, value: Any) -> None:
    entity, _, name = path.partition(".")
    out.setdefault(entity, {})[name] = value


def _order(session: Session, key: Key) -> Entities:
    order = session.scalar(select(SalesOrder).where(SalesOrder.no == key[0]))
    if order is None:
        return {}
    customer = session.get_one(Customer, order.customer_id)
    warehouse = session.get_one(Warehouse, order.warehouse_id)
    rows = session.execute(select(SalesOrderLine, Item)
                           .join(Item, Item.id == SalesOrderLine.item_id)
                           .where(SalesOrderLine.order_id == order.id)
                           .order_by(SalesOrderLine.line_no)).all()
    lines, below, total = [], [], Decimal("0.00")
    for line, item in rows:
        amount = (line.qty * line.unit_price).quantize(_CENT)
        total += amount
        if item.cost_price is not None and line.unit_price < item.cost_price:
            below.append(item.sku)
        lines.append({"line_no": line.line_no, "sku": item.sku, "qty": line.qty,
                      "unit_price": line.unit_price, "amount": amount,
                      "cost_price": item.cost_price, "list_price": item.list_price,
                      "warehouse": warehouse.code, "reservation_id": line.reservation_id})
    return {"order": {"total_amount": total, "lines": lines,
                      "lines_below_cost": Decimal(len(below)),
                      "below_cost_skus": ", ".join(dict.fromkeys(below)),
                      "channel_id": order.channel, "customer_id": customer.code,
                      "deposit_amount": order.deposit_amount, "warehouse": warehouse.code}}


def _customer(session: Session, key: Key) -> Entities:
    row = session.scalar(select(Customer).where(Customer.code == key[0]))
    if row is None:
        return {}
    return {"customer": {"id": row.code, "name": row.name, "level": row.level,
                         "is_frozen": row.is_frozen}}


def _item(session: Session, key: Key) -> Entities:
    row = session.scalar(select(Item).where(Item.sku == key[0]))
    if row is None:
        return {}
    return {"item": {"sku": row.sku, "name": row.name_zh, "category": row.category,
                     "cost_price": row.cost_price, "list_price": row.list_price}}


def _balance(session: Session, key: Key) -> Entities:
    found = session.execute(
        select(Item.id, Warehouse.id, StockBalance.on_hand, StockBalance.reserved)
        .select_from(Item).join(Warehouse, Warehouse.code == key[1])
        .outerjoin(StockBalance, (StockBalance.item_id == Item.id)
                   & (StockBalance.warehouse_id == Warehouse.id))
        .where(Item.sku == key[0])).first()
    if found is None:
        return {}
    item_id, warehouse_id, on_hand, reserved = found
    on_hand, reserved = on_hand or _ZERO, reserved or _ZERO
    policy = session.execute(select(ReplenishmentPolicy.safety_stock,
                                    ReplenishmentPolicy.reorder_point)
                             .where(ReplenishmentPolicy.item_id == item_id,
                                    ReplenishmentPolicy.warehouse_id == warehouse_id)).first()
    if policy is not None:
        safety, reorder = policy[0], policy[1]
    else:  # no policy at this warehouse: the item's own levels, if a rule set them
        attributes = session.scalar(select(Item.attributes).where(Item.id == item_id)) or {}
        safety = _level(attributes.get("safety_stock"))
        reorder = _level(attributes.get("reorder_point"))
    return {"item": {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved,
                     "safety_stock": safety, "reorder_point": reorder}}


def _level(value: Any) -> Decimal:
    """A stock level kept in the item's attributes (text or number), zero when unset."""
    try:
        return Decimal(str(value)) if value is not None else _ZERO
    except ArithmeticError:
        return _ZERO


def _supplier(session: Session, key: Key) -> Entities:
    # A purchase order names its supplier by code or by name (as the supplier check does).
    row = session.scalar(select(Supplier).where(or_(Supplier.code == key[0],
                                                    Supplier.name == key[0])).limit(1))
    return {"supplier": {"id": row.code, "name": row.name}} if row is not None else {}


_QUERIES: dict[str, Callable[[Session, Key], Entities]] = {
    "order": _order, "customer": _customer, "item": _item, "balance": _balance,
    "supplier": _supplier,
}


class DbFacts:
    """The loaders against the tenant's database (one session; each key read once)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[tuple[str, Key], Entities] = {}
        #: How many loader queries ran (for tests and the bench).
        self.loads = 0

    def fetch(self, loader: FactLoader, key: Key) -> Entities:
        """The loader's fields for ``key`` from the database ({} when nothing is found)."""
        cached = self._seen.get((loader.name, key))
        if cached is None:
            self.loads += 1
            cached = self._seen[(loader.name, key)] = _QUERIES[loader.name](self.session, key)
        return cached


class GivenFacts:
    """The loaders' in-memory twin: facts a rule test gives, served as a loader would."""

    #: A case's facts need no key: a test need not repeat the ids the loaders key on.
    is_keyless = True

    def __init__(self, facts: Mapping[str, Mapping[str, Any]]) -> None:
        self.facts = facts

    def fetch(self, loader: FactLoader, key: Key) -> Entities:
        """The given facts among the loader's fields (the key is not checked: one case)."""
        out: Entities = {}
        for entity, values in self.facts.items():
            for name, value in values.items():
                if f"{entity}.{name}" in loader.provides:
                    _put(out, f"{entity}.{name}", value)
        return out
