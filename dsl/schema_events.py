"""Every event the product's documents emit, with each payload field's type and labels.

This is the one declaration of document events: the checker reads it (through
:func:`dsl.schema_defaults.default_registry`), the engine maps an outbox payload to what a
rule sees by each field's ``source``, and a test runs every document flow and fails when an
emitted event type or payload key is missing here. The payloads are documented in
``docs/planning.md`` and (transfers, adjustments, stocktakes) ``docs/documents.md``.
"""

from __future__ import annotations

from typing import Final

from dsl.schema import EventType, FieldDef
from dsl.schema_labels import field as f

_SO_STATUS = "enum(draft,confirmed,partially_shipped,shipped,closed,cancelled)"
_PO_STATUS = "enum(draft,approved,partially_received,received,closed,cancelled)"
_RC_STATUS = "enum(draft,inspected,frozen,put_away,cancelled)"
_SH_STATUS = "enum(draft,picked,packed,shipped,cancelled)"
_SR_STATUS = "enum(draft,posted,cancelled)"
_WO_STATUS = "enum(draft,released,issued,received,closed,cancelled)"

ACTOR = (f("event.actor", "text", "Done by", "操作人", source="actor"),)


def _doc(entity: str, en: str, status: str) -> tuple[FieldDef, ...]:
    """What every document event carries: number (also as id), warehouse, status move."""
    return (
        f(f"{entity}.id", "id", f"{en} id", "编号", source="no"),
        f(f"{entity}.no", "text", f"{en} number", "单号", source="no"),
        f(f"{entity}.warehouse", "text", "Warehouse", "仓库", source="warehouse"),
        f(f"{entity}.status", status, "Status", "状态", source="to_status"),
        f(f"{entity}.from_status", status, "Previous status", "原状态", source="from_status"),
        *ACTOR,
    )


ORDER = (
    *_doc("order", "Order", _SO_STATUS),
    f("order.customer_id", "id", "Customer", "客户", source="customer"),
    f("customer.id", "id", "Customer id", "编号", source="customer"),
    f("order.channel_id", "id", "Sales channel", "渠道", source="channel"),
)
ORDER_FACTS = (  # filled by the order and customer fact loaders (engine.facts)
    f("order.total_amount", "money", "Order total", "金额", loader="order"),
    f("order.lines_below_cost", "number", "Lines priced below cost", "低于成本行数",
      loader="order"),
    f("order.below_cost_skus", "text", "SKUs priced below cost", "低于成本商品", loader="order"),
    f("customer.name", "text", "Name", "名称", loader="customer"),
    f("customer.level", "enum(normal,vip,key_account)", "Level", "等级", loader="customer"),
    f("customer.is_frozen", "bool", "Frozen", "已冻结", loader="customer"),
)
ORDER_LINES = (f("order.lines", "list(line)", "Order lines", "明细", source="lines"),)
CONFIRMED = (
    f("order.deposit_amount", "money", "Deposit", "定金", source="deposit_amount"),
    f("order.hold_expires_at", "datetime", "Hold expires at", "锁定到期", source="hold_expires_at"),
)
ORDER_SHIPPED = (f("order.shipment_no", "text", "Shipment number", "出库单号",
                   source="shipment_no"),)
ORDER_CANCELLED = (f("order.released_reservations", "list(id)", "Holds released", "释放预占",
                     source="released"),)

PURCHASE = (
    *_doc("purchase_order", "Purchase order", _PO_STATUS),
    f("purchase_order.supplier", "text", "Supplier", "供应商", source="supplier"),
    f("supplier.id", "id", "Supplier code", "编号", loader="supplier"),
    f("supplier.name", "text", "Supplier name", "名称", loader="supplier"),
)
PURCHASE_RECEIVED = (f("purchase_order.receipt_no", "text", "Receipt number", "入库单号",
                       source="receipt_no"),)

RECEIPT = (
    *_doc("receipt", "Receipt", _RC_STATUS),
    f("receipt.purchase_order_no", "text", "Purchase order", "采购单号",
      source="purchase_order_no"),
)
INSPECTED = (
    f("receipt.is_scanned", "bool", "Scanned", "已扫码", source="is_scanned"),
    f("receipt.photo_count", "number", "Photos", "照片数", source="photo_count"),
    f("receipt.weight_kg", "quantity(kg)", "Weight", "重量", source="measured_weight_kg"),
    f("expected.weight_kg", "quantity(kg)", "Expected weight", "重量",
      source="expected_weight_kg"),
    f("receipt.failures", "list(text)", "Inspection failures", "质检问题", source="failures"),
)
FROZEN = (f("receipt.frozen_reason", "text", "Freeze reason", "冻结原因", source="reason"),)
RELEASED = (f("receipt.released_by", "text", "Released by", "解冻人", source="released_by"),)
RECEIPT_LINES = (f("receipt.lines", "list(line)", "Receipt lines", "明细", source="lines"),)

SHIPMENT = (
    *_doc("shipment", "Shipment", _SH_STATUS),
    f("order.id", "id", "Order id", "编号", source="sales_order_no"),
    f("order.no", "text", "Order number", "单号", source="sales_order_no"),
)
SHIPPED = (
    f("shipment.carrier", "text", "Carrier", "承运商", source="carrier"),
    f("shipment.tracking_no", "text", "Tracking number", "运单号", source="tracking_no"),
    f("shipment.lines", "list(line)", "Shipment lines", "明细", source="lines"),
)

RETURN = (
    *_doc("sales_return", "Return", _SR_STATUS),
    f("sales_return.original_order_id", "id", "Original order", "原订单",
      source="sales_order_no"),
    f("sales_return.reason", "enum(damaged,mismatch,late,other)", "Reason", "原因",
      source="reason"),
)
RETURN_LINES = (f("sales_return.lines", "list(line)", "Returned lines", "明细",
                  source="lines"),)

_TR_STATUS = "enum(draft,in_transit,received,returned,cancelled)"
_AD_STATUS = "enum(draft,awaiting_approval,posted,rejected,cancelled)"
_ST_STATUS = "enum(counting,closed,posted,cancelled)"
_AD_REASON = "enum(count_gain,count_loss,damaged,expired,lost,found,stocktake,other)"


def _numbered(entity: str, en: str, status: str) -> tuple[FieldDef, ...]:
    """Number (also as id) and status move of a document without a single warehouse."""
    return (
        f(f"{entity}.id", "id", f"{en} id", "编号", source="no"),
        f(f"{entity}.no", "text", f"{en} number", "单号", source="no"),
        f(f"{entity}.status", status, "Status", "状态", source="to_status"),
        f(f"{entity}.from_status", status, "Previous status", "原状态", source="from_status"),
        *ACTOR,
    )


TRANSFER = (
    *_numbered("transfer", "Transfer", _TR_STATUS),
    f("transfer.from_warehouse", "text", "From warehouse", "调出仓", source="from_warehouse"),
    f("transfer.to_warehouse", "text", "To warehouse", "调入仓", source="to_warehouse"),
    f("transfer.transit_warehouse", "text", "Transit location", "在途仓",
      source="transit_warehouse"),
)
TRANSFER_LINES = (f("transfer.lines", "list(line)", "Transfer lines", "明细", source="lines"),)

ADJUSTMENT = (
    *_doc("adjustment", "Adjustment", _AD_STATUS),
    f("adjustment.reason", _AD_REASON, "Reason", "原因", source="reason"),
    f("adjustment.photo_count", "number", "Photos", "照片数", source="photo_count"),
    f("adjustment.stocktake_no", "text", "From stocktake", "盘点单号", source="stocktake_no"),
    f("adjustment.created_by", "text", "Created by", "制单人", source="created_by"),
)
ADJUSTMENT_LINES = (f("adjustment.lines", "list(line)", "Adjusted lines", "明细",
                      source="lines"),)
ADJUSTMENT_POSTED = (
    *ADJUSTMENT_LINES,
    f("adjustment.approved_by", "text", "Approved by", "审批人", source="approved_by"),
)
ADJUSTMENT_REJECTED = (f("adjustment.rejected_reason", "text", "Why rejected", "驳回原因",
                         source="reason_text"),)

STOCKTAKE = (
    *_doc("stocktake", "Stocktake", _ST_STATUS),
    f("stocktake.scope", "enum(all,selected,blind_check)", "Scope", "范围", source="scope"),
)
STOCKTAKE_COUNTED = (f("stocktake.counts", "list(line)", "Counts recorded", "盘点数",
                       source="counts"),)
STOCKTAKE_POSTED = (
    f("stocktake.variance_rate", "number", "Count-variance rate", "账实差异率",
      source="variance_rate"),
    f("stocktake.adjustment_no", "text", "Adjustment", "调整单号", source="adjustment_no"),
    f("stocktake.lines", "list(line)", "Variance lines", "差异明细", source="lines"),
)

CHANNEL = (f("channel.id", "id", "Channel", "编号", source="channel"), *ACTOR)
REBALANCE = (
    f("rebalance.run_id", "id", "Run", "编号", source="run_id"),
    f("rebalance.line_count", "number", "Pools", "池数", source="line_count"),
    f("rebalance.changed_count", "number", "Pools changed", "变动数", source="changed_count"),
    f("rebalance.paused_channels", "list(id)", "Channels paused", "暂停渠道",
      source="paused_channels"),
    f("rebalance.task_count", "number", "Replenishment tasks", "补货任务数",
      source="task_count"),
    *ACTOR,
)

INVOICE = (
    f("invoice.id", "id", "Invoice id", "编号", source="no"),
    f("invoice.no", "text", "Invoice number", "发票号", source="no"),
    f("invoice.purchase_order_no", "text", "Purchase order", "采购单号",
      source="purchase_order_no"),
    f("invoice.total_amount", "money", "Invoice total", "金额", source="total_amount"),
    *ACTOR,
)

STOCK = (
    f("stock.document_type", "text", "Document type", "单据类型", source="document.type"),
    f("stock.document_ref", "id", "Document", "单据号", source="document.ref"),
    f("stock.entries", "list(line)", "Ledger entries", "流水", source="entries"),
    f("stock.balances", "list(line)", "Balances after", "余额", source="balances"),
    *ACTOR,
)
RESERVATION = (
    f("reservation.id", "id", "Reservation", "编号", source="reservation.id"),
    f("reservation.sku", "id", "SKU", "编码", source="reservation.sku"),
    f("reservation.qty", "quantity(件)", "Quantity", "数量", source="reservation.qty"),
    f("reservation.warehouse_code", "text", "Warehouse", "仓库", source="reservation.warehouse"),
    f("reservation.expires_at", "datetime", "Expires at", "到期时间",
      source="reservation.expires_at"),
)


# Manufacturing (the ``manufacturing`` module, issue #11): work orders.
WORK_ORDER = (
    *_doc("work_order", "Work order", _WO_STATUS),
    f("work_order.sku", "text", "Item made", "产品编码", source="sku"),
    f("work_order.qty", "quantity(件)", "Quantity to make", "生产数量", source="qty"),
)
WORK_ORDER_ISSUED = (f("work_order.lines", "list(line)", "Components issued", "领料明细",
                       source="lines"),)
WORK_ORDER_RECEIVED = (f("work_order.lot_no", "text", "Finished-goods lot", "成品批次",
                         source="lot_no"),)

# Catering stores (the recipes module, issue #11): a dish sale consumes by recipe, waste is
# recorded against the day's consumption, and the 04:00 job makes tomorrow's purchase list.
DISH_SALE = (
    f("sale.id", "id", "Sale id", "编号", source="no"),
    f("sale.no", "text", "Sale number", "单号", source="no"),
    f("sale.warehouse", "text", "Store", "门店", source="warehouse"),
    f("sale.channel", "enum(dine_in,delivery,group_meal)", "Channel", "渠道", source="channel"),
    f("sale.covers", "number", "Covers", "就餐人数", source="covers"),
    f("sale.business_date", "date", "Business date", "营业日", source="business_date"),
    f("sale.lines", "list(line)", "Dishes", "菜品明细", source="lines"),
    f("sale.ingredients", "list(line)", "Ingredients consumed", "消耗配料",
      source="ingredients"),
    *ACTOR,
)
WASTE = (
    f("waste.id", "id", "Waste record id", "编号", source="no"),
    f("waste.no", "text", "Waste record number", "单号", source="no"),
    f("waste.warehouse", "text", "Store", "门店", source="warehouse"),
    f("waste.business_date", "date", "Business date", "营业日", source="business_date"),
    f("waste.reason", "text", "Reason", "原因", source="reason"),
    f("waste.lines", "list(line)", "Wasted lines", "报损明细", source="lines"),
    f("waste.max_loss_rate", "percent", "Highest loss rate today", "当日最高损耗率",
      source="max_loss_rate"),
    *ACTOR,
)
PURCHASE_LIST = (
    f("purchase_list.id", "id", "List id", "编号", source="no"),
    f("purchase_list.no", "text", "List number", "单号", source="no"),
    f("purchase_list.warehouse", "text", "Store", "门店", source="warehouse"),
    f("purchase_list.business_date", "date", "For the day", "采购日", source="business_date"),
    f("purchase_list.expected_covers", "number", "Expected covers", "预计就餐人数",
      source="expected_covers"),
    f("purchase_list.lines", "list(line)", "Lines", "明细", source="lines"),
)

#: Who raises each product event (see :data:`dsl.schema.PRODUCER_KINDS`).
PRODUCERS: Final[dict[str, str]] = {
    "sales_order.confirmed": "document:sales_order.confirm",
    "sales_order.partially_shipped": "document:sales_order.ship_part",
    "sales_order.shipped": "document:sales_order.ship_all",
    "sales_order.closed": "document:sales_order.close",
    "sales_order.cancelled": "document:sales_order.cancel",
    "purchase_order.approved": "document:purchase_order.approve",
    "purchase_order.partially_received": "document:purchase_order.receive_part",
    "purchase_order.received": "document:purchase_order.receive_all",
    "purchase_order.closed": "document:purchase_order.close",
    "purchase_order.cancelled": "document:purchase_order.cancel",
    "receipt.inspected": "document:receipt.inspect",
    "receipt.frozen": "document:receipt.freeze",
    "receipt.released": "document:receipt.release",
    "receipt.put_away": "document:receipt.put_away",
    "receipt.cancelled": "document:receipt.cancel",
    "shipment.picked": "document:shipment.pick",
    "shipment.packed": "document:shipment.pack",
    "shipment.shipped": "document:shipment.ship",
    "shipment.cancelled": "document:shipment.cancel",
    "sales_return.posted": "document:sales_return.post",
    "sales_return.cancelled": "document:sales_return.cancel",
    "channel.paused": "module:channel_pools",
    "channel.resumed": "module:channel_pools",
    "channel_pool.rebalanced": "module:channel_pools",
    "supplier_invoice.recorded": "module:matching",
    "supplier_invoice.matched": "module:matching",
    "supplier_invoice.mismatched": "module:matching",
    "transfer.dispatched": "document:transfer.dispatch",
    "transfer.received": "document:transfer.receive",
    "transfer.returned": "document:transfer.return",
    "transfer.cancelled": "document:transfer.cancel",
    "adjustment.submitted": "document:adjustment.submit",
    "adjustment.posted": "document:adjustment.post",
    "adjustment.rejected": "document:adjustment.reject",
    "adjustment.cancelled": "document:adjustment.cancel",
    "stocktake.counted": "document:stocktake.count",
    "stocktake.closed": "document:stocktake.close",
    "stocktake.reopened": "document:stocktake.reopen",
    "stocktake.posted": "document:stocktake.post",
    "stocktake.cancelled": "document:stocktake.cancel",
    "dish_sale.recorded": "module:recipes",
    "waste_record.recorded": "module:recipes",
    "purchase_list.generated": "module:recipes",
    "stock.received": "module:stock",
    "stock.shipped": "module:stock",
    "stock.transferred": "module:stock",
    "stock.adjusted": "module:stock",
    "stock.reserved": "module:reservations",
    "stock.released": "module:reservations",
    "stock.reservation_expired": "module:reservations",
    "work_order.released": "document:work_order.release",
    "work_order.components_issued": "document:work_order.issue",
    "work_order.finished_goods_received": "document:work_order.receive",
    "work_order.closed": "document:work_order.close",
    "work_order.cancelled": "document:work_order.cancel",
}


def _ev(name: str, en: str, zh: str, *groups: tuple[FieldDef, ...], key: str) -> EventType:
    """A product event; its producer is looked up in :data:`PRODUCERS`."""
    entity = name.partition(".")[0]
    document_zh = {"sales_order": "销售单", "purchase_order": "采购单", "receipt": "入库单",
                   "shipment": "出库单", "sales_return": "退货单", "channel": "渠道",
                   "channel_pool": "渠道池", "supplier_invoice": "供应商发票",
                   "stock": "库存", "work_order": "生产工单", "transfer": "调拨单",
                   "adjustment": "库存调整单", "stocktake": "盘点单",
                   "dish_sale": "点单", "waste_record": "报损单",
                   "purchase_list": "采购清单"}[entity]
    return EventType(name=name, label_en=en, label_zh=f"{document_zh}{zh}",
                     aliases=(f"{document_zh}.{zh}",),
                     fields=tuple(x for g in groups for x in g), key=key,
                     producer=PRODUCERS[name])


DOCUMENT_EVENTS: Final[tuple[EventType, ...]] = (
    _ev("sales_order.confirmed", "Sales order confirmed", "已确认", ORDER, ORDER_FACTS,
        ORDER_LINES, CONFIRMED, key="order.id"),
    _ev("sales_order.partially_shipped", "Sales order partly shipped", "部分发货", ORDER,
        ORDER_LINES, ORDER_SHIPPED, key="order.id"),
    _ev("sales_order.shipped", "Sales order shipped", "已发货", ORDER, ORDER_LINES,
        ORDER_SHIPPED, key="order.id"),
    _ev("sales_order.closed", "Sales order closed", "已关闭", ORDER, key="order.id"),
    _ev("sales_order.cancelled", "Sales order cancelled", "已取消", ORDER, ORDER_FACTS,
        ORDER_LINES, ORDER_CANCELLED, key="order.id"),
    _ev("purchase_order.approved", "Purchase order approved", "已审核", PURCHASE,
        key="purchase_order.id"),
    _ev("purchase_order.partially_received", "Purchase order partly received", "部分收货",
        PURCHASE, PURCHASE_RECEIVED, key="purchase_order.id"),
    _ev("purchase_order.received", "Purchase order received", "已收货", PURCHASE,
        PURCHASE_RECEIVED, key="purchase_order.id"),
    _ev("purchase_order.closed", "Purchase order closed", "已关闭", PURCHASE,
        key="purchase_order.id"),
    _ev("purchase_order.cancelled", "Purchase order cancelled", "已取消", PURCHASE,
        key="purchase_order.id"),
    _ev("receipt.inspected", "Receipt inspected", "已质检", RECEIPT, INSPECTED,
        key="receipt.id"),
    _ev("receipt.frozen", "Receipt frozen", "已冻结", RECEIPT, FROZEN, key="receipt.id"),
    _ev("receipt.released", "Receipt released", "已解冻", RECEIPT, RELEASED, key="receipt.id"),
    _ev("receipt.put_away", "Receipt put away", "已上架", RECEIPT, RECEIPT_LINES,
        key="receipt.id"),
    _ev("receipt.cancelled", "Receipt cancelled", "已取消", RECEIPT, key="receipt.id"),
    _ev("shipment.picked", "Shipment picked", "已拣货", SHIPMENT, key="order.id"),
    _ev("shipment.packed", "Shipment packed", "已打包", SHIPMENT, key="order.id"),
    _ev("shipment.shipped", "Shipment shipped", "已发货", SHIPMENT, SHIPPED, (
        f("order.deposit_amount", "money", "Deposit", "定金", loader="order"),
        f("order.customer_id", "id", "Customer", "客户", loader="order"),
        f("order.total_amount", "money", "Order total", "金额", loader="order")),
        key="order.id"),
    _ev("shipment.cancelled", "Shipment cancelled", "已取消", SHIPMENT, key="order.id"),
    _ev("sales_return.posted", "Sales return posted", "已入库", RETURN, RETURN_LINES,
        key="sales_return.id"),
    _ev("sales_return.cancelled", "Sales return cancelled", "已取消", RETURN,
        key="sales_return.id"),
    _ev("channel.paused", "Channel paused", "已暂停", CHANNEL,
        (f("channel.reason", "text", "Why paused", "暂停原因", source="reason"),),
        key="channel.id"),
    _ev("channel.resumed", "Channel resumed", "已恢复", CHANNEL,
        (f("channel.paused_reason", "text", "Why it was paused", "暂停原因",
           source="paused_reason"),), key="channel.id"),
    _ev("channel_pool.rebalanced", "Channel pools rebalanced", "已再平衡", REBALANCE,
        key="rebalance.run_id"),
    _ev("supplier_invoice.recorded", "Supplier invoice recorded", "已登记", INVOICE, (
        f("invoice.invoiced_at", "datetime", "Invoice date", "开票日期", source="invoiced_at"),
        f("invoice.supplier", "text", "Supplier", "供应商", source="supplier")),
        key="invoice.id"),
    _ev("supplier_invoice.matched", "Supplier invoice matched", "三单匹配成功", INVOICE, (
        f("invoice.voucher_no", "text", "Payable voucher", "应付凭证", source="voucher_no"),
        f("invoice.is_tax_trusted", "bool", "Tax-trusted", "税务可信",
          source="is_tax_trusted")), key="invoice.id"),
    _ev("supplier_invoice.mismatched", "Supplier invoice mismatched", "三单不符", INVOICE, (
        f("invoice.mismatch_reasons", "list(line)", "Why it does not match", "不符原因",
          source="reasons"),), key="invoice.id"),
    _ev("transfer.dispatched", "Transfer dispatched", "已调出", TRANSFER, TRANSFER_LINES,
        key="transfer.id"),
    _ev("transfer.received", "Transfer received", "已调入", TRANSFER, TRANSFER_LINES,
        key="transfer.id"),
    _ev("transfer.returned", "Transfer returned", "已退回", TRANSFER, TRANSFER_LINES,
        key="transfer.id"),
    _ev("transfer.cancelled", "Transfer cancelled", "已取消", TRANSFER, key="transfer.id"),
    _ev("adjustment.submitted", "Adjustment submitted", "待审批", ADJUSTMENT,
        ADJUSTMENT_LINES, key="adjustment.id"),
    _ev("adjustment.posted", "Adjustment posted", "已过账", ADJUSTMENT, ADJUSTMENT_POSTED,
        key="adjustment.id"),
    _ev("adjustment.rejected", "Adjustment rejected", "已驳回", ADJUSTMENT,
        ADJUSTMENT_REJECTED, key="adjustment.id"),
    _ev("adjustment.cancelled", "Adjustment cancelled", "已取消", ADJUSTMENT,
        key="adjustment.id"),
    _ev("stocktake.counted", "Stocktake counts recorded", "已录入盘点数", STOCKTAKE,
        STOCKTAKE_COUNTED, key="stocktake.id"),
    _ev("stocktake.closed", "Stocktake closed", "已结束盘点", STOCKTAKE, key="stocktake.id"),
    _ev("stocktake.reopened", "Stocktake reopened", "已重新盘点", STOCKTAKE,
        key="stocktake.id"),
    _ev("stocktake.posted", "Stocktake posted", "已过账", STOCKTAKE, STOCKTAKE_POSTED,
        key="stocktake.id"),
    _ev("stocktake.cancelled", "Stocktake cancelled", "已取消", STOCKTAKE,
        key="stocktake.id"),
    _ev("dish_sale.recorded", "Dish sale recorded", "已记录", DISH_SALE, key="sale.id"),
    _ev("waste_record.recorded", "Waste recorded", "已记录", WASTE, key="waste.id"),
    _ev("purchase_list.generated", "Purchase list generated", "已生成", PURCHASE_LIST,
        key="purchase_list.id"),
    _ev("stock.received", "Stock received", "已入库", STOCK, key="stock.document_ref"),
    _ev("stock.shipped", "Stock shipped", "已出库", STOCK, (
        f("reservation.id", "id", "Reservation", "编号", source="reservation_id"),),
        key="stock.document_ref"),
    _ev("stock.transferred", "Stock transferred", "已调拨", STOCK, (
        f("stock.from_warehouse", "text", "From warehouse", "调出仓", source="from_warehouse"),
        f("stock.to_warehouse", "text", "To warehouse", "调入仓", source="to_warehouse")),
        key="stock.document_ref"),
    _ev("stock.adjusted", "Stock adjusted", "已调整", STOCK, (
        f("stock.reason", "text", "Reason", "原因", source="reason"),),
        key="stock.document_ref"),
    _ev("stock.reserved", "Stock reserved", "已预占", STOCK, RESERVATION,
        key="stock.document_ref"),
    _ev("stock.released", "Stock released", "已释放", STOCK, RESERVATION,
        key="stock.document_ref"),
    _ev("stock.reservation_expired", "Reservation expired", "预占已过期", STOCK, RESERVATION,
        key="stock.document_ref"),
    _ev("work_order.released", "Work order released", "已下达", WORK_ORDER,
        key="work_order.id"),
    _ev("work_order.components_issued", "Work order components issued", "已领料", WORK_ORDER,
        WORK_ORDER_ISSUED, key="work_order.id"),
    _ev("work_order.finished_goods_received", "Work order finished goods received", "已完工入库",
        WORK_ORDER, WORK_ORDER_RECEIVED, key="work_order.id"),
    _ev("work_order.closed", "Work order closed", "已关闭", WORK_ORDER, key="work_order.id"),
    _ev("work_order.cancelled", "Work order cancelled", "已取消", WORK_ORDER,
        key="work_order.id"),
)
