"""Dependencies declared once: database, clock, the caller, permissions, Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from inventory import StockService
from kernel import accounts
from kernel.clock import Clock
from kernel.db import Database
from kernel.errors import Forbidden, NotAuthenticated
from kernel.security import Permission, Principal
from studio.health_recorder import TENANT_KEY
from templates_marketplace.modules import require_module

_bearer = HTTPBearer(auto_error=False, description="A session token from /api/v1/auth/token "
                     "or an API token.")


# The three getters below are ``async``: FastAPI runs a plain ``def`` dependency in the
# thread pool, so each one cost a thread hand-off per request (measured: the inbound webhook
# route went from ~70 to ~85 requests/s with 4 clients; bench/README.md).
async def get_db(request: Request) -> Database:
    """The application's database."""
    db: Database = request.app.state.db
    return db


async def get_clock(request: Request) -> Clock:
    """The application's clock."""
    clock: Clock = request.app.state.clock
    return clock


async def get_stock(request: Request) -> StockService:
    """The stock command service."""
    service: StockService = request.app.state.stock
    return service


DbDep = Annotated[Database, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
StockDep = Annotated[StockService, Depends(get_stock)]


def current_principal(
    request: Request, db: DbDep, clock: ClockDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token (its tenant is noted for the health recorder).

    Raises:
        NotAuthenticated: no, unknown, expired or revoked token.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated()
    with db.read(None) as session:
        principal = accounts.resolve_token(session, credentials.credentials, clock.now())
    request.scope[TENANT_KEY] = principal.tenant_id
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that lets the call through only with ``permission``."""

    def _check(principal: CurrentPrincipal) -> Principal:
        if permission not in principal.permissions:
            raise Forbidden(permission=permission.value)
        return principal

    return _check


def module(name: str) -> Callable[[DbDep, CurrentPrincipal], None]:
    """A dependency that answers ``module.not_installed`` (404) unless an installed pack
    switched ``name`` on for the caller's tenant."""

    def _check(db: DbDep, principal: CurrentPrincipal) -> None:
        with db.read(principal.tenant_id) as session:
            require_module(session, name)

    return _check


StockReader = Annotated[Principal, Depends(require(Permission.STOCK_READ))]
StockWriter = Annotated[Principal, Depends(require(Permission.STOCK_WRITE))]
CatalogWriter = Annotated[Principal, Depends(require(Permission.CATALOG_WRITE))]
QualityReleaser = Annotated[Principal, Depends(require(Permission.QUALITY_RELEASE))]
Admin = Annotated[Principal, Depends(require(Permission.ADMIN))]

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200,
           description="Send the same key again to get the first result; nothing changes twice."),
]


class Paging:
    """``offset`` and ``limit`` query parameters."""

    def __init__(self, offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> None:
        self.offset = offset
        self.limit = limit


PagingDep = Annotated[Paging, Depends()]
