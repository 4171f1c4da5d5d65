"""Refusals of contracts and metering: unknown contract, deliverable or metric, a milestone
whose deliverables are not all delivered, a period drafted twice or not yet over."""

from __future__ import annotations

from kernel.errors import DomainError


class ContractsError(DomainError):
    """A contracts or metering action was refused."""

    code = "contracts.error"
    http_status = 409


class UnknownContract(ContractsError, LookupError):
    """No contract with this number in the tenant."""

    code = "contracts.unknown_contract"
    http_status = 404
    template_en = "Contract {no} does not exist."
    template_zh = "合同 {no} 不存在。"


class DuplicateContract(ContractsError):
    """A contract with this number already exists."""

    code = "contracts.duplicate_contract"
    template_en = "Contract {no} already exists."
    template_zh = "合同 {no} 已存在。"


class UnknownPart(ContractsError, LookupError):
    """The contract has no deliverable or milestone with this code."""

    code = "contracts.unknown_part"
    http_status = 404
    template_en = "Contract {no} has no {kind} {part}."
    template_zh = "合同 {no} 没有{kind_zh} {part}。"


class AlreadyDone(ContractsError):
    """The deliverable is already delivered, or the milestone already reached."""

    code = "contracts.already_done"
    template_en = "Contract {no}: {kind} {part} is already {state}."
    template_zh = "合同 {no}：{kind_zh} {part} 已{state_zh}。"


class MilestoneNotReady(ContractsError):
    """A milestone is reached only when all its deliverables are delivered."""

    code = "contracts.milestone_not_ready"
    template_en = "Contract {no}: milestone {part} waits for deliverables {missing}."
    template_zh = "合同 {no}：里程碑 {part} 还差交付物 {missing}。"


class UnknownMetric(ContractsError):
    """The contract has no price for this metric, so its usage cannot be billed."""

    code = "contracts.unknown_metric"
    http_status = 422
    template_en = "Contract {no} has no price for metric {metric} (priced: {priced})."
    template_zh = "合同 {no} 没有计量项 {metric} 的价格（已定价：{priced}）。"


class UsageOutsideContract(ContractsError):
    """Usage before the contract starts or after it ends, or on a closed contract."""

    code = "contracts.usage_outside_contract"
    http_status = 422
    template_en = "Contract {no} runs {starts_on} to {ends_on}; usage at {occurred_at} is outside."
    template_zh = "合同 {no} 有效期 {starts_on} 至 {ends_on}；用量时间 {occurred_at} 不在其内。"


class UsageEventReused(ContractsError):
    """A meter event id came again with different content."""

    code = "contracts.usage_event_reused"
    template_en = "Meter event {event_id} was already recorded with different content."
    template_zh = "计量事件 {event_id} 已按不同内容记录过。"


class InvalidPricing(ContractsError):
    """A price plan is not a valid per-unit or tiered price."""

    code = "contracts.invalid_pricing"
    http_status = 422
    template_en = "Price of metric {metric}: {reason}."
    template_zh = "计量项 {metric} 的价格：{reason_zh}。"


class InvalidPeriod(ContractsError):
    """A billing period is a month written ``YYYY-MM`` that has ended."""

    code = "contracts.invalid_period"
    http_status = 422
    template_en = "Period {period}: {reason}."
    template_zh = "账期 {period}：{reason_zh}。"


class InvoiceAlreadyDrafted(ContractsError):
    """The contract's period already has an invoice draft."""

    code = "contracts.invoice_already_drafted"
    template_en = "Contract {no} already has invoice draft {invoice} for {period}."
    template_zh = "合同 {no} 的 {period} 账期已有发票草稿 {invoice}。"


class UnknownInvoice(ContractsError, LookupError):
    """No invoice draft with this number in the tenant."""

    code = "contracts.unknown_invoice"
    http_status = 404
    template_en = "Invoice draft {no} does not exist."
    template_zh = "发票草稿 {no} 不存在。"
