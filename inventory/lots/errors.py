"""Refusals of the lots module."""

from __future__ import annotations

from inventory.errors import InventoryError


class LotRequired(InventoryError):
    """A perishable item arrived without its lot number or expiry date."""

    code = "lots.lot_required"
    http_status = 422
    template_en = ("Line {line_no} (SKU {sku}) is a perishable item: give its lot number and "
                   "expiry date (missing: {missing}).")
    template_zh = (
        "第 {line_no} 行（商品 {sku}）是易腐商品：须填写批次号和保质期（缺少：{missing_zh}）。")


class LotNotFrozen(InventoryError):
    """A release named a lot that is not frozen in that location."""

    code = "lots.not_frozen"
    template_en = "Lot {lot_no} of SKU {sku} is not frozen at {warehouse}."
    template_zh = "商品 {sku} 的批次 {lot_no} 在 {warehouse} 未被冻结。"
