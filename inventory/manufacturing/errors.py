"""Refusals of manufacturing: bills of materials, emission factors, carbon footprints."""

from __future__ import annotations

from inventory.errors import InventoryError


class ManufacturingError(InventoryError):
    """A manufacturing request was refused."""

    code = "manufacturing.error"


class BomCycle(ManufacturingError, ValueError):
    """A bill of materials would contain itself (directly or through its components)."""

    code = "manufacturing.bom_cycle"
    http_status = 422
    template_en = "The bill of materials of {sku} would contain itself: {path}."
    template_zh = "{sku} 的物料清单会包含它自己：{path}。"


class UnknownBom(ManufacturingError, LookupError):
    """The item has no bill of materials in this tenant."""

    code = "manufacturing.bom_not_found"
    http_status = 404
    template_en = "SKU {sku} has no bill of materials."
    template_zh = "商品 {sku} 没有物料清单。"


class BomExists(ManufacturingError):
    """The item already has a bill of materials (replace it with PUT)."""

    code = "manufacturing.bom_exists"
    http_status = 409
    template_en = "SKU {sku} already has a bill of materials; replace it instead."
    template_zh = "商品 {sku} 已有物料清单，请修改而不是新建。"


class BadBom(ManufacturingError, ValueError):
    """A bill of materials is malformed (no lines, a component listed twice …)."""

    code = "manufacturing.bad_bom"
    http_status = 422
    template_en = "The bill of materials of {sku} is not valid: {reason}."
    template_zh = "{sku} 的物料清单无效：{reason_zh}。"


class MissingEmissionFactor(ManufacturingError, LookupError):
    """A footprint needs an emission factor the tenant has not entered."""

    code = "manufacturing.missing_emission_factor"
    http_status = 422
    template_en = "No {kind} emission factor for {name}: enter one before computing a footprint."
    template_zh = "缺少 {name} 的{kind_zh}排放因子，请先录入再计算碳足迹。"


class BadEmissionFactor(ManufacturingError, ValueError):
    """An emission factor or energy reading is not a finite, non-negative exact number."""

    code = "manufacturing.bad_number"
    http_status = 422
    template_en = "{field} must be a non-negative number with at most 9 decimals, got {value}."
    template_zh = "{field_zh} 必须是非负数且最多 9 位小数，收到 {value}。"


class NothingReceived(ManufacturingError):
    """A work order's footprint per unit needs finished goods received."""

    code = "manufacturing.nothing_received"
    http_status = 409
    template_en = "Work order {no} has received no finished goods yet."
    template_zh = "生产工单 {no} 尚未完工入库。"


class UnknownOperation(ManufacturingError, LookupError):
    """The work order has no operation of this name."""

    code = "manufacturing.unknown_operation"
    http_status = 422
    # The names are the shop's own words (often Chinese): only the zh text repeats them.
    template_en = "Work order {no} has no operation of that name; use one of its {count}."
    template_zh = "生产工单 {no} 没有工序 {operation}（现有：{known}）。"


class ReadingNotAllowed(ManufacturingError):
    """Energy is read while the order is on the shop floor, not before or after."""

    code = "manufacturing.reading_not_allowed"
    http_status = 409
    template_en = ("Work order {no} is {status}: energy readings are recorded while it is "
                   "released, issued or received.")
    template_zh = ("生产工单 {no} 当前状态为 {status}：只有已下达、已领料或已完工的工单"
                   "可录入能耗读数。")
