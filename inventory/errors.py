"""Refusals of the 进销存 core. Each names the balance or thing that refused."""

from __future__ import annotations

from kernel.errors import DomainError


class InventoryError(DomainError):
    """A stock operation was refused."""

    code = "inventory.error"
    http_status = 409


class InsufficientStock(InventoryError):
    """Not enough available stock for the request."""

    code = "inventory.insufficient_stock"
    template_en = "SKU {sku} at {warehouse}: available {available}, requested {requested}."
    template_zh = "商品 {sku} 在 {warehouse}：可用 {available}，请求 {requested}。"


class InsufficientLotStock(InventoryError):
    """The named lot does not hold enough."""

    code = "inventory.insufficient_lot_stock"
    template_en = "SKU {sku} lot {lot_no} at {warehouse}: on hand {on_hand}, requested {requested}."
    template_zh = "商品 {sku} 批次 {lot_no} 在 {warehouse}：现存 {on_hand}，请求 {requested}。"


class LotFrozen(InventoryError):
    """The lots that could ship are frozen (a warm freezer, a quality hold)."""

    code = "inventory.lot_frozen"
    template_en = ("SKU {sku} at {warehouse}: lot(s) {lots} are frozen; the lots free to ship "
                   "hold {free}, requested {requested}.")
    template_zh = ("商品 {sku} 在 {warehouse}：批次 {lots} 已冻结；"
                   "可发批次余 {free}，请求 {requested}。")


class InsufficientReservation(InventoryError):
    """A shipment asked to consume more than its reservation holds."""

    code = "inventory.insufficient_reservation"
    template_en = "Reservation {reservation_id} holds {held}, requested {requested}."
    template_zh = "预占 {reservation_id} 剩余 {held}，请求 {requested}。"


class ReservationNotActive(InventoryError):
    """The reservation was already released, consumed or expired."""

    code = "inventory.reservation_not_active"
    template_en = "Reservation {reservation_id} is {status}, not active."
    template_zh = "预占 {reservation_id} 状态为 {status}，不是有效状态。"


class ReservationMismatch(InventoryError):
    """A shipment named a reservation of another SKU or warehouse."""

    code = "inventory.reservation_mismatch"
    http_status = 422
    template_en = "Reservation {reservation_id} is for {sku} at {warehouse}, not this shipment."
    template_zh = "预占 {reservation_id} 属于 {sku} / {warehouse}，与本次出库不符。"


class UnknownItem(InventoryError, LookupError):
    """No item with this SKU in the tenant."""

    code = "inventory.unknown_item"
    http_status = 404
    template_en = "SKU {sku} does not exist."
    template_zh = "商品 {sku} 不存在。"


class UnknownWarehouse(InventoryError, LookupError):
    """No warehouse with this code in the tenant."""

    code = "inventory.unknown_warehouse"
    http_status = 404
    template_en = "Warehouse {warehouse} does not exist."
    template_zh = "仓库 {warehouse} 不存在。"


class UnknownReservation(InventoryError, LookupError):
    """No reservation with this id in the tenant."""

    code = "inventory.unknown_reservation"
    http_status = 404
    template_en = "Reservation {reservation_id} does not exist."
    template_zh = "预占 {reservation_id} 不存在。"


class UnknownLot(InventoryError, LookupError):
    """The item has no lot with this number."""

    code = "inventory.unknown_lot"
    http_status = 404
    template_en = "SKU {sku} has no lot {lot_no}."
    template_zh = "商品 {sku} 没有批次 {lot_no}。"


class InvalidQuantity(InventoryError, ValueError):
    """A quantity is zero, negative, too large or too precise."""

    code = "inventory.invalid_quantity"
    http_status = 422
    template_en = "Quantity {qty} is not allowed: {reason}."
    template_zh = "数量 {qty} 不允许：{reason_zh}。"


class SameWarehouseTransfer(InventoryError, ValueError):
    """A transfer must move stock between two different warehouses."""

    code = "inventory.same_warehouse_transfer"
    http_status = 422
    template_en = "A transfer needs two different warehouses (got {warehouse} twice)."
    template_zh = "调拨需要两个不同的仓库（两次都是 {warehouse}）。"


class IdempotencyKeyReused(InventoryError):
    """The Idempotency-Key was first used for a different request."""

    code = "inventory.idempotency_key_reused"
    http_status = 422
    template_en = "Idempotency-Key {key} was already used for a different request ({command})."
    template_zh = "幂等键 {key} 已用于另一个不同的请求（{command}）。"


class ItemFrozen(InventoryError):
    """A frozen item cannot be reserved or shipped until it is unfrozen."""

    code = "inventory.item_frozen"
    template_en = "SKU {sku} is frozen ({reason}); it cannot be {doing}."
    template_zh = "商品 {sku} 已冻结（{reason}），不能{doing_zh}。"
