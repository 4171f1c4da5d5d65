"""Tables of the marketplace: trusted publisher keys, stored pack files, installations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime


class TrustedPublisher(TenantScoped, Base):
    """An Ed25519 public key whose packs this tenant installs as trusted."""

    __tablename__ = "trusted_publisher"
    __table_args__ = (UniqueConstraint("tenant_id", "key_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    #: The raw 32-byte public key, base64.
    public_key: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StoredPack(TenantScoped, Base):
    """A pack added to this tenant's catalogue from a file (kept as uploaded)."""

    __tablename__ = "stored_pack"
    __table_args__ = (UniqueConstraint("tenant_id", "pack_id", "version"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64))
    #: The ``.jxcpack`` bytes.
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InstalledPack(TenantScoped, Base):
    """A pack installed into a tenant: which version, from whom, and what it brought."""

    __tablename__ = "installed_pack"
    __table_args__ = (
        UniqueConstraint("tenant_id", "pack_id"),
        CheckConstraint("state in ('installed','uninstalled')", name="state"),
        Index("ix_installed_pack_state", "tenant_id", "state"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="installed")
    #: ``builtin``, the signer's key id, or ``untrusted`` (an admin's explicit choice).
    trust: Mapped[str] = mapped_column(String(20))
    is_untrusted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What the install brought: event types, item attributes, settings, rule-set versions.
    contents: Mapped[dict[str, Any]] = mapped_column(Json)
    installed_by: Mapped[str] = mapped_column(String(120))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
