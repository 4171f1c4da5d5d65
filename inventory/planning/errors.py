"""Refusals of planning: a paused channel, a pool short of stock, an unknown channel or run."""

from __future__ import annotations

from inventory.errors import InventoryError


class PlanningError(InventoryError):
    """A planning action was refused."""

    code = "planning.error"


class UnknownChannel(PlanningError, LookupError):
    """No sales channel with this code in the tenant."""

    code = "planning.unknown_channel"
    http_status = 404
    template_en = "Sales channel {channel} does not exist."
    template_zh = "销售渠道 {channel} 不存在。"


class ChannelPaused(PlanningError):
    """A paused channel cannot get an order confirmed."""

    code = "planning.channel_paused"
    http_status = 409
    template_en = "Sales channel {channel} is paused ({reason}); order {no} cannot be confirmed."
    template_zh = "销售渠道 {channel} 已暂停（{reason}），销售单 {no} 不能确认。"


class PoolShort(PlanningError):
    """The channel's pool holds less of a SKU than the order asks for."""

    code = "planning.pool_short"
    http_status = 409
    template_en = ("Channel {channel} pool for SKU {sku} at {warehouse}: holds {held}, "
                   "order {no} asks for {requested}.")
    template_zh = ("渠道 {channel} 在 {warehouse} 的商品 {sku} 库存池：剩余 {held}，"
                   "销售单 {no} 需要 {requested}。")


class UnknownRun(PlanningError, LookupError):
    """No rebalance run with this id in the tenant."""

    code = "planning.unknown_run"
    http_status = 404
    template_en = "Rebalance run {run_id} does not exist."
    template_zh = "库存池再平衡记录 {run_id} 不存在。"


class InvalidPlanningInput(PlanningError, ValueError):
    """A planning setting is out of range."""

    code = "planning.invalid_input"
    http_status = 422
    template_en = "{field}: {reason}."
    template_zh = "{field}：{reason_zh}。"
