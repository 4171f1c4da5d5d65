"""The one label table that feeds the schema registry, and the helper that makes fields.

Chinese aliases are made from the entity's label and the field's label, so
``order.deposit_amount`` is also ``订单.定金`` (and the mixed ``订单.deposit_amount``).
"""

from __future__ import annotations

from typing import Final

from dsl.schema import FieldDef
from dsl.types import parse_type

#: Entity -> Chinese label.
ENTITY_ZH: Final[dict[str, str]] = {
    "order": "订单", "customer": "客户", "address": "地址", "item": "商品", "shipment": "出库单",
    "receipt": "入库单", "expected": "应收", "subcontract": "委外单", "supplier": "供应商",
    "scanner": "扫描枪", "freezer": "冷柜", "channel_pool": "渠道池", "sales_return": "退货单",
    "price": "价格", "reservation": "预占", "purchase_order": "采购单", "channel": "渠道",
    "invoice": "发票", "rebalance": "再平衡", "stock": "库存", "event": "事件",
    "work_order": "生产工单",
    "transfer": "调拨单", "adjustment": "调整单", "stocktake": "盘点单",
    "sale": "点单", "waste": "报损", "purchase_list": "采购清单",  # catering (issue #11)
}


def field(path: str, type_: str, en: str, zh: str, *, settable: bool = False,
          source: str | None = None, loader: str | None = None) -> FieldDef:
    """A field ``entity.name`` with its Chinese aliases.

    ``source`` is its payload path, ``loader`` the fact loader that fills it otherwise.
    """
    entity, _, name = path.partition(".")
    ez = ENTITY_ZH.get(entity, entity)
    aliases = tuple(dict.fromkeys((f"{ez}.{zh}", f"{ez}.{name}", f"{entity}.{zh}")))
    return FieldDef(path=path, type=parse_type(type_), label_en=en, label_zh=zh,
                    aliases=aliases, is_settable=settable, source=source,
                    loader=loader)
