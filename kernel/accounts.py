"""Tenants, users and tokens: creation, sign-in and resolving a bearer token."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.errors import (
    BadCredentials,
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    SessionExpired,
    TokenExpired,
)
from kernel.models import AccessToken, Tenant, User
from kernel.security import (
    ROLE_PERMISSIONS,
    Permission,
    Principal,
    Role,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

# A real hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY_HASH = hash_password("not-a-real-password")


def create_tenant(session: Session, code: str, name: str, now: datetime, *,
                  is_sandbox: bool = False) -> Tenant:
    """Create a company; a sandbox one tries rules on its own data and may move its clock.

    Raises:
        Conflict: the code is taken.
    """
    if session.scalar(select(Tenant).where(Tenant.code == code)) is not None:
        raise Conflict(kind="tenant", kind_zh="企业", key=code)
    tenant = Tenant(code=code, name=name, created_at=now, is_sandbox=is_sandbox,
                    clock_offset_seconds=0)
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, code: str) -> Tenant:
    """Find a tenant by code.

    Raises:
        NotFound: no such tenant.
    """
    tenant = session.scalar(select(Tenant).where(Tenant.code == code))
    if tenant is None:
        raise NotFound(kind="tenant", kind_zh="企业", key=code)
    return tenant


def create_user(
    session: Session, tenant: Tenant, username: str, role: str, password: str, now: datetime,
    display_name: str = "",
) -> User:
    """Create a user with a hashed password and one role in ``tenant``.

    Raises:
        InvalidInput: unknown role or a password shorter than 8 characters.
        Conflict: the username is taken in this tenant.
    """
    if role not in {r.value for r in Role}:
        raise InvalidInput(field="role", reason=f"must be one of {', '.join(Role)}",
                           reason_zh=f"必须是 {', '.join(Role)} 之一")
    if len(password) < 8:
        raise InvalidInput(field="password", reason="must be at least 8 characters",
                           reason_zh="至少 8 个字符")
    user = User(tenant_id=tenant.id, username=username, role=role, display_name=display_name,
                password_hash=hash_password(password), created_at=now)
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind="user", kind_zh="用户", key=username) from exc
    return user


def issue_session_token(
    session: Session, tenant_code: str, username: str, password: str, now: datetime, ttl: timedelta
) -> tuple[str, AccessToken]:
    """Check a password and issue a bearer token for the user.

    Raises:
        BadCredentials: tenant, user or password do not match (one answer for all three).
    """
    tenant = session.scalar(select(Tenant).where(Tenant.code == tenant_code))
    user = None
    if tenant is not None:
        user = session.scalar(
            select(User).where(User.tenant_id == tenant.id, User.username == username)
        )
    if user is None or tenant is None:
        verify_password(_DUMMY_HASH, password)
        raise BadCredentials()
    if not user.is_active or not verify_password(user.password_hash, password):
        raise BadCredentials()
    token = new_token("jxc_s_")
    row = AccessToken(tenant_id=tenant.id, token_hash=token_digest(token), kind="session",
                      name=f"session:{username}", user_id=user.id, scopes=[], created_at=now,
                      expires_at=now + ttl)
    session.add(row)
    session.flush()
    return token, row


def create_api_token(
    session: Session, tenant_id: int, name: str, scopes: Iterable[str], now: datetime,
    expires_at: datetime | None = None,
) -> tuple[str, AccessToken]:
    """Create an API token for a scanner or another system; the token is returned once.

    Raises:
        InvalidInput: an unknown scope.
    """
    valid = {p.value for p in Permission}
    scope_list = sorted(set(scopes))
    unknown = [s for s in scope_list if s not in valid]
    if unknown or not scope_list:
        raise InvalidInput(field="scopes",
                           reason=f"unknown or empty: {unknown}; use {sorted(valid)}",
                           reason_zh=f"未知或为空：{unknown}；可用 {sorted(valid)}")
    token = new_token("jxc_a_")
    row = AccessToken(tenant_id=tenant_id, token_hash=token_digest(token), kind="api", name=name,
                      scopes=scope_list, created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return token, row


def resolve_token(session: Session, token: str, now: datetime) -> Principal:
    """Turn a bearer token into the principal it stands for.

    Raises:
        NotAuthenticated: unknown or revoked token, or an inactive user.
        SessionExpired, TokenExpired: the session or API token has expired.
    """
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated()
    if row.expires_at and row.expires_at <= now:
        # Said as such: "sign in again" or "ask for a new token", not "who are you?".
        if row.kind == "session":
            raise SessionExpired()
        raise TokenExpired(expires_at=f"{row.expires_at:%Y-%m-%d %H:%M} UTC")
    tenant = session.get(Tenant, row.tenant_id)
    assert tenant is not None
    if row.kind == "session":
        user = session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise NotAuthenticated()
        role = Role(user.role)
        return Principal(tenant_id=tenant.id, tenant_code=tenant.code, user_id=user.id,
                         username=user.username, role=role, token_id=row.id,
                         permissions=ROLE_PERMISSIONS[role])
    return Principal(tenant_id=tenant.id, tenant_code=tenant.code, user_id=None, username=None,
                     role=None, token_id=row.id,
                     permissions=frozenset(Permission(s) for s in row.scopes))


def list_api_tokens(session: Session) -> list[AccessToken]:
    """API tokens of the session's tenant, oldest first."""
    return list(session.scalars(select(AccessToken).where(AccessToken.kind == "api")
                                .order_by(AccessToken.id)).all())


def revoke_api_token(session: Session, token_id: int, now: datetime) -> AccessToken:
    """Revoke an API token of the session's tenant; revoking twice keeps the first time.

    Raises:
        NotFound: no such API token in this tenant.
    """
    row = session.scalar(select(AccessToken).where(AccessToken.id == token_id,
                                                   AccessToken.kind == "api"))
    if row is None:
        raise NotFound(kind="API token", kind_zh="API 令牌", key=token_id)
    row.revoked_at = row.revoked_at or now
    return row
