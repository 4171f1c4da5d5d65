"""Refusals of the inventory-health reports."""

from __future__ import annotations

from inventory.errors import InventoryError


class HealthSettingsInvalid(InventoryError, ValueError):
    """The tenant's ``[health]`` settings (from an installed pack) cannot be used."""

    code = "health.settings_invalid"
    http_status = 409
    template_en = "Health setting {setting}.{criterion} is “{value}”; it must be a number ≥ 0."
    template_zh = "健康设置 {setting}.{criterion} 的值为“{value}”，必须是不小于 0 的数。"
