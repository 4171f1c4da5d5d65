"""Lineage for the API: one read transaction per question, scoped to the caller's tenant."""

from __future__ import annotations

from typing import Any

from engine.lineage.graph import Lineage
from engine.lineage.report import audit_pdf, chain_json
from kernel.clock import Clock
from kernel.db import Database


class LineageService:
    """Traces ledger rows back and events forward; exports JSON and a PDF audit report."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def ledger(self, tenant_id: int, entry_id: int) -> dict[str, Any]:
        """The chain from the original business event to ledger row ``entry_id``.

        Raises:
            NotFound: no such ledger row in this tenant.
        """
        with self.db.read(tenant_id) as session:
            lineage = Lineage(session, tenant_id)
            chain = lineage.back_from_ledger(entry_id)
            return {"entry_id": entry_id, "chain": chain_json(lineage.graph, chain),
                    "graph": lineage.export()}

    def event(self, tenant_id: int, event_id: str) -> dict[str, Any]:
        """Everything event ``event_id`` caused, as a graph.

        Raises:
            EventNotFound: no such event in this tenant.
        """
        with self.db.read(tenant_id) as session:
            lineage = Lineage(session, tenant_id)
            caused = lineage.forward_from_event(event_id)
            return {"event_id": event_id, "caused": sorted(caused), "graph": lineage.export()}

    def ledger_report(self, tenant_id: int, tenant_code: str, entry_id: int) -> bytes:
        """The PDF audit report of ledger row ``entry_id`` (Chinese and English).

        Raises:
            NotFound: no such ledger row in this tenant.
        """
        with self.db.read(tenant_id) as session:
            lineage = Lineage(session, tenant_id)
            chain = lineage.back_from_ledger(entry_id)
            return audit_pdf(lineage.graph, chain, f"库存流水 #{entry_id} 审计报告 Audit report",
                             tenant_code, self.clock.now())
