"""An online shop's order (already mapped to ``shop_order.received``) → a draft sales order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from inventory.commands import CommandContext
from inventory.documents.sales_order_service import NewOrderLine, NewSalesOrder, create_draft
from kernel.errors import DomainError

#: The module name packs switch on (``modules = ["shop_orders"]``).
MODULE = "shop_orders"


class ShopOrderInvalid(DomainError):
    """A shop order lacks what a sales order needs (number, customer, warehouse, lines)."""

    code = "shop_order.invalid"
    http_status = 422
    template_en = "The shop order cannot become a sales order: {reason}"
    template_zh = "网店订单无法生成销售单：{reason_zh}"


def _text(order: Mapping[str, Any], name: str, name_zh: str) -> str:
    value = order.get(name)
    if not isinstance(value, str | int) or not str(value).strip():
        raise ShopOrderInvalid(reason=f"order.{name} is missing", reason_zh=f"缺少{name_zh}")
    return str(value).strip()


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ShopOrderInvalid(reason=f"{what} is not a number",
                               reason_zh=f"{what} 不是数字") from exc
    if not number.is_finite():
        raise ShopOrderInvalid(reason=f"{what} is not a number", reason_zh=f"{what} 不是数字")
    return number


def _lines(order: Mapping[str, Any]) -> list[NewOrderLine]:
    raw = order.get("lines")
    if not isinstance(raw, list) or not raw:
        raise ShopOrderInvalid(reason="order.lines is empty", reason_zh="订单没有明细")
    lines = []
    for n, line in enumerate(raw, 1):
        if not isinstance(line, Mapping):
            raise ShopOrderInvalid(reason=f"line {n} is not an object",
                                   reason_zh=f"第 {n} 行不是对象")
        lines.append(NewOrderLine(sku=_text(line, "sku", f"第 {n} 行的 SKU"),
                                  qty=_decimal(line.get("qty"), f"line {n} qty"),
                                  unit_price=_decimal(line.get("unit_price", "0"),
                                                      f"line {n} unit_price")))
    return lines


def sales_order_from_shop(session: Session, tenant_id: int, payload: Mapping[str, Any],
                          source: str, now: datetime) -> dict[str, Any]:
    """Write the draft sales order of a ``shop_order.received`` payload (``order.no``,
    ``order.customer``, ``order.warehouse``, optional ``order.channel`` and
    ``order.deposit_amount``, ``order.lines[] {sku, qty, unit_price}``); the shop's order
    number is the sales order's number, so one shop order is one sales order.

    Raises:
        ShopOrderInvalid: a part is missing or not a number.
        UnknownCustomer, UnknownItem, UnknownWarehouse, UnknownChannel, DuplicateDocument,
        InvalidQuantity: as for any sales order.
    """
    order = payload.get("order")
    if not isinstance(order, Mapping):
        raise ShopOrderInvalid(reason="the event has no order", reason_zh="事件中没有订单")
    channel = order.get("channel")
    new = NewSalesOrder(
        no=_text(order, "no", "订单号"), customer=_text(order, "customer", "客户"),
        warehouse=_text(order, "warehouse", "发货仓"), lines=_lines(order),
        channel=str(channel) if channel else None,
        deposit_amount=_decimal(order.get("deposit_amount") or "0", "order.deposit_amount"),
        note=f"online shop order via {source}")
    return create_draft(session, CommandContext(tenant_id=tenant_id, actor=source), new, now)
