"""The outbound allow-list: a rule can reach only the hosts its tenant listed.

A host must be listed by name (exact, case-insensitive). Every address it resolves to is
checked as well: a loopback, private, link-local, multicast or reserved address is refused
unless that host's entry says ``allow_private`` — so a listed public name that someone
points at 127.0.0.1 or 169.254.169.254 does not open the way to internal services.
(The check resolves just before sending; a name that changes its address in the
milliseconds between check and connect is not covered — see docs/connectors.md.)
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.errors import EgressRefused
from connectors.models import AllowedHost

_DEFAULT_PORTS = {"http": 80, "https": 443, "mqtt": 1883, "mqtts": 8883}


def host_and_port(url: str) -> tuple[str, int]:
    """The host and port of an ``http(s)://`` or ``mqtt(s)://`` URL.

    Raises:
        EgressRefused: the URL has no host or an unknown scheme.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise EgressRefused(host=url, reason="not an http(s):// or mqtt(s):// URL",
                            reason_zh="不是 http(s):// 或 mqtt(s):// 地址")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise EgressRefused(host=url, reason="bad port", reason_zh="端口无效") from exc
    return parts.hostname.lower(), port


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def check(session: Session, url: str) -> tuple[str, int]:
    """Refuse unless the tenant (the session's) may reach ``url``; return its host and port.

    Raises:
        EgressRefused: not on the allow-list, does not resolve, or resolves to an internal
            address without ``allow_private``.
    """
    host, port = host_and_port(url)
    entry = session.scalar(select(AllowedHost).where(AllowedHost.host == host))
    if entry is None:
        raise EgressRefused(host=host, reason="the host is not on this company's allow-list",
                            reason_zh="该主机不在本企业的出站白名单中")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port,
                                                               proto=socket.IPPROTO_TCP)}
    except OSError as exc:
        raise EgressRefused(host=host, reason="the name does not resolve",
                            reason_zh="域名无法解析") from exc
    internal = sorted(a for a in addresses if _is_internal(str(a)))
    if internal and not entry.allow_private:
        raise EgressRefused(host=host,
                            reason=f"it resolves to the internal address {internal[0]} "
                                   "(allow it explicitly with allow_private)",
                            reason_zh=f"解析到内网地址 {internal[0]}（需显式允许内网）")
    return host, port


__all__ = ["check", "host_and_port"]
