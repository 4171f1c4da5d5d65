"""What people call the request fields, in English and Chinese (for validation messages).

A field missing here is named by its own name (``lead_time_days`` → "lead time days"), so
the table lists the fields users send most, not every field of every request.
"""

from __future__ import annotations

from typing import Final

#: Request field name -> (English label, Chinese label).
FIELD_LABELS: Final[dict[str, tuple[str, str]]] = {
    # stock and documents
    "qty": ("quantity", "数量"), "sku": ("SKU", "商品编码"), "skus": ("SKUs", "商品编码"),
    "level": ("customer level", "客户等级"), "scanner_id": ("scanner", "扫描枪"),
    "scanned_at": ("scan time", "扫描时间"),
    "warehouse": ("warehouse", "仓库"), "from_warehouse": ("source warehouse", "调出仓库"),
    "to_warehouse": ("destination warehouse", "调入仓库"),
    "transit_warehouse": ("transit warehouse", "在途仓库"),
    "unit_price": ("unit price", "单价"), "unit_cost": ("unit cost", "单位成本"),
    "list_price": ("list price", "标价"), "cost_price": ("cost price", "成本价"),
    "amount": ("amount", "金额"), "deposit_amount": ("deposit", "定金"),
    "total_amount": ("total", "总金额"), "currency": ("currency", "币种"),
    "lines": ("lines", "明细"), "line_no": ("line number", "行号"),
    "order_line_no": ("order line number", "订单行号"),
    "lot_no": ("lot number", "批次号"), "expiry_date": ("expiry date", "到期日"),
    "reason": ("reason", "原因"), "note": ("note", "备注"), "comment": ("comment", "意见"),
    "photo_refs": ("photos", "照片"), "photo_count": ("photo count", "照片数量"),
    "is_scanned": ("scanned", "已扫描"), "customer": ("customer", "客户"),
    "supplier": ("supplier", "供应商"), "channel": ("channel", "渠道"),
    "no": ("document number", "单号"), "sales_order_no": ("sales order number", "销售订单号"),
    "purchase_order_no": ("purchase order number", "采购单号"),
    "stocktake_no": ("stocktake number", "盘点单号"), "tracking_no": ("tracking number", "运单号"),
    "confirmation_code": ("confirmation code", "确认码"), "carrier": ("carrier", "承运商"),
    "counted_qty": ("counted quantity", "盘点数量"),
    "hold_seconds": ("hold (seconds)", "锁定时长（秒）"), "expires_at": ("expiry time", "到期时间"),
    "bin": ("bin", "货位"), "location": ("location", "库位"),
    "reorder_point": ("reorder point", "再订货点"), "safety_stock": ("safety stock", "安全库存"),
    "lead_time_days": ("lead time (days)", "交货周期（天）"),
    "shelf_life_days": ("shelf life (days)", "保质期（天）"),
    "expected_weight_kg": ("expected weight (kg)", "预期重量（kg）"),
    "measured_weight_kg": ("measured weight (kg)", "实测重量（kg）"),
    "weight_tolerance_pct": ("weight tolerance (%)", "重量公差（%）"),
    "temperature_c": ("temperature (°C)", "温度（°C）"),
    # catalogue and parties
    "code": ("code", "编码"), "name": ("name", "名称"), "name_zh": ("Chinese name", "中文名称"),
    "name_en": ("English name", "英文名称"), "unit": ("unit", "单位"),
    "barcode": ("barcode", "条码"),
    "category": ("category", "品类"), "attributes": ("attributes", "属性"),
    "address": ("address", "地址"), "timezone": ("time zone", "时区"),
    # accounts and tokens
    "tenant": ("company code", "企业代码"), "username": ("user name", "用户名"),
    "password": ("password", "密码"), "scopes": ("scopes", "权限范围"),
    "expires_in_days": ("validity (days)", "有效期（天）"), "role": ("role", "角色"),
    "Idempotency-Key": ("Idempotency-Key header", "Idempotency-Key 请求头"),
    # rules and governance
    "source": ("rule text", "规则文本"), "tests": ("rule tests", "规则测试"),
    "to": ("target state", "目标状态"), "hours": ("hours", "小时数"),
    "override_reason": ("override reason", "越权原因"), "text": ("text", "文本"),
    # planning, contracts, manufacturing, catering, health
    "approvals_required": ("approvals required", "所需审批数"), "at": ("time", "时间"),
    "base_temperature_c": ("base temperature (°C)", "基准温度（°C）"),
    "booking_date": ("booking date", "预订日期"), "celsius": ("temperature (°C)", "温度（°C）"),
    "central_kitchen": ("central kitchen", "中央厨房"), "channels": ("channels", "渠道"),
    "contract": ("contract", "合同"), "counts": ("counts", "盘点数"), "covers": ("covers", "客数"),
    "day": ("day", "日期"), "deliverables": ("deliverables", "交付物"), "dish": ("dish", "菜品"),
    "document": ("document", "单据"), "draft_order": ("draft order", "草稿订单"),
    "due_on": ("due date", "到期日"), "end_time": ("end time", "结束时间"),
    "ends_on": ("end date", "结束日期"), "energy_carrier": ("energy carrier", "能源类型"),
    "energy_per_unit": ("energy per unit", "单位能耗"), "event_id": ("event id", "事件编号"),
    "forecast_date": ("forecast date", "预测日期"), "freezer": ("freezer", "冷柜"),
    "guest": ("guest", "客人"), "holdout_days": ("hold-out days", "留出天数"),
    "invoiced_at": ("invoice time", "开票时间"), "is_real": ("real address", "是否真实"),
    "key": ("key", "键"), "kg_co2e_per_unit": ("kg CO₂e per unit", "单位碳排放（kg CO₂e）"),
    "lookback_days": ("look-back days", "回看天数"), "method": ("method", "方法"),
    "metric": ("metric", "指标"), "milestones": ("milestones", "里程碑"), "mode": ("mode", "模式"),
    "number": ("number", "编号"), "occurred_at": ("time it happened", "发生时间"),
    "operation": ("operation", "工序"), "operations": ("operations", "工序"),
    "order_up_to": ("order-up-to level", "补货上限"), "percent": ("percentage", "百分比"),
    "period": ("period", "周期"), "pool_channel": ("pool channel", "库存池渠道"),
    "portions": ("portions", "份数"), "prices": ("prices", "价格"), "pricing": ("pricing", "定价"),
    "process": ("process", "工艺"), "purchase_list_at": ("purchase list time", "采购清单时间"),
    "qty_per_portion": ("quantity per portion", "每份用量"), "recipe": ("recipe", "配方"),
    "records": ("records", "记录"), "review_days": ("review days", "复核天数"),
    "rollout": ("gray release", "灰度发布"), "sample_size": ("sample size", "样本量"),
    "scope": ("scope", "范围"), "season_length": ("season length", "季节周期"),
    "seed": ("seed", "随机种子"), "service_level_pct": ("service level (%)", "服务水平（%）"),
    "share_per_degree": ("share per degree", "每度变化比例"),
    "starts_on": ("start date", "开始日期"),
    "store": ("store", "门店"), "target_qty": ("target quantity", "目标数量"),
    "target_share_pct": ("target share (%)", "目标占比（%）"),
    "threshold_qty": ("threshold quantity", "阈值数量"), "tiers": ("price tiers", "价格阶梯"),
    "title": ("title", "标题"), "ttl_seconds": ("lifetime (seconds)", "有效期（秒）"),
    "up_to": ("up to", "上限"), "warehouses": ("warehouses", "仓库"),
    "version_id": ("version id", "版本编号"), "job_id": ("job id", "任务编号"),
    "token_id": ("token id", "令牌编号"), "delivery_id": ("delivery id", "投递编号"),
    "public_id": ("webhook address", "webhook 地址"),
    # connectors and packs
    "endpoint": ("endpoint", "目标地址"), "event_type": ("event type", "事件类型"),
    "config": ("settings", "配置"), "mapping": ("field mapping", "字段映射"),
    "secret": ("secret", "密钥"), "rotate_secret": ("new secret", "更换密钥"),
    "host": ("host", "主机"), "hosts": ("hosts", "主机"),
    "allow_endpoint_host": ("allow the endpoint's host", "允许目标主机"),
    "allow_private": ("allow private addresses", "允许内网地址"),
    "max_attempts": ("attempts", "最多尝试次数"), "sample": ("sample", "样例"),
    "template": ("template", "模板"), "pack_id": ("pack", "行业包"), "options": ("options", "选项"),
    "is_active": ("active", "是否启用"),
    # paging and filters
    "offset": ("offset", "偏移量"), "limit": ("page size", "每页条数"),
    "since": ("start time", "开始时间"), "until": ("end time", "结束时间"),
    "q": ("search text", "搜索词"), "status": ("status", "状态"), "state": ("state", "状态"),
    "type": ("type", "类型"), "kind": ("kind", "种类"), "ref": ("reference", "单据号"),
    "document_ref": ("document reference", "单据号"),
}


def label_of(name: str) -> tuple[str, str]:
    """English and Chinese label of a request field (its own name when unknown)."""
    found = FIELD_LABELS.get(name)
    if found is not None:
        return found
    words = name.replace("_", " ").replace("-", " ").strip() or name
    return words, name
