"""Refusals of business documents: a forbidden step of a state machine, or a business check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inventory.errors import InventoryError


class DocumentError(InventoryError):
    """A document action was refused."""

    code = "document.error"


class InvalidTransition(DocumentError):
    """The document's status does not allow this action."""

    code = "document.invalid_transition"
    http_status = 409
    template_en = ("{document} {no} is {status}: {action} is not allowed. "
                   "Allowed next actions: {allowed} (next states: {next_states}).")
    template_zh = ("{document_zh} {no} 当前状态为 {status}，不能执行 {action}。"
                   "允许的下一步操作：{allowed}（可到达状态：{next_states}）。")

    def __init__(self, *, document: str, status: str, action: str, allowed: Iterable[str],
                 no: str = "", next_states: Iterable[str] = (), **context: Any) -> None:
        #: The actions the current status allows, in table order (empty for a final status).
        self.allowed_actions: tuple[str, ...] = tuple(allowed)
        #: The status each allowed action leads to, in the same order.
        self.next_states: tuple[str, ...] = tuple(next_states)
        context.pop("document_zh", None)  # always derived from ``document``
        super().__init__(document=document, document_zh=DOCUMENT_NAMES_ZH.get(document, document),
                         no=no or "—", status=status, action=action,
                         allowed=", ".join(self.allowed_actions) or "—",
                         next_states=", ".join(self.next_states) or "—", **context)


#: The Chinese name of each document type, for messages.
DOCUMENT_NAMES_ZH: dict[str, str] = {
    "sales_order": "销售单", "purchase_order": "采购单", "receipt": "入库单",
    "shipment": "出库单", "sales_return": "退货单", "transfer": "调拨单",
    "adjustment": "库存调整单", "stocktake": "盘点单", "supplier_invoice": "供应商发票",
    "work_order": "生产工单",
    "dish_sale": "点单", "waste_record": "报损单", "purchase_list": "采购清单",
}


class UnknownDocument(DocumentError, LookupError):
    """No document with this number in the tenant."""

    code = "document.not_found"
    http_status = 404
    template_en = "{document} {no} does not exist."
    template_zh = "{document_zh} {no} 不存在。"


class DuplicateDocument(DocumentError):
    """A document with this number already exists."""

    code = "document.exists"
    http_status = 409
    template_en = "{document} {no} already exists."
    template_zh = "{document_zh} {no} 已存在。"


class UnknownCustomer(DocumentError, LookupError):
    """No customer with this code in the tenant."""

    code = "document.unknown_customer"
    http_status = 404
    template_en = "Customer {customer} does not exist."
    template_zh = "客户 {customer} 不存在。"


class CustomerFrozen(DocumentError):
    """A frozen customer cannot get an order confirmed."""

    code = "document.customer_frozen"
    http_status = 409
    template_en = "Customer {customer} is frozen ({reason}); order {no} cannot be confirmed."
    template_zh = "客户 {customer} 已冻结（{reason}），销售单 {no} 不能确认。"


class QuantityExceeded(DocumentError, ValueError):
    """A line asks for more than its source line has left."""

    code = "document.quantity_exceeded"
    http_status = 422
    template_en = ("{document} {no} line {line_no} ({sku}): {left_label} {left}, "
                   "requested {requested}.")
    template_zh = ("{document_zh} {no} 第 {line_no} 行（{sku}）：{left_label_zh} {left}，"
                   "请求 {requested}。")


class UnknownLine(DocumentError, LookupError):
    """A line refers to a line number its source document does not have."""

    code = "document.unknown_line"
    http_status = 422
    template_en = "{document} {no} has no line {line_no}."
    template_zh = "{document_zh} {no} 没有第 {line_no} 行。"


class EmptyDocument(DocumentError, ValueError):
    """A document needs at least one line."""

    code = "document.no_lines"
    http_status = 422
    template_en = "{document} needs at least one line."
    template_zh = "{document_zh}至少需要一行明细。"


class QualityRoleRequired(DocumentError):
    """Only a user with a quality role may release a frozen receipt."""

    code = "document.quality_role_required"
    http_status = 403
    template_en = "Releasing frozen receipt {no} needs one of the roles {roles}."
    template_zh = "解冻入库单 {no} 需要以下角色之一：{roles}。"


class ShipmentNotConfirmed(DocumentError, ValueError):
    """A shipment leaves only with the warehouse's confirmation code and a tracking number."""

    code = "document.shipment_not_confirmed"
    http_status = 422
    template_en = "Shipment {no} cannot ship: {reason}."
    template_zh = "出库单 {no} 不能发运：{reason_zh}。"


class SecondApproverRequired(DocumentError):
    """An adjustment above the threshold needs a second user, not its creator, to approve."""

    code = "document.second_approver_required"
    http_status = 403
    template_en = ("Adjustment {no} was created by {creator}; a different user must approve "
                   "it.")
    template_zh = "库存调整单 {no} 由 {creator} 创建，必须由另一位用户审批。"


class PhotoRequired(DocumentError, ValueError):
    """An adjustment needs at least one photo as evidence."""

    code = "document.photo_required"
    http_status = 422
    template_en = "An adjustment needs at least one photo."
    template_zh = "库存调整必须至少附一张照片。"


class StocktakeStillBlind(DocumentError):
    """Variances of a stocktake are hidden until counting is closed (blind count)."""

    code = "document.stocktake_blind"
    http_status = 409
    template_en = ("Stocktake {no} is still counting: system quantities and variances are "
                   "shown only after it is closed.")
    template_zh = "盘点单 {no} 仍在盲盘中：关闭盘点后才显示账面数量与差异。"


class NotCounted(DocumentError, ValueError):
    """Every line of a stocktake must be counted before it is closed."""

    code = "document.not_counted"
    http_status = 422
    template_en = "Stocktake {no} has {missing} line(s) not counted yet: {skus}."
    template_zh = "盘点单 {no} 还有 {missing} 行未盘点：{skus}。"


class SupplierQualificationExpired(DocumentError):
    """A supplier whose licence has expired cannot get a new purchase order approved."""

    code = "document.supplier_qualification_expired"
    http_status = 409
    template_en = ("Supplier {supplier}: {kind} {number} expired on {expiry_date}; purchase "
                   "order {no} cannot be approved until it is renewed.")
    template_zh = ("供应商 {supplier} 的{kind_zh} {number} 已于 {expiry_date} 过期，"
                   "资质更新前采购单 {no} 不能审批。")


class UnknownSupplier(DocumentError, LookupError):
    """No supplier with this code in the tenant."""

    code = "document.unknown_supplier"
    http_status = 404
    template_en = "Supplier {supplier} does not exist."
    template_zh = "供应商 {supplier} 不存在。"


def document_context(document: str) -> dict[str, str]:
    """The ``document`` / ``document_zh`` pair every document error carries."""
    return {"document": document, "document_zh": DOCUMENT_NAMES_ZH.get(document, document)}


class SupplierFrozen(DocumentError):
    """A frozen supplier cannot get a purchase order approved until it is unfrozen."""

    code = "document.supplier_frozen"
    http_status = 409
    template_en = ("Supplier {supplier} is frozen ({reason}); purchase order {no} cannot be "
                   "approved.")
    template_zh = "供应商 {supplier} 已冻结（{reason}），采购单 {no} 不能审批。"
