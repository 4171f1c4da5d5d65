"""Rule pages: the list by rule set and state, the editor (canvas and text), try it, and
submit (a draft version; its lifecycle and review pages are in ``pages_governance``)."""

from __future__ import annotations

import json
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from dsl import DslError, SchemaRegistry
from engine.dispatch import OutboxRecord
from engine.event_scope import to_event
from engine.schema_store import tenant_registry
from inventory.models import Item, StockBalance, Warehouse
from kernel.db import Database
from kernel.errors import DomainError, Forbidden
from kernel.models import OutboxEvent
from kernel.security import Permission, Principal
from studio import rule_versions
from studio.deps import ClockDep, DbDep
from studio.diagnostics import require_size
from studio.rule_editor import canvas_to_text, text_to_canvas
from studio.try_it import sample_event, try_rules
from studio.web.render import locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal

router = APIRouter(include_in_schema=False)
STARTER = ""


def registry(db: Database, tenant_id: int) -> SchemaRegistry:
    """The tenant's schema registry: the core's events plus those its packs declared."""
    with db.read(tenant_id) as session:
        return tenant_registry(session)


def _need(principal: Principal, permission: Permission) -> None:
    if permission not in principal.permissions:
        raise Forbidden(permission=permission.value)


def schema_json(reg: SchemaRegistry, locale: str) -> dict[str, Any]:
    """Events and their fields with labels in the page's language, for the node forms."""
    zh = locale != "en"
    events: list[Any] = list(getattr(reg, "events", lambda: [])())
    return {"events": [{"name": e.name, "label": e.label_zh if zh else e.label_en,
                        "fields": [{"path": f.path, "type": str(f.type),
                                    "label": f.label_zh if zh else f.label_en}
                                   for f in e.fields]} for e in events]}


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request, principal: PagePrincipal, db: DbDep,
          state: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    """Rule sets and their versions, by state."""
    with db.read(principal.tenant_id) as session:
        versions = rule_versions.list_versions(session, state=state or None)
    by_name: dict[str, list[rule_versions.VersionView]] = {}
    for v in versions:
        by_name.setdefault(v.name, []).append(v)
    return render(request, "rules.html", principal, by_name=by_name, state=state or "",
                  states=rule_versions.STATES)


@router.get("/rules/edit", response_class=HTMLResponse)
def editor(request: Request, principal: PagePrincipal, db: DbDep,
           version: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> HTMLResponse:
    """The editor: canvas and text side by side, the palette, and try it."""
    name, source = "", STARTER
    with db.read(principal.tenant_id) as session:
        if version:
            v = rule_versions.get_version(session, version)
            name, source = v.name, v.source
        sample = _sample_line(session)
        recent = recorded_events(session)
    locale = locale_of(request)
    reg = registry(db, principal.tenant_id)
    schema = schema_json(reg, locale)
    event_type = "sales_order.confirmed"
    example = sample_event(reg, event_type, *sample)
    return render(request, "editor.html", principal, name=name, source=source,
                  schema=schema, events=schema["events"], event_type=event_type,
                  recent=recent, event_id="",
                  example=json.dumps(example, ensure_ascii=False, indent=2))


@router.get("/rules/try/event", response_class=HTMLResponse)
def try_event(request: Request, principal: PagePrincipal, db: DbDep,
              event_type: Annotated[str, Query(max_length=80)] = "sales_order.confirmed",
              event_id: Annotated[str, Query(max_length=36)] = "") -> HTMLResponse:
    """The try-it event fields: an example of a type, or a recorded event as rules see it."""
    with db.read(principal.tenant_id) as session:
        reg = tenant_registry(session)
        recent = recorded_events(session)
        found = next((r for r in recent if r.event_id == event_id), None) if event_id else None
        if found is not None:
            event = to_event(found)
            event_type, payload = event.type, event.payload
        else:
            payload = sample_event(reg, event_type, *_sample_line(session))
    return render(request, "try_event.html", principal,
                  events=schema_json(reg, locale_of(request))["events"], event_type=event_type,
                  recent=recent, event_id=event_id if found else "",
                  example=json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def recorded_events(session: Any, limit: int = 20) -> list[OutboxRecord]:
    """The tenant's newest events, to try rules on."""
    rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit))
    return [OutboxRecord(id=r.id, event_id=r.event_id, tenant_id=r.tenant_id, type=r.type,
                         key=r.key, payload=r.payload, occurred_at=r.occurred_at,
                         attempts=r.attempts) for r in rows]


def _sample_line(session: Any) -> tuple[str, str]:
    row = session.execute(select(Item.sku, Warehouse.code).join(
        StockBalance, StockBalance.item_id == Item.id).join(
        Warehouse, Warehouse.id == StockBalance.warehouse_id).where(
        StockBalance.on_hand > StockBalance.reserved).order_by(StockBalance.id).limit(1)).first()
    return (row[0], row[1]) if row else ("SKU-1", "WH-1")


@router.post("/rules/sync/text")
def sync_text(request: Request, principal: PagePrincipal, db: DbDep, _csrf: CsrfChecked,
              body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
    """Text → IR → canvas JSON, with markers for every problem."""
    # Never cut the text: a file over the limit is said to be too large, with its size.
    text = str(body.get("text", ""))
    return JSONResponse(text_to_canvas(text, registry(db, principal.tenant_id),
                                       locale_of(request)).as_json())


@router.post("/rules/sync/canvas")
def sync_canvas(request: Request, principal: PagePrincipal, db: DbDep, _csrf: CsrfChecked,
                body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
    """Canvas JSON → IR → formatted text, with markers on the nodes."""
    canvas = body.get("canvas") if isinstance(body.get("canvas"), dict) else {}
    return JSONResponse(canvas_to_text(canvas or {}, registry(db, principal.tenant_id),
                                       locale_of(request)).as_json())


@router.post("/rules/try", response_class=HTMLResponse)
def try_it(request: Request, principal: PagePrincipal, db: DbDep, clock: ClockDep,
           _csrf: CsrfChecked, text: Annotated[str, Form()],
           event_type: Annotated[str, Form(max_length=80)],
           payload: Annotated[str, Form(max_length=100_000)]) -> HTMLResponse:
    """Run the rules on one event in the sandbox (nothing is written)."""
    locale = locale_of(request)
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError:
        return render(request, "try_result.html", principal, error="payload", result=None)
    try:
        require_size(text)
        with db.read(principal.tenant_id) as session:
            result = try_rules(session, principal.tenant_id, text, tenant_registry(session),
                               event_type, data, clock.now())
    except DslError as exc:
        return render(request, "try_result.html", principal, error=exc.render(locale),
                      result=None)
    return render(request, "try_result.html", principal, result=result, error=None)


@router.post("/rules/submit")
def submit(request: Request, principal: PagePrincipal, db: DbDep, clock: ClockDep,
           _csrf: CsrfChecked, name: Annotated[str, Form(min_length=1, max_length=80)],
           text: Annotated[str, Form()]) -> Response:
    """Store the text as a draft version; its page shows the governance steps."""
    try:
        _need(principal, Permission.RULES_WRITE)
        require_size(text)
        with db.write(principal.tenant_id) as session:
            v = rule_versions.submit(session, principal, name.strip(), text,
                                     tenant_registry(session), clock.now())
    except (DomainError, DslError) as exc:
        message = escape(exc.render(locale_of(request)))
        return HTMLResponse(f'<p class="error" role="alert">{message}</p>', status_code=422)
    target = f"/rules/versions/{v.id}"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
