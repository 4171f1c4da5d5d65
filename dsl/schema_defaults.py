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


def _f(path: str, type_: str, en: str, zh: str, *, settable: bool = False) -> FieldDef:
    return field(path, type_, en, zh, settable=settable)


def _d(name: str, type_: str, en: str, zh: str) -> FieldDef:
    """A field of a document (a plain name; its Chinese label is the alias)."""
    return FieldDef(path=name, type=parse_type(type_), label_en=en, label_zh=zh, aliases=(zh,),
                    is_settable=True)


ORDER = (
    _f("order.id", "id", "Order id", "编号"), _f("order.no", "text", "Order number", "单号"),
    _f("order.deposit_amount", "money", "Deposit", "定金"),
    _f("order.total_amount", "money", "Order total", "金额"),
    _f("order.customer_id", "id", "Customer", "客户"),
    _f("order.channel_id", "id", "Sales channel", "渠道"),
    _f("order.lines", "list(line)", "Order lines", "明细"),
)
CUSTOMER = (
    _f("customer.id", "id", "Customer id", "编号"), _f("customer.name", "text", "Name", "名称"),
    _f("customer.level", "enum(normal,vip,key_account)", "Level", "等级"),
    _f("customer.is_frozen", "bool", "Frozen", "已冻结"),
)
ADDRESS = (
    _f("address.text", "text", "Delivery address", "收货地址"),
    _f("address.is_real", "bool", "Address is real", "是否真实"),
    _f("address.city", "text", "City", "城市"),
)
ITEM = (
    _f("item.sku", "id", "SKU", "编码"), _f("item.name", "text", "Item name", "名称"),
    _f("item.category", "text", "Category", "品类"),
    _f("item.cost_price", "money", "Cost price", "成本价"),
    _f("item.on_hand", "quantity(件)", "On hand", "现存"),
    _f("item.available", "quantity(件)", "Available", "可用"),
    _f("item.reorder_point", "quantity(件)", "Reorder point", "再订货点", settable=True),
    _f("item.safety_stock", "quantity(件)", "Safety stock", "安全库存", settable=True),
    _f("item.tags", "list(text)", "Tags", "标签", settable=True),
)
SHIPMENT = (
    _f("shipment.id", "id", "Shipment id", "编号"),
    _f("shipment.no", "text", "Shipment no", "单号"),
    _f("shipment.carrier", "text", "Carrier", "承运商"),
)
RECEIPT = (
    _f("receipt.id", "id", "Receipt id", "编号"), _f("receipt.no", "text", "Receipt no", "单号"),
    _f("receipt.is_scanned", "bool", "Scanned", "已扫码"),
    _f("receipt.photo_count", "number", "Photos", "照片数"),
    _f("receipt.weight_kg", "quantity(kg)", "Weight", "重量"),
    _f("receipt.inspection_status", "enum(pending,passed,failed)", "Inspection", "质检状态",
       settable=True),
)
SUBCONTRACT = (
    _f("subcontract.id", "id", "Subcontract order", "编号"),
    _f("subcontract.no", "text", "Subcontract no", "单号"),
    _f("subcontract.process", "enum(plating,painting,heat_treatment,machining)", "Process",
       "工序"),
    _f("expected.weight_kg", "quantity(kg)", "Expected weight", "重量"),
    _f("supplier.id", "id", "Supplier", "编号"), _f("supplier.name", "text", "Supplier", "名称"),
)
SCANNER = (
    _f("scanner.id", "id", "Scanner", "编号"),
    _f("scanner.scanned_at", "datetime", "Scanned at", "扫描时间"),
)
FREEZER = (
    _f("freezer.id", "id", "Freezer", "编号"), _f("freezer.name", "text", "Freezer", "名称"),
    _f("freezer.temperature", "quantity(°C)", "Temperature", "温度"),
    _f("freezer.lot_ids", "list(id)", "Lots inside", "批次"),
)
CHANNEL_POOL = (
    _f("channel_pool.channel_id", "id", "Channel", "渠道"),
    _f("channel_pool.available", "quantity(件)", "Available in pool", "可用"),
    _f("channel_pool.allocated", "quantity(件)", "Allocated to pool", "分配"),
)
SALES_RETURN = (
    _f("sales_return.id", "id", "Return id", "编号"), _f("sales_return.no", "text", "Return no",
                                                        "单号"),
    _f("sales_return.original_order_id", "id", "Original order", "原订单"),
    _f("sales_return.is_original_order_found", "bool", "Original order exists", "原订单存在"),
    _f("sales_return.reason", "text", "Reason", "原因"),
)
PRICE = (
    _f("price.list_price", "money", "List price", "标价"),
    _f("price.promotion_price", "money", "Promotion price", "促销价"),
    _f("price.rebate_rate", "percent", "Rebate rate", "返利率"),
    _f("price.final_price", "money", "Final price", "成交价", settable=True),
)
RESERVATION = (
    _f("reservation.qty", "quantity(件)", "Quantity", "数量"),
    _f("reservation.warehouse_code", "text", "Warehouse", "仓库"),
    _f("reservation.sku", "id", "SKU", "编码"),
)


def _ev(name: str, en: str, zh: str, alias: str, *groups: tuple[FieldDef, ...],
        key: str | None = None, blockable: bool = False) -> EventType:
    fields = tuple(f for g in groups for f in g)
    return EventType(name=name, label_en=en, label_zh=zh, aliases=(alias,), fields=fields,
                     key=key, is_blockable=blockable)


EVENTS: Final[tuple[EventType, ...]] = (
    _ev("sales_order.confirmed", "Sales order confirmed", "销售单已确认", "销售单.已确认",
        ORDER, CUSTOMER, ADDRESS, key="order.id"),
    _ev("sales_order.cancelled", "Sales order cancelled", "销售单已取消", "销售单.已取消",
        ORDER, CUSTOMER, key="order.id"),
    _ev("shipment.shipped", "Shipment shipped", "已发货", "出库单.已发货", SHIPMENT,
        ORDER[:3] + ORDER[4:5], key="order.id"),
    _ev("subcontract.returned", "Subcontracted parts returned", "委外回厂", "委外.已回厂",
        SUBCONTRACT, RECEIPT, ITEM, key="receipt.id"),
    _ev("receipt.scanned", "Receipt scanned", "入库单已扫码", "入库单.已扫码", RECEIPT, ITEM,
        SCANNER, key="receipt.id"),
    _ev("scanner.scanned", "Barcode scanned", "扫码", "扫描枪.已扫码", SCANNER, ITEM,
        key="item.sku"),
    _ev("freezer.temperature_reported", "Freezer temperature reported", "冷柜温度上报",
        "冷柜.温度上报", FREEZER, key="freezer.id"),
    _ev("channel_pool.changed", "Channel pool changed", "渠道池变动", "渠道池.已变动",
        CHANNEL_POOL, ITEM, key="channel_pool.channel_id"),
    _ev("sales_order.confirm_requested", "Sales order confirmation requested", "销售单确认申请",
        "销售单.确认申请", ORDER, CUSTOMER, key="order.id", blockable=True),
    _ev("sales_return.requested", "Sales return requested", "退货申请", "退货单.已申请",
        SALES_RETURN, CUSTOMER, key="sales_return.id", blockable=True),
    _ev("stock.reserve_requested", "Stock reservation requested", "预占申请", "库存.预占申请",
        ORDER, ADDRESS, ITEM, RESERVATION, key="order.id", blockable=True),
    _ev("price.change_requested", "Price change requested", "调价申请", "价格.调价申请",
        PRICE, ITEM, key="item.sku", blockable=True),
    _ev("price.changed", "Price changed", "价格已变动", "价格.已变动", PRICE, ITEM,
        key="item.sku"),
    _ev("stock.reserved", "Stock reserved", "已预占", "库存.已预占", RESERVATION,
        key="reservation.sku"),
    _ev("stock.level_changed", "Stock level changed", "库存变动", "库存.已变动", ITEM,
        key="item.sku"),
    _ev("scan.duplicate_flagged", "Duplicate scans flagged", "重复扫码", "扫码.重复", ITEM,
        SCANNER, key="item.sku"),
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
