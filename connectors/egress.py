"""The outbound allow-list: a rule can reach only the hosts its tenant listed.

A host must be listed by name (exact, case-insensitive). Every address it resolves to is
checked as well: a loopback, private, link-local, multicast or reserved address is refused
unless that host's entry says ``allow_private`` — so a listed public name that someone
points at 127.0.0.1 or 169.254.169.254 does not open the way to internal services.

DNS pinning: the name is resolved ONCE, by :func:`check`, and the connection goes to the
address that was checked (:class:`Destination`), never to a second answer — so a name
whose DNS answer changes between check and connect (DNS rebinding) cannot slip an internal
address past the policy. Resolution goes through a :class:`Resolver` (the system's by
default), the seam the tests use to make a name's answer change.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, urlsplit, urlunsplit

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
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        hostname = None
    if not hostname or parts.scheme not in _DEFAULT_PORTS:
        raise EgressRefused(host=url, reason="not an http(s):// or mqtt(s):// URL",
                            reason_zh="不是 http(s):// 或 mqtt(s):// 地址")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise EgressRefused(host=url, reason="bad port", reason_zh="端口无效") from exc
    return hostname.lower(), port


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


class Resolver(Protocol):
    """Turns a host name into the addresses to connect to (in preference order)."""

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``; raises ``OSError`` when it does not resolve."""
        ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``)."""

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` in the system's preference order, without repeats."""
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        return list(dict.fromkeys(str(info[4][0]) for info in found))


SYSTEM_RESOLVER = SystemResolver()


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked destination: the name, its port, and the one address to connect to."""

    host: str
    port: int
    #: The address that passed the policy; the connection must go here and nowhere else.
    address: str

    def pinned_url(self, url: str) -> str:
        """``url`` with its host replaced by the checked address (the port kept)."""
        parts: SplitResult = urlsplit(url)
        address = f"[{self.address}]" if ":" in self.address else self.address
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo + '@' if userinfo else ''}{address}:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    @staticmethod
    def host_header(url: str) -> str:
        """The ``Host`` header the server expects: the URL's own host[:port]."""
        return urlsplit(url).netloc.rpartition("@")[2]


def check(session: Session, url: str,
          resolver: Resolver = SYSTEM_RESOLVER) -> Destination:
    """Refuse unless the tenant (the session's) may reach ``url``; return where to connect.

    The name is resolved once; every address is checked; the first one is pinned.

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
        addresses = resolver.resolve(host, port)
    except OSError as exc:
        raise EgressRefused(host=host, reason="the name does not resolve",
                            reason_zh="域名无法解析") from exc
    if not addresses:
        raise EgressRefused(host=host, reason="the name does not resolve",
                            reason_zh="域名无法解析")
    try:
        internal = sorted(a for a in addresses if _is_internal(a))
    except ValueError as exc:
        raise EgressRefused(host=host, reason="the resolver gave a malformed address",
                            reason_zh="解析结果不是有效地址") from exc
    if internal and not entry.allow_private:
        raise EgressRefused(host=host,
                            reason=f"it resolves to the internal address {internal[0]} "
                                   "(allow it explicitly with allow_private)",
                            reason_zh=f"解析到内网地址 {internal[0]}（需显式允许内网）")
    return Destination(host, port, addresses[0].split("%", 1)[0])


__all__ = ["SYSTEM_RESOLVER", "Destination", "Resolver", "SystemResolver", "check",
           "host_and_port"]
