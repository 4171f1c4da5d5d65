"""Connector pages (admins): the list with the allow-list, create (the secret shown once),
one connector with its subscriptions and "test this mapping", and the delivery log with
dead letters to re-send and refused inbound messages."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from connectors import SecretBox, definitions, deliveries, inbound
from connectors.models import Connector
from kernel.errors import DomainError, Forbidden
from kernel.security import Permission, Principal
from studio.deps import ClockDep, DbDep
from studio.routes.connectors import ConnectorCreate
from studio.web.paging import PAGE_SIZE, PageInfo, query_base
from studio.web.render import gettext_for, locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal

router = APIRouter(include_in_schema=False)
Name = Annotated[str, Path(min_length=1, max_length=80)]
Offset = Annotated[int, Query(ge=0, le=10**9)]
KINDS = ("webhook_in", "webhook_out", "mqtt", "http")


def _admin(principal: Principal) -> None:
    if Permission.ADMIN not in principal.permissions:
        raise Forbidden(permission=Permission.ADMIN.value)


def _box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


@router.get("/connectors", response_class=HTMLResponse)
def connectors_page(request: Request, principal: PagePrincipal, db: DbDep,
                    offset: Offset = 0, error: str | None = None,
                    form: dict[str, str] | None = None, status_code: int = 200
                    ) -> HTMLResponse:
    """The company's connectors, the outbound allow-list and the form for a new one."""
    _admin(principal)
    with db.read(principal.tenant_id) as session:
        rows, total = definitions.list_connectors(session, offset, PAGE_SIZE)
        items = [definitions.public(r) for r in rows]
        hosts = [(h.host, h.allow_private) for h in definitions.allowed_hosts(session)]
    return render(request, "connectors.html", principal, items=items, hosts=hosts,
                  kinds=KINDS, error=error, form=form or {}, status_code=status_code,
                  page=PageInfo(offset, total, len(items)), base=query_base("/connectors"))


@router.post("/connectors", response_class=HTMLResponse)
def create(request: Request, principal: PagePrincipal, db: DbDep, clock: ClockDep,
           _csrf: CsrfChecked, name: Annotated[str, Form(max_length=80)],
           kind: Annotated[str, Form(max_length=20)],
           endpoint: Annotated[str, Form(max_length=500)] = "",
           config: Annotated[str, Form(max_length=20_000)] = "{}",
           secret: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Create a connector; the next page shows its secret once and never again."""
    _admin(principal)
    _ = gettext_for(request)
    form = {"name": name, "kind": kind, "endpoint": endpoint, "config": config}
    try:
        parsed: Any = json.loads(config or "{}")
        body = ConnectorCreate(name=name.strip(), kind=kind,  # type: ignore[arg-type]
                               endpoint=endpoint.strip() or None, config=parsed,
                               secret=secret or None)
    except (ValueError, ValidationError) as exc:
        message = _("The settings are not valid JSON.") if isinstance(exc, json.JSONDecodeError) \
            else _("Check the fields: %(detail)s") % {"detail": _first_error(exc)}
        return connectors_page(request, principal, db, error=message, form=form,
                               status_code=422)
    try:
        with db.write(principal.tenant_id) as session:
            created = definitions.create_once(session, principal.tenant_id, _box(request),
                                              definitions.NewConnector(**body.model_dump()),
                                              clock.now(), None)
    except DomainError as exc:
        return connectors_page(request, principal, db, error=exc.render(locale_of(request)),
                               form=form, status_code=exc.http_status)
    # The secret is in this one response only; the page is never cached.
    page = render(request, "connector_created.html", principal, c=created)
    page.headers["Cache-Control"] = "no-store"
    return page


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)


@router.get("/connectors/{name}", response_class=HTMLResponse)
def connector_page(request: Request, name: Name, principal: PagePrincipal, db: DbDep,
                   error: str | None = None) -> HTMLResponse:
    """One connector: where it posts or listens, its subscriptions, "test this mapping"."""
    _admin(principal)
    with db.read(principal.tenant_id) as session:
        row = definitions.get(session, name)
        subs = [s.event_type for s in definitions.subscriptions(session, name)] \
            if row.kind in ("webhook_out", "http") else []
        c = definitions.public(row)
    return render(request, "connector.html", principal, c=c, subs=subs, error=error,
                  config=json.dumps(c["config"], ensure_ascii=False, indent=2))


@router.post("/connectors/{name}/subscriptions")
def subscribe(request: Request, name: Name, principal: PagePrincipal, db: DbDep,
              clock: ClockDep, _csrf: CsrfChecked,
              event_type: Annotated[str, Form(min_length=3, max_length=80,
                                              pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
              ) -> Response:
    """Send every event of a type through this connector."""
    _admin(principal)
    try:
        with db.write(principal.tenant_id) as session:
            definitions.subscribe(session, principal.tenant_id, name, event_type, clock.now())
    except DomainError as exc:
        return connector_page(request, name, principal, db,
                              error=exc.render(locale_of(request)))
    return RedirectResponse(f"/connectors/{name}", status_code=303)


@router.post("/connectors/{name}/test-mapping", response_class=HTMLResponse)
def test_mapping(request: Request, name: Name, principal: PagePrincipal, db: DbDep,
                 _csrf: CsrfChecked, sample: Annotated[str, Form(max_length=200_000)]
                 ) -> HTMLResponse:
    """What the mapping makes of a sample payload (an htmx fragment); nothing is stored."""
    _admin(principal)
    _ = gettext_for(request)
    try:
        parsed = json.loads(sample)
        with db.read(principal.tenant_id) as session:
            result: Any = definitions.try_mapping(definitions.get(session, name), parsed)
    except json.JSONDecodeError:
        return render(request, "mapping_result.html", principal, result=None,
                      error=_("The sample is not valid JSON."))
    except DomainError as exc:
        return render(request, "mapping_result.html", principal, result=None,
                      error=exc.render(locale_of(request)))
    return render(request, "mapping_result.html", principal, error=None,
                  result=json.dumps(result, ensure_ascii=False, indent=2, default=str))


@router.get("/connector-deliveries", response_class=HTMLResponse)
def deliveries_page(request: Request, principal: PagePrincipal, db: DbDep,
                    status: Annotated[Literal["pending", "delivered", "dead"] | None,
                                      Query()] = None,
                    offset: Offset = 0, error: str | None = None) -> HTMLResponse:
    """The delivery log (``status=dead``: the dead letters) and refused inbound messages."""
    _admin(principal)
    with db.read(principal.tenant_id) as session:
        rows, total = deliveries.list_deliveries(session, status, offset, PAGE_SIZE)
        names: dict[int, str] = {i: n for i, n in session.execute(
            select(Connector.id, Connector.name))}
        items = [{"row": r, "connector": names.get(r.connector_id, "?")} for r in rows]
        rejected, _total = inbound.list_rejections(session, 0, 20)
    return render(request, "deliveries.html", principal, items=items, status=status or "",
                  rejected=rejected, error=error, page=PageInfo(offset, total, len(items)),
                  base=query_base("/connector-deliveries", status=status))


@router.post("/connector-deliveries/{delivery_id}/resend")
def resend(request: Request, delivery_id: Annotated[str, Path(min_length=1, max_length=36)],
           principal: PagePrincipal, db: DbDep, clock: ClockDep,
           _csrf: CsrfChecked) -> Response:
    """Send a delivery again now (a dead letter gets a fresh budget of attempts)."""
    _admin(principal)
    try:
        with db.write(principal.tenant_id) as session:
            deliveries.resend(session, delivery_id, clock.now())
    except DomainError as exc:
        return deliveries_page(request, principal, db, status="dead",
                               error=exc.render(locale_of(request)))
    return RedirectResponse("/connector-deliveries?status=dead", status_code=303)
