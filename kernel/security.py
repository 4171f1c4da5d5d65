"""Passwords, tokens, roles and permissions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class Role(StrEnum):
    """What a user may do in their tenant."""

    ADMIN = "admin"  # everything, including users, tokens and catalogue
    AUTHOR = "author"  # writes rules; reads stock
    REVIEWER = "reviewer"  # approves rule versions; reads stock
    WAREHOUSE = "warehouse"  # moves stock (receive, ship, transfer, adjust, reserve)
    QUALITY = "quality"  # releases frozen receipts (质检); reads stock
    VIEWER = "viewer"  # reads only


class Permission(StrEnum):
    """A single right; API tokens carry a subset of these as scopes."""

    STOCK_READ = "stock:read"
    STOCK_WRITE = "stock:write"
    CATALOG_WRITE = "catalog:write"
    RULES_WRITE = "rules:write"
    RULES_REVIEW = "rules:review"
    QUALITY_RELEASE = "quality:release"
    #: A warehouse device posts barcode scans (``POST /api/v1/scans``).
    SCAN_WRITE = "scan:write"
    ADMIN = "admin"


_READ = {Permission.STOCK_READ}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.AUTHOR: frozenset(_READ | {Permission.RULES_WRITE}),
    Role.REVIEWER: frozenset(_READ | {Permission.RULES_REVIEW}),
    Role.WAREHOUSE: frozenset(_READ | {Permission.STOCK_WRITE, Permission.SCAN_WRITE}),
    Role.QUALITY: frozenset(_READ | {Permission.QUALITY_RELEASE}),
    Role.VIEWER: frozenset(_READ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """Who is calling: a user (with a role) or an API token (with scopes), in one tenant."""

    tenant_id: int
    tenant_code: str
    user_id: int | None
    username: str | None
    role: Role | None
    token_id: int | None
    permissions: frozenset[Permission]

    @property
    def actor(self) -> str:
        """A short name for audit rows: ``user:alice`` or ``token:7``."""
        return f"user:{self.username}" if self.username else f"token:{self.token_id}"


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str) -> str:
    """A fresh random bearer token such as ``jxc_s_…`` (session) or ``jxc_a_…`` (API)."""
    return f"{prefix}{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    """SHA-256 hex of a token; the only form stored."""
    return hashlib.sha256(token.encode()).hexdigest()
