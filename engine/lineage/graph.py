"""The lineage graph: event → rule version → rule → action → ledger row / alert →
follow-up event → …, built from the provenance the executors already record.

Sources: ``ledger_entry`` (``cause_event_id``, ``rule_version``, ``rule_node`` say which
event, version and action caused a movement; ``event_id`` is the event the movement
raised), ``inbox_message`` (the same for alerts) and ``outbox_event`` (the events). Every
lookup is one indexed query, so tracing one ledger row costs a handful of queries
whatever the size of the ledger.
"""

from __future__ import annotations

from collections import deque
from typing import Any, cast

import networkx as nx
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from engine.errors import EventNotFound
from engine.models import InboxMessage
from inventory.models import Item, LedgerEntry, Warehouse
from kernel.errors import NotFound
from kernel.models import OutboxEvent

_L = cast(Table, LedgerEntry.__table__).c
_I = cast(Table, InboxMessage.__table__).c
_O = cast(Table, OutboxEvent.__table__).c
_MAX_STEPS = 200


class Lineage:
    """Builds the graph for one tenant, one query at a time (hand-written SQL names the tenant)."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.graph = nx.DiGraph()

    # -- nodes ------------------------------------------------------------------------
    def _event(self, event_id: str) -> str | None:
        node = f"event:{event_id}"
        if node in self.graph:
            return node
        row = self.session.execute(
            select(_O.event_id, _O.type, _O.key, _O.occurred_at, _O.payload)
            .where(_O.tenant_id == self.tenant_id, _O.event_id == event_id)).first()
        if row is None:
            return None
        self.graph.add_node(node, kind="event", event_id=row.event_id, type=row.type,
                            key=row.key, occurred_at=row.occurred_at.isoformat(),
                            document=_document_of(row.payload))
        return node

    def _cause(self, event_id: str, version: str, rule_node: str, effect: str) -> str | None:
        """Link event → version → rule → action → effect; returns the event's node."""
        source = self._event(event_id)
        if source is None:
            return None
        short = version[:16]
        rule_id = rule_node.split("/", 1)[0]
        v_node = f"version:{event_id}:{short}"
        r_node = f"rule:{event_id}:{short}:{rule_id}"
        a_node = f"action:{event_id}:{short}:{rule_node}"
        self.graph.add_node(v_node, kind="rule_version", version=version)
        self.graph.add_node(r_node, kind="rule", rule_id=rule_id, version=version)
        self.graph.add_node(a_node, kind="action", node_id=rule_node, rule_id=rule_id,
                            version=version)
        for a, b in ((source, v_node), (v_node, r_node), (r_node, a_node), (a_node, effect)):
            self.graph.add_edge(a, b)
        return source

    def _ledger_rows(self, where: Any) -> list[Any]:
        return list(self.session.execute(
            select(_L.id, _L.qty, _L.bucket, _L.reason, _L.document_type, _L.document_ref,
                   _L.event_id, _L.cause_event_id, _L.rule_version, _L.rule_node,
                   _L.created_at, Item.sku, Warehouse.code)
            .join(Item, Item.id == _L.item_id).join(Warehouse, Warehouse.id == _L.warehouse_id)
            .where(_L.tenant_id == self.tenant_id, where)).all())

    def _ledger_node(self, row: Any) -> str:
        node = f"ledger:{row.id}"
        self.graph.add_node(node, kind="ledger_entry", entry_id=row.id, sku=row.sku,
                            warehouse=row.code, qty=str(row.qty), bucket=row.bucket,
                            reason=row.reason, document=_document(row.document_type,
                                                                  row.document_ref))
        raised = self._event(row.event_id)
        if raised is not None:
            self.graph.add_edge(node, raised)
        return node

    # -- walks ------------------------------------------------------------------------
    def back_from_ledger(self, entry_id: int) -> list[str]:
        """The chain from the original business event to ledger row ``entry_id``.

        Raises:
            NotFound: no such ledger row in this tenant.
        """
        rows = self._ledger_rows(_L.id == entry_id)
        if not rows:
            raise NotFound(kind="ledger entry", kind_zh="库存流水", key=entry_id)
        chain = [self._ledger_node(rows[0])]
        row = rows[0]
        for _ in range(_MAX_STEPS):
            if row.cause_event_id is None or row.rule_version is None:
                break
            source = self._cause(row.cause_event_id, row.rule_version, row.rule_node or "?",
                                 chain[0])
            if source is None:
                break
            chain[:0] = list(nx.shortest_path(self.graph, source, chain[0]))[:-1]
            raised_by = self._ledger_rows(_L.event_id == row.cause_event_id)
            if not raised_by:
                break
            node = self._ledger_node(raised_by[0])
            chain.insert(0, node)
            row = raised_by[0]
        return chain

    def forward_from_event(self, event_id: str) -> set[str]:
        """Every node ``event_id`` caused, directly or through follow-up events.

        Raises:
            EventNotFound: no such event in this tenant.
        """
        if self._event(event_id) is None:
            raise EventNotFound(event_id=event_id)
        queue, seen = deque([event_id]), {event_id}
        while queue and len(seen) < _MAX_STEPS:
            current = queue.popleft()
            for row in self._ledger_rows(_L.cause_event_id == current):
                node = self._ledger_node(row)
                self._cause(current, row.rule_version or "?", row.rule_node or "?", node)
                if row.event_id not in seen:
                    seen.add(row.event_id)
                    queue.append(row.event_id)
            for msg in self.session.execute(
                    select(_I.id, _I.kind, _I.recipient, _I.message, _I.rule_version,
                           _I.rule_node).where(_I.tenant_id == self.tenant_id,
                                               _I.event_id == current)):
                node = f"inbox:{msg.id}"
                self.graph.add_node(node, kind=msg.kind, recipient=msg.recipient,
                                    message=msg.message)
                self._cause(current, msg.rule_version, msg.rule_node, node)
        found: set[str] = nx.descendants(self.graph, f"event:{event_id}")
        return found

    def export(self) -> dict[str, Any]:
        """The graph as JSON (networkx node-link form)."""
        data: dict[str, Any] = nx.node_link_data(self.graph, edges="edges")
        return data


def _document(kind: str | None, ref: str | None) -> str | None:
    return f"{kind}:{ref}" if kind and ref else None


def _document_of(payload: Any) -> str | None:
    if isinstance(payload, dict):
        document = payload.get("document")
        if isinstance(document, dict) and document.get("type"):
            return _document(str(document.get("type")), str(document.get("ref")))
        if payload.get("no"):
            return str(payload["no"])
    return None
