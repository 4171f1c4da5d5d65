"""The ``shop_orders`` product module: an online shop's order becomes a draft sales order.

Switched on by the General pack (``jxc.general``). An inbound webhook whose connector says
``creates = "sales_order"`` calls :func:`sales_order_from_shop` in the transaction that
records its event, so the order exists exactly when the event does.
"""

from __future__ import annotations

from inventory.shop_orders.orders import MODULE, ShopOrderInvalid, sales_order_from_shop

__all__ = ["MODULE", "ShopOrderInvalid", "sales_order_from_shop"]
