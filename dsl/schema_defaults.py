"""The 进销存 basics every tenant starts with (the engine adds pack fields from the DB).

Chinese aliases are made from the entity's label and the field's label, so
``order.deposit_amount`` is also ``订单.定金`` (and the mixed ``订单.deposit_amount``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from dsl.schema import DocumentType, EventType, FieldDef, InMemorySchemaRegistry
from dsl.schema_events import DOCUMENT_EVENTS
from dsl.schema_labels import ENTITY_ZH, field
from dsl.types import parse_type


def _f(path: str, type_: str, en: str, zh: str, *, settable: bool = False,
       loader: str | None = None) -> FieldDef:
    """A field the payload carries at its own path (``order.id`` in ``{"order": {"id": …}}``),
    or, with ``loader``, one that fact loader fills."""
    return field(path, type_, en, zh, settable=settable, loader=loader,
                 source=None if loader else path)


def _w(path: str, type_: str, en: str, zh: str) -> FieldDef:
    """A field a rule only writes (``set``, a table's outputs): nothing reads it back."""
    return field(path, type_, en, zh, settable=True)


def _d(name: str, type_: str, en: str, zh: str) -> FieldDef:
    """A field of a document (a plain name; its Chinese label is the alias)."""
    return FieldDef(path=name, type=parse_type(type_), label_en=en, label_zh=zh, aliases=(zh,),
                    is_settable=True)


#: The item's master data (the ``item`` loader, by ``item.sku``).
ITEM_FACTS = (
    _f("item.name", "text", "Item name", "名称", loader="item"),
    _f("item.category", "text", "Category", "品类", loader="item"),
    _f("item.cost_price", "money", "Cost price", "成本价", loader="item"),
    _f("item.list_price", "money", "List price", "标价", loader="item"),
    _w("item.tags", "list(text)", "Tags", "标签"),
)
#: The balance of the event's SKU × warehouse (the ``balance`` loader), with the safety
#: stock and reorder point of its replenishment policy there (0 without one).
BALANCE = (
    _f("item.on_hand", "quantity(件)", "On hand", "现存", loader="balance"),
    _f("item.reserved", "quantity(件)", "Reserved", "已预占", loader="balance"),
    _f("item.available", "quantity(件)", "Available", "可用", loader="balance"),
    _f("item.safety_stock", "quantity(件)", "Safety stock", "安全库存", settable=True,
       loader="balance"),
    _f("item.reorder_point", "quantity(件)", "Reorder point", "再订货点", settable=True,
       loader="balance"),
)
ITEM = (_f("item.sku", "id", "SKU", "编码"), *ITEM_FACTS)
ORDER_ID = (_f("order.id", "id", "Order id", "编号"),
            _f("order.no", "text", "Order number", "单号"))
#: What the ``order`` loader fills (by ``order.id``): lines with unit price and each
#: line's item cost and list price, the total, and the below-cost figures guards need.
ORDER_FACTS = (
    _f("order.total_amount", "money", "Order total", "金额", loader="order"),
    _f("order.lines", "list(line)", "Order lines", "明细", loader="order"),
    _f("order.lines_below_cost", "number", "Lines priced below cost", "低于成本行数",
       loader="order"),
    _f("order.below_cost_skus", "text", "SKUs priced below cost", "低于成本商品",
       loader="order"),
    _f("order.channel_id", "id", "Sales channel", "渠道", loader="order"),
)
CUSTOMER_FACTS = (
    _f("customer.name", "text", "Name", "名称", loader="customer"),
    _f("customer.level", "enum(normal,vip,key_account)", "Level", "等级", loader="customer"),
    _f("customer.is_frozen", "bool", "Frozen", "已冻结", loader="customer"),
)
CONFIRM_REQUEST = (
    *ORDER_ID,
    _f("order.customer_id", "id", "Customer", "客户"),
    _f("order.warehouse", "text", "Warehouse", "仓库"),
    _f("order.deposit_amount", "money", "Deposit", "定金"),
    _f("customer.id", "id", "Customer id", "编号"),
    *ORDER_FACTS, *CUSTOMER_FACTS,
)
RESERVE_REQUEST = (
    _f("item.sku", "id", "SKU", "编码"),
    _f("reservation.sku", "id", "SKU", "编码"),
    _f("reservation.qty", "quantity(件)", "Quantity", "数量"),
    _f("reservation.warehouse_code", "text", "Warehouse", "仓库"),
    *ORDER_ID,
    _f("order.deposit_amount", "money", "Deposit", "定金", loader="order"),
    _f("order.customer_id", "id", "Customer", "客户", loader="order"),
    *ORDER_FACTS,
    _f("address.text", "text", "Delivery address", "收货地址"),
    _f("address.is_real", "bool", "Address is real", "是否真实"),
    *ITEM_FACTS, *BALANCE,
)
RETURN_REQUEST = (
    _f("sales_return.id", "id", "Return id", "编号"),
    _f("sales_return.no", "text", "Return no", "单号"),
    _f("sales_return.original_order_id", "id", "Original order", "原订单"),
    _f("sales_return.is_original_order_found", "bool", "Original order exists", "原订单存在"),
    _f("sales_return.reason", "text", "Reason", "原因"),
    _f("customer.id", "id", "Customer id", "编号"),
    *CUSTOMER_FACTS,
)
# ``subcontract.returned`` is the receipt service's report, mapped by engine.event_scope.
SUBCONTRACT = (
    field("subcontract.id", "id", "Subcontract order", "编号", source="purchase_order_no"),
    field("subcontract.no", "text", "Subcontract no", "单号", source="purchase_order_no"),
    field("subcontract.process", "enum(plating,painting,heat_treatment,machining)", "Process",
          "工序", source="process"),
    field("expected.weight_kg", "quantity(kg)", "Expected weight", "重量",
          source="expected_weight_kg"),
    field("supplier.id", "id", "Supplier", "编号", source="supplier"),
    field("supplier.name", "text", "Supplier", "名称", source="supplier"),
    field("receipt.id", "id", "Receipt id", "编号", source="no"),
    field("receipt.no", "text", "Receipt no", "单号", source="no"),
    field("receipt.is_scanned", "bool", "Scanned", "已扫码", source="is_scanned"),
    field("receipt.photo_count", "number", "Photos", "照片数", source="photo_count"),
    field("receipt.weight_kg", "quantity(kg)", "Weight", "重量", source="measured_weight_kg"),
    _w("receipt.inspection_status", "enum(pending,passed,failed)", "Inspection", "质检状态"),
    field("item.sku", "id", "SKU", "编码", source="sku"),
    *ITEM_FACTS,
)
SCANNER = (
    _f("scanner.id", "id", "Scanner", "编号"),
    _f("scanner.scanned_at", "datetime", "Scanned at", "扫描时间"),
    _f("scanner.warehouse", "text", "Warehouse", "仓库"),
    _f("scanner.barcode", "text", "Barcode", "条码"),
)
FREEZER = (
    _f("freezer.id", "id", "Freezer", "编号"), _f("freezer.name", "text", "Freezer", "名称"),
    _f("freezer.temperature", "quantity(°C)", "Temperature", "温度"),
    _f("freezer.lot_ids", "list(id)", "Lots inside", "批次"),
)
CHANNEL_POOL = (
    _f("channel_pool.channel_id", "id", "Channel", "渠道"),
    _f("channel_pool.sku", "id", "SKU", "编码"),
    _f("channel_pool.warehouse", "text", "Warehouse", "仓库"),
    _f("channel_pool.available", "quantity(件)", "Available in pool", "可用"),
    _f("channel_pool.change", "quantity(件)", "Change", "变动"),
    _f("channel_pool.threshold", "quantity(件)", "Threshold", "阈值"),
    _f("channel_pool.reason", "enum(order,cancel,rebalance)", "Why it changed", "原因"),
)
PRICE = (
    _f("price.list_price", "money", "List price", "标价"),
    _f("price.promotion_price", "money", "Promotion price", "促销价"),
    _f("price.rebate_rate", "percent", "Rebate rate", "返利率"),
    _f("price.final_price", "money", "Final price", "成交价", settable=True),
)
#: ``stock.level_changed``: the balance after a change, carried by the event itself.
LEVEL = (
    _f("item.sku", "id", "SKU", "编码"),
    _f("item.warehouse", "text", "Warehouse", "仓库"),
    _f("item.on_hand", "quantity(件)", "On hand", "现存"),
    _f("item.reserved", "quantity(件)", "Reserved", "已预占"),
    _f("item.available", "quantity(件)", "Available", "可用"),
    _f("item.safety_stock", "quantity(件)", "Safety stock", "安全库存", settable=True),
    _f("item.reorder_point", "quantity(件)", "Reorder point", "再订货点", settable=True),
    _f("stock.change", "text", "What changed it", "变动来源"),
    _f("stock.document_ref", "id", "Document", "单据号"),
)


def _ev(name: str, en: str, zh: str, alias: str, *groups: tuple[FieldDef, ...],
        producer: str, key: str | None = None, blockable: bool = False) -> EventType:
    fields = tuple(f for g in groups for f in g)
    return EventType(name=name, label_en=en, label_zh=zh, aliases=(alias,), fields=fields,
                     key=key, is_blockable=blockable, producer=producer)


EVENTS: Final[tuple[EventType, ...]] = (
    _ev("subcontract.returned", "Subcontracted parts returned", "委外回厂", "委外.已回厂",
        SUBCONTRACT, producer="document:receipt.create", key="receipt.id"),
    _ev("scanner.scanned", "Barcode scanned", "扫码", "扫描枪.已扫码", SCANNER, ITEM, BALANCE,
        producer="api:scans", key="item.sku"),
    _ev("freezer.temperature_reported", "Freezer temperature reported", "冷柜温度上报",
        "冷柜.温度上报", FREEZER, producer="connector", key="freezer.id"),
    _ev("channel_pool.changed", "Channel pool changed", "渠道池变动", "渠道池.已变动",
        CHANNEL_POOL, ITEM, producer="module:channel_pools", key="channel_pool.channel_id"),
    _ev("sales_order.confirm_requested", "Sales order confirmation requested", "销售单确认申请",
        "销售单.确认申请", CONFIRM_REQUEST, producer="document:sales_order.confirm",
        key="order.id", blockable=True),
    _ev("sales_return.requested", "Sales return requested", "退货申请", "退货单.已申请",
        RETURN_REQUEST, producer="document:sales_return.create", key="sales_return.id",
        blockable=True),
    _ev("stock.reserve_requested", "Stock reservation requested", "预占申请", "库存.预占申请",
        RESERVE_REQUEST, producer="module:reservations", key="order.id", blockable=True),
    _ev("price.change_requested", "Price change requested", "调价申请", "价格.调价申请",
        PRICE, ITEM, producer="api:price_requests", key="item.sku",
        blockable=True),
    _ev("price.changed", "Price changed", "价格已变动", "价格.已变动", PRICE, ITEM,
        producer="connector", key="item.sku"),
    _ev("stock.level_changed", "Stock level changed", "库存变动", "库存.已变动", LEVEL,
        ITEM_FACTS, producer="module:stock", key="item.sku"),
    _ev("scan.duplicate_flagged", "Duplicate scans flagged", "重复扫码", "扫码.重复",
        (_f("scanner.id", "id", "Scanner", "编号"),), ITEM, producer="engine:emit",
        key="item.sku"),
)

_PURCHASE = (_d("sku", "id", "SKU", "编码"), _d("qty", "quantity(件)", "Qty", "数量"),
             _d("warehouse", "id", "Warehouse", "仓库"),
             _d("supplier", "text", "Supplier", "供应商"),
             _d("reason", "text", "Reason", "原因"))

DOCUMENTS: Final[tuple[DocumentType, ...]] = (
    DocumentType(name="purchase_request", label_en="Purchase request", label_zh="请购单",
                 aliases=("请购单",), fields=_PURCHASE),
    DocumentType(name="purchase_order", label_en="Purchase order (draft)", label_zh="采购单",
                 aliases=("采购单",), fields=_PURCHASE),
    DocumentType(name="transfer", label_en="Transfer (draft)", label_zh="调拨单",
                 aliases=("调拨单",), fields=(
                     _d("sku", "id", "SKU", "编码"), _d("qty", "quantity(件)", "Qty", "数量"),
                     _d("from_warehouse", "id", "From warehouse", "调出仓库"),
                     _d("to_warehouse", "id", "To warehouse", "调入仓库"),
                     _d("reason", "text", "Reason", "原因"))),
    DocumentType(name="adjustment", label_en="Stock adjustment (draft)", label_zh="库存调整单",
                 aliases=("库存调整单", "调整单"), fields=(
                     _d("sku", "id", "SKU", "编码"),
                     _d("qty", "quantity(件)", "Qty (signed: − writes off)", "数量"),
                     _d("warehouse", "id", "Warehouse", "仓库"),
                     _d("reason", "enum(count_gain,count_loss,damaged,expired,lost,found,other)",
                        "Reason", "原因"),
                     _d("photo", "text", "Photo evidence", "照片"),
                     _d("note", "text", "Note", "备注"))),
    DocumentType(name="quality_inspection", label_en="Quality inspection", label_zh="质检单",
                 aliases=("质检单",), fields=(
                     _d("receipt_id", "id", "Receipt", "入库单"),
                     _d("reason", "text", "Reason", "原因"))),
)

ROLES: Final[dict[str, str]] = {
    "sales_manager": "销售经理", "warehouse_manager": "仓库主管", "quality_manager": "质量经理",
    "channel_manager": "渠道经理", "purchasing_manager": "采购经理", "finance_manager": "财务经理",
    "admin": "管理员",
}


@lru_cache(maxsize=1)
def default_registry() -> InMemorySchemaRegistry:
    """The built-in 进销存 schema: events, fields, documents and roles.

    The events the product's documents emit (:data:`dsl.schema_events.DOCUMENT_EVENTS`,
    each field naming where it sits in the payload) take the place of a basic event of the
    same name.
    """
    emitted = {ev.name for ev in DOCUMENT_EVENTS}
    events = (*(ev for ev in EVENTS if ev.name not in emitted), *DOCUMENT_EVENTS)
    return InMemorySchemaRegistry(events, DOCUMENTS, ROLES)


__all__ = ["DOCUMENTS", "ENTITY_ZH", "EVENTS", "ROLES", "default_registry"]
