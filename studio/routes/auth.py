"""Sign-in, who am I, and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, status

from kernel import accounts
from kernel.models import AccessToken
from kernel.settings import get_settings
from studio.deps import Admin, ClockDep, CurrentPrincipal, DbDep
from studio.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenOut, Me, TokenOut

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenOut)
def issue_token(
    db: DbDep, clock: ClockDep, request: Request,
    username: Annotated[str, Form(min_length=1, max_length=120)],
    password: Annotated[str, Form(min_length=1, max_length=200)],
    tenant: Annotated[str | None, Form(max_length=40)] = None,
) -> TokenOut:
    """Sign in with tenant, username and password; returns a bearer token."""
    if tenant is None and "/" in username:
        tenant, username = username.split("/", 1)
    ttl = timedelta(seconds=get_settings().token_ttl_seconds)
    with db.write(None) as session:
        token, _ = accounts.issue_session_token(session, tenant or "", username, password,
                                                clock.now(), ttl)
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


@router.get("/me", response_model=Me)
def me(principal: CurrentPrincipal) -> Me:
    """Who the token belongs to and what it may do."""
    return Me(tenant=principal.tenant_code, username=principal.username,
              role=principal.role.value if principal.role else None,
              permissions=sorted(p.value for p in principal.permissions))


@router.post("/api-tokens", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED)
def create_api_token(body: ApiTokenCreate, principal: Admin, db: DbDep,
                     clock: ClockDep) -> ApiTokenCreated:
    """Create an API token with scopes for a scanner or another system (shown once)."""
    now = clock.now()
    expires = now + timedelta(days=body.expires_in_days) if body.expires_in_days else None
    with db.write(principal.tenant_id) as session:
        token, row = accounts.create_api_token(session, principal.tenant_id, body.name,
                                               body.scopes, now, expires)
        return ApiTokenCreated(token=token, **_token_out(row).model_dump())


@router.get("/api-tokens", response_model=list[ApiTokenOut])
def list_api_tokens(principal: Admin, db: DbDep) -> list[ApiTokenOut]:
    """API tokens of the tenant (never their secrets)."""
    with db.read(principal.tenant_id) as session:
        return [_token_out(r) for r in accounts.list_api_tokens(session)]


@router.delete("/api-tokens/{token_id}", response_model=ApiTokenOut)
def revoke_api_token(token_id: Annotated[int, Path(ge=1, le=2**62)], principal: Admin,
                     db: DbDep, clock: ClockDep) -> ApiTokenOut:
    """Revoke an API token; it stops working at once."""
    with db.write(principal.tenant_id) as session:
        row = accounts.revoke_api_token(session, token_id, clock.now())
        return _token_out(row)


def _token_out(row: AccessToken) -> ApiTokenOut:
    return ApiTokenOut(id=row.id, name=row.name, scopes=row.scopes, created_at=row.created_at,
                       expires_at=row.expires_at, revoked_at=row.revoked_at)
