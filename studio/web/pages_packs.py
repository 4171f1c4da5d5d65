"""The marketplace page: a card per pack with its passport, install and uninstall."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kernel.errors import DomainError, Forbidden
from kernel.security import Permission
from studio.deps import ClockDep, DbDep
from studio.web.render import locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal
from templates_marketplace.passport import pack_passport, summary
from templates_marketplace.service import Actor, Marketplace

router = APIRouter(include_in_schema=False)
PackId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9.-]*$")]


def _cards(db: DbDep, tenant_id: int) -> list[dict[str, Any]]:
    entries = Marketplace(db).catalogue(tenant_id)
    events = [e for entry in entries for e in entry.pack.parts.events]
    return [{"entry": e, "m": e.pack.manifest,
             "passport": summary(pack_passport(e.pack, events))} for e in entries]


@router.get("/packs", response_class=HTMLResponse)
def packs_page(request: Request, principal: PagePrincipal, db: DbDep,
               error: str | None = None) -> HTMLResponse:
    """Every pack the tenant can install, what it would change, and what is installed."""
    return render(request, "packs.html", principal, cards=_cards(db, principal.tenant_id),
                  error=error, zh=locale_of(request) != "en")


def _act(request: Request, principal: PagePrincipal, db: DbDep, clock: ClockDep,
         pack_id: str, install: bool) -> Response:
    actor = Actor(principal.tenant_id, principal.actor,
                  Permission.ADMIN in principal.permissions)
    try:
        if Permission.RULES_WRITE not in principal.permissions:
            raise Forbidden(permission=Permission.RULES_WRITE.value)
        market = Marketplace(db)
        if install:
            market.install(actor, pack_id, None, False, clock.now())
        else:
            market.uninstall(actor, pack_id, clock.now())
    except DomainError as exc:
        return packs_page(request, principal, db, error=exc.render(locale_of(request)))
    return RedirectResponse(f"/packs#{pack_id}", status_code=303)


@router.post("/packs/{pack_id}/install")
def install(request: Request, pack_id: PackId, principal: PagePrincipal, db: DbDep,
            clock: ClockDep, _csrf: CsrfChecked) -> Response:
    """Install a pack: its rule sets arrive in sandbox with their tests run."""
    return _act(request, principal, db, clock, pack_id, install=True)


@router.post("/packs/{pack_id}/uninstall")
def uninstall(request: Request, pack_id: PackId, principal: PagePrincipal, db: DbDep,
              clock: ClockDep, _csrf: CsrfChecked) -> Response:
    """Uninstall: its rules retire; documents and ledger rows stay."""
    return _act(request, principal, db, clock, pack_id, install=False)
