"""Errors of the connectors. One root, :class:`ConnectorError`; every leaf has a code."""

from __future__ import annotations

from kernel.errors import DomainError


class ConnectorError(DomainError):
    """A connector could not do what was asked."""

    code = "connector.error"
    http_status = 422
    template_en = "The connector refused the request."
    template_zh = "连接器拒绝了该请求。"


class ConnectorNotFound(ConnectorError, LookupError):
    """No connector with this name or id exists in the caller's tenant."""

    code = "connector.not_found"
    http_status = 404
    template_en = "Connector {name} was not found."
    template_zh = "未找到连接器 {name}。"


class DeliveryNotFound(ConnectorError, LookupError):
    """No outbound delivery with this id exists in the caller's tenant."""

    code = "connector.delivery_not_found"
    http_status = 404
    template_en = "Delivery {delivery_id} was not found."
    template_zh = "未找到投递 {delivery_id}。"


class ConnectorExists(ConnectorError):
    """The tenant already has a connector of this name."""

    code = "connector.exists"
    http_status = 409
    template_en = "A connector named {name} already exists."
    template_zh = "已存在名为 {name} 的连接器。"


class InvalidConnector(ConnectorError, ValueError):
    """The connector definition is not valid."""

    code = "connector.invalid"
    template_en = "Invalid connector definition: {reason}"
    template_zh = "连接器定义无效：{reason_zh}"


class InvalidMapping(ConnectorError, ValueError):
    """A field mapping expression does not parse or does not apply."""

    code = "connector.invalid_mapping"
    template_en = "Mapping of {field} is invalid: {reason}"
    template_zh = "字段 {field} 的映射无效：{reason}"


class UnknownMappingFunction(InvalidMapping):
    """A mapping expression calls a function that does not exist."""

    code = "connector.unknown_function"
    template_en = "Mapping of {field} calls an unknown function {function}(){hint_en}"
    template_zh = "字段 {field} 的映射调用了不存在的函数 {function}(){hint_zh}"


class SignatureRejected(ConnectorError):
    """An inbound webhook's signature is missing, forged or outside the time tolerance."""

    code = "connector.signature_rejected"
    http_status = 401
    template_en = "Webhook refused: {reason}."
    template_zh = "Webhook 被拒绝：{reason_zh}。"


class PayloadRejected(ConnectorError):
    """A signed inbound message whose body is not JSON or does not map to an event."""

    code = "connector.payload_rejected"
    template_en = "The message was signed correctly but cannot be used: {reason}"
    template_zh = "消息签名正确，但内容无法使用：{reason}"


class UnsupportedMediaType(ConnectorError):
    """An inbound webhook whose body is not declared ``application/json`` (UTF-8)."""

    code = "connector.unsupported_media_type"
    http_status = 415
    template_en = ("Webhook refused: the body must be sent as application/json (UTF-8), "
                   "not {content_type}.")
    template_zh = ("Webhook 被拒绝：请求体必须以 application/json（UTF-8）发送，"
                   "而不是 {content_type}。")


class BodyTooLarge(ConnectorError):
    """An inbound webhook body over its connector's limit."""

    code = "connector.body_too_large"
    http_status = 413
    template_en = "Webhook refused: the body is larger than this connector's {limit} bytes."
    template_zh = "Webhook 被拒绝：请求体超过该连接器允许的 {limit} 字节。"


class ConnectorDeleted(ConnectorError):
    """The delivery's connector was deleted; nothing is sent through it any more."""

    code = "connector.deleted"
    http_status = 409
    template_en = "Connector {name} was deleted; its deliveries are kept but not sent."
    template_zh = "连接器 {name} 已删除；其投递记录保留，但不再发送。"


class EgressRefused(ConnectorError):
    """An outbound call to a host that is not on the tenant's allow-list (or is private)."""

    code = "connector.egress_refused"
    http_status = 403
    template_en = "Outbound traffic to {host} refused: {reason}"
    template_zh = "拒绝向 {host} 发出请求：{reason_zh}"


__all__ = ["BodyTooLarge", "ConnectorDeleted", "ConnectorError", "ConnectorExists",
           "ConnectorNotFound", "DeliveryNotFound", "EgressRefused", "InvalidConnector",
           "InvalidMapping", "PayloadRejected", "SignatureRejected", "UnknownMappingFunction",
           "UnsupportedMediaType"]
