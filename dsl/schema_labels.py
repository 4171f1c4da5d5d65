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


#: Document number -> the words people use for it besides "<document>号" (销售订单号 is what
#: a sales clerk calls ``order.no``; ``订单.编号`` is the order's id, not its number).
DOCUMENT_NO_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "order": ("销售订单号", "销售单号", "订单号"), "purchase_order": ("采购订单号",),
    "receipt": ("收货单号",), "shipment": ("发货单号",), "sales_return": ("销售退货单号",),
    "subcontract": ("委外订单号",), "work_order": ("工单号",),
}


def business_aliases(entity: str, name: str, zh: str) -> tuple[str, ...]:
    """Plain business words for a document number: ``出库单号`` → ``shipment.no``.

    ``<entity>.no`` is also ``<document>号`` (入库单号, 采购单号 …) and the words of
    :data:`DOCUMENT_NO_ALIASES`; a number of another document carried on this one
    (``receipt.purchase_order_no``, labelled 采购单号) is its label alone.
    """
    if name == "no":
        own = ENTITY_ZH.get(entity)
        return (*((f"{own}号",) if own else ()), *DOCUMENT_NO_ALIASES.get(entity, ()))
    if name.endswith("_no") and zh.endswith("单号") and zh != "单号":
        return (zh,)
    return ()


def business_word(word: str) -> str | None:
    """The document number a business word names, on any event (``销售订单号`` → ``order.no``).

    The checker uses it when the word is not on the rule's event, to say what the word
    means instead of suggesting the nearest spelling (which is another document's number).
    """
    for entity, zh in ENTITY_ZH.items():
        if word == f"{zh}号" or word in DOCUMENT_NO_ALIASES.get(entity, ()):
            return f"{entity}.no"
    return None


def field(path: str, type_: str, en: str, zh: str, *, settable: bool = False,
          source: str | None = None, loader: str | None = None) -> FieldDef:
    """A field ``entity.name`` with its Chinese aliases.

    ``source`` is its payload path, ``loader`` the fact loader that fills it otherwise.
    """
    entity, _, name = path.partition(".")
    ez = ENTITY_ZH.get(entity, entity)
    aliases = tuple(dict.fromkeys((f"{ez}.{zh}", f"{ez}.{name}", f"{entity}.{zh}",
                                   *business_aliases(entity, name, zh))))
    return FieldDef(path=path, type=parse_type(type_), label_en=en, label_zh=zh,
                    aliases=aliases, is_settable=settable, source=source,
                    loader=loader)
