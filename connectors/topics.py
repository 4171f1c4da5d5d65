"""Each tenant's MQTT topic namespace: ``jxc/<tenant code>/…``.

Many tenants may share one broker. A connector's subscriptions are therefore written as
``jxc/{tenant}/…`` (``{tenant}`` becomes the tenant's code when the link subscribes) and
must stay inside that prefix: a filter that starts anywhere else, or whose wildcards could
reach past it (``#``, ``+/…`` at the root, ``$SYS/…``, another tenant's code), is refused
when the connector is saved. The link checks every received message again: a message on a
topic outside its tenant's namespace is refused and kept in the rejection list, whatever
the broker sent.
"""

from __future__ import annotations

import re

from connectors.errors import InvalidConnector

#: How every subscription filter starts; ``{tenant}`` is replaced by the tenant's code.
PREFIX = "jxc/{tenant}/"
_MAX_TOPIC = 200
#: A tenant code usable as one literal topic level (no wildcard, no separator).
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _refuse(reason: str, reason_zh: str) -> InvalidConnector:
    return InvalidConnector(reason=reason, reason_zh=reason_zh)


def check_filter(topic: str) -> None:
    """Raise :class:`InvalidConnector` unless ``topic`` is a valid MQTT filter inside the
    tenant's namespace (``jxc/{tenant}/<at least one level>``)."""
    if len(topic) > _MAX_TOPIC or "\x00" in topic:
        raise _refuse(f"a topic has at most {_MAX_TOPIC} characters and no NUL",
                      f"topic 最多 {_MAX_TOPIC} 个字符，且不得含空字符")
    if not topic.startswith(PREFIX) or topic == PREFIX:
        raise _refuse(
            f"topic {topic!r} is outside your company's namespace: every subscription must "
            f"start with {PREFIX} ({{tenant}} stands for your company code), so no "
            "connector can hear another company's devices; #, +/… at the root and $SYS "
            "are refused",
            f"topic {topic!r} 超出本企业的命名空间：每个订阅必须以 {PREFIX} 开头"
            "（{tenant} 代表本企业代码），以免收到其他企业设备的消息；"
            "不接受根级的 #、+/… 与 $SYS")
    levels = topic[len(PREFIX):].split("/")
    for n, level in enumerate(levels):
        if "{tenant}" in level:
            raise _refuse("{tenant} may appear only once, at the start of the topic",
                          "{tenant} 只能出现一次，且位于 topic 开头")
        if "#" in level and (level != "#" or n != len(levels) - 1):
            raise _refuse(f"# must be a whole level at the end of the topic: {topic!r}",
                          f"# 必须单独占据 topic 的最后一级：{topic!r}")
        if "+" in level and level != "+":
            raise _refuse(f"+ must be a whole level of the topic: {topic!r}",
                          f"+ 必须单独占据 topic 的一级：{topic!r}")


def namespace(tenant_code: str) -> str | None:
    """The literal prefix of the tenant's topics, or ``None`` when its code cannot be one
    topic level (then the tenant's links subscribe to nothing)."""
    return f"jxc/{tenant_code}/" if _SAFE_CODE.match(tenant_code) else None


def expand(topic: str, tenant_code: str) -> str | None:
    """The filter the link subscribes to, or ``None`` when it would leave the namespace
    (a definition stored before namespaces were checked, or an unusable tenant code)."""
    prefix = namespace(tenant_code)
    try:
        check_filter(topic)
    except InvalidConnector:
        return None
    return None if prefix is None else prefix + topic[len(PREFIX):]


def is_inside(topic: str, tenant_code: str) -> bool:
    """Whether a received message's topic lies in the tenant's namespace."""
    prefix = namespace(tenant_code)
    return prefix is not None and topic.startswith(prefix) and len(topic) > len(prefix)


__all__ = ["PREFIX", "check_filter", "expand", "is_inside", "namespace"]
