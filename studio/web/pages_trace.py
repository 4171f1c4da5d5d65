"""The inbox page and the lineage of a ledger row: the graph of what the row carries (cause
event, rule version and node, the event of the movement), the chain back to the original
business event (``engine.lineage``), and the PDF audit report to download.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from engine.models import RuleSetVersion
from engine.rulesets import list_inbox
from inventory import queries
from kernel.errors import Forbidden, NotFound
from kernel.models import OutboxEvent
from kernel.security import Permission
from studio.deps import DbDep
from studio.routes.lineage import Lin
from studio.web.paging import PAGE_SIZE, PageInfo, query_base
from studio.web.render import gettext_for, render
from studio.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, principal: PagePrincipal, db: DbDep,
          recipient: Annotated[str | None, Query(max_length=120)] = None,
          offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> HTMLResponse:
    """Alerts and notifications raised by rules, newest first."""
    with db.read(principal.tenant_id) as session:
        rows, total = list_inbox(session, recipient or None, offset, PAGE_SIZE)
        return render(request, "inbox.html", principal, rows=rows, recipient=recipient or "",
                      page=PageInfo(offset, total, len(rows)),
                      base=query_base("/inbox", recipient=recipient))


@router.get("/lineage/ledger/{entry_id}", response_class=HTMLResponse)
def ledger_lineage(request: Request, entry_id: Annotated[int, Path(ge=1, le=2**62)],
                   principal: PagePrincipal, db: DbDep, lin: Lin) -> HTMLResponse:
    """The chain behind one ledger row: cause event → rule version → node → this row."""
    _ = gettext_for(request)
    with db.read(principal.tenant_id) as session:
        row = queries.ledger_entry(session, entry_id)
        if row is None:
            raise NotFound(kind="ledger row", kind_zh="台账行", key=entry_id)
        cause = _event(session, row["cause_event_id"])
        own = _event(session, row["event_id"])
        version = session.scalar(select(RuleSetVersion).where(
            RuleSetVersion.version_hash == row["rule_version"])) if row["rule_version"] else None
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    if cause is not None:
        nodes.append({"id": "cause", "label": f"{_('Event')}\n{cause['type']}", "kind": "event"})
    if row["rule_version"]:
        label = f"{_('Rule version')}\n{version.name if version else ''}\n" \
                f"{row['rule_version'][:12]}"
        nodes.append({"id": "version", "label": label, "kind": "version"})
        nodes.append({"id": "node", "label": f"{_('Rule node')}\n{row['rule_node']}",
                      "kind": "node"})
        if cause is not None:
            edges.append({"source": "cause", "target": "version"})
        edges.append({"source": "version", "target": "node"})
    nodes.append({"id": "ledger", "kind": "ledger",
                  "label": f"{_('Ledger row')} #{row['id']}\n{row['sku']} @ {row['warehouse']}"
                           f"\n{row['qty']} ({_(row['reason'])})"})
    if row["rule_version"]:
        edges.append({"source": "node", "target": "ledger"})
    elif cause is not None:
        edges.append({"source": "cause", "target": "ledger"})
    if own is not None:
        nodes.append({"id": "own", "label": f"{_('Event')}\n{own['type']}", "kind": "event"})
        edges.append({"source": "ledger", "target": "own"})
    chain = lin.ledger(principal.tenant_id, entry_id)["chain"]
    return render(request, "lineage.html", principal, row=row, cause=cause, own=own,
                  version=version, graph={"nodes": nodes, "edges": edges}, chain=chain)


@router.get("/lineage/ledger/{entry_id}/report.pdf", response_class=Response)
def ledger_report(entry_id: Annotated[int, Path(ge=1, le=2**62)], principal: PagePrincipal,
                  lin: Lin) -> Response:
    """The PDF audit report of a ledger row, for the signed-in user (the download button)."""
    if Permission.STOCK_READ not in principal.permissions:
        raise Forbidden(permission=Permission.STOCK_READ.value)
    pdf = lin.ledger_report(principal.tenant_id, principal.tenant_code, entry_id)
    return Response(content=pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ledger-{entry_id}-audit.pdf"'})


def _event(session: Any, event_id: str | None) -> dict[str, Any] | None:
    if not event_id:
        return None
    e = session.scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))
    if e is None:
        return None
    return {"event_id": e.event_id, "type": e.type, "key": e.key, "occurred_at": e.occurred_at,
            "status": e.status}
