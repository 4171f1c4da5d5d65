"""Errors of the engine: compiling and evaluating rules, events, the queue, handlers.

One root, :class:`EngineError`; every leaf has a stable code and zh/en templates.
"""

from __future__ import annotations

from kernel.errors import DomainError


class EngineError(DomainError):
    """The engine could not do what was asked."""

    code = "engine.error"
    http_status = 422


class CompileError(EngineError):
    """A rule graph cannot be compiled (it did not pass the checker)."""

    code = "engine.compile_error"
    template_en = "Rule {rule} node {node}: {reason}"
    template_zh = "规则 {rule} 节点 {node}：{reason_zh}"


class GuardRefused(EngineError):
    """A guard rule blocked a command."""

    code = "engine.guard_refused"
    http_status = 409
    template_en = "Refused by rule {rule} (version {version}): {message}"
    template_zh = "被规则 {rule}（版本 {version}）阻止：{message}"


class EventNotFound(EngineError, LookupError):
    """No outbox event with this id exists in the caller's tenant."""

    code = "engine.event_not_found"
    http_status = 404
    template_en = "Event {event_id} was not found."
    template_zh = "未找到事件 {event_id}。"


class EventNotParked(EngineError):
    """Only a parked event can be sent back to the workers."""

    code = "engine.event_not_parked"
    http_status = 409
    template_en = "Event {event_id} is {status}, not parked; only a parked event can be retried."
    template_zh = "事件 {event_id} 的状态是 {status}，不是已搁置；只有已搁置的事件可以重试。"


class HandlerNotFound(EngineError, ValueError):
    """The event handler named in the settings cannot be imported."""

    code = "engine.handler_not_found"
    http_status = 500
    template_en = "Event handler {spec} cannot be loaded: {reason}"
    template_zh = "无法加载事件处理器 {spec}：{reason}"


class CorrelationUnavailable(EngineError):
    """The optional durable-rules correlation backend is not installed."""

    code = "engine.correlation_unavailable"
    http_status = 501
    template_en = ("The durable-rules backend is not installed (pip install 'jxcflow[cep]'): "
                   "{reason}")
    template_zh = "未安装 durable-rules 关联后端（pip install 'jxcflow[cep]'）：{reason}"


class CorrelationUnsupported(EngineError):
    """A time clause the durable-rules backend cannot express."""

    code = "engine.correlation_unsupported"
    template_en = "Rule {rule}: the durable-rules backend supports {reason}"
    template_zh = "规则 {rule}：durable-rules 后端仅支持 {reason}"


class CascadeTooDeep(EngineError):
    """Follow-up events went deeper than the cascade bound: most likely rules that emit
    each other's events. The chain is stopped; nothing past the bound is emitted."""

    code = "engine.cascade_too_deep"
    http_status = 409
    template_en = ("Rule {rule} (node {node}) would emit {event} at cascade depth {depth}, "
                   "past the limit of {limit}; the chain that began with event {root} was "
                   "stopped. Check for rules that emit each other's events.")
    template_zh = ("规则 {rule}（节点 {node}）将在第 {depth} 层级联发出事件 {event}，超过上限 "
                   "{limit}；由事件 {root} 引起的连锁已停止。请检查是否有规则互相发出对方的事件。")


class ActionNotApplicable(EngineError):
    """A rule's action cannot be applied to what it names (unknown field, document, …)."""

    code = "engine.action_not_applicable"
    template_en = "Rule {rule}: {action} cannot be applied: {reason}"
    template_zh = "规则 {rule}：无法执行 {action}：{reason_zh}"


class NotSandboxTenant(EngineError):
    """Only a sandbox tenant may move its own clock."""

    code = "engine.not_sandbox_tenant"
    http_status = 409
    template_en = ("Tenant {tenant} is a production tenant: its clock is the real clock and "
                   "cannot be advanced. Create a sandbox tenant to try time-based rules.")
    template_zh = ("企业 {tenant} 是正式企业：其时钟即真实时间，不能拨快。"
                   "请创建沙箱企业来试运行与时间相关的规则。")


__all__ = [
    "ActionNotApplicable",
    "CascadeTooDeep",
    "CompileError",
    "CorrelationUnavailable",
    "CorrelationUnsupported",
    "EngineError",
    "EventNotFound",
    "EventNotParked",
    "GuardRefused",
    "HandlerNotFound",
    "NotSandboxTenant",
]
