"""Which publishers a tenant trusts, and the trust decision for one pack."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.errors import Conflict, Forbidden
from templates_marketplace.errors import PackError, PackTampered
from templates_marketplace.models import TrustedPublisher
from templates_marketplace.pack import Pack
from templates_marketplace.signing import PublisherKey, key_id, verify

#: The trust label of packs shipped with the product.
BUILTIN = "builtin"
UNTRUSTED = "untrusted"


class BadPublisherKey(PackError):
    """The text is not an Ed25519 public key."""

    code = "pack.bad_publisher_key"
    template_en = "The publisher key must be a base64 Ed25519 public key (32 bytes)."
    template_zh = "发布者公钥必须是 base64 编码的 Ed25519 公钥（32 字节）。"


def add_publisher(session: Session, tenant_id: int, name: str, public_key: str, actor: str,
                  now: datetime) -> TrustedPublisher:
    """Trust packs signed by ``public_key`` (base64) in this tenant."""
    try:
        raw = base64.b64decode(public_key.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadPublisherKey() from exc
    if len(raw) != 32:
        raise BadPublisherKey()
    kid = key_id(raw)
    if session.scalar(select(TrustedPublisher).where(TrustedPublisher.key_id == kid)):
        raise Conflict(kind="publisher key", kind_zh="发布者公钥", key=kid)
    row = TrustedPublisher(tenant_id=tenant_id, key_id=kid, name=name,
                           public_key=base64.b64encode(raw).decode(), added_by=actor,
                           created_at=now)
    session.add(row)
    session.flush()
    return row


def list_publishers(session: Session) -> list[TrustedPublisher]:
    """The session tenant's trusted publishers, oldest first."""
    return list(session.scalars(select(TrustedPublisher).order_by(TrustedPublisher.id)))


def trusted_keys(session: Session) -> list[PublisherKey]:
    """The session tenant's trusted publisher keys."""
    return [PublisherKey(r.name, base64.b64decode(r.public_key))
            for r in list_publishers(session)]


def decide(session: Session, pack: Pack, *, is_builtin: bool, allow_untrusted: bool,
           actor_is_admin: bool) -> str:
    """The trust label for installing ``pack``: builtin, the signer's key id, or untrusted.

    Raises:
        PackUnsigned, PackTampered, PackUnknownPublisher: refused, unless an admin
            explicitly allows an untrusted install (a tampered pack is never allowed).
        Forbidden: a non-admin asked for an untrusted install.
    """
    if is_builtin:
        return BUILTIN
    try:
        return verify(pack, trusted_keys(session)).key_id
    except PackTampered:
        raise
    except PackError:
        if not allow_untrusted:
            raise
        if not actor_is_admin:
            raise Forbidden(permission="admin") from None
        return UNTRUSTED
