"""Writing the ledger rows and the event of one command, and shaping its result."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from inventory.commands import CommandContext, DocumentRef
from inventory.guarantees import append_event, new_event_id
from inventory.lookup import balance_row
from inventory.models import Item, LedgerEntry, Lot, Warehouse


class Journal:
    """Collects the movements of one command; every row shares the command's event id."""

    def __init__(self, session: Session, ctx: CommandContext, command: str,
                 document: DocumentRef | None, now: datetime) -> None:
        self.session = session
        self.ctx = ctx
        self.command = command
        self.document = document
        self.now = now
        self.event_id = new_event_id()
        self.entries: list[dict[str, Any]] = []
        self._touched: dict[tuple[int, int], tuple[Item, Warehouse]] = {}

    def record(self, item: Item, warehouse: Warehouse, qty: Decimal, reason: str, *,
               bucket: str = "on_hand", lot: Lot | None = None, bin_id: int | None = None,
               note: str = "", document: DocumentRef | None = None) -> None:
        """Append one ledger row (append-only; nothing ever updates it)."""
        doc = document or self.document
        prov = self.ctx.provenance
        entry_id = self.session.execute(
            LedgerEntry.__table__.insert().returning(LedgerEntry.__table__.c.id).values(
                tenant_id=self.ctx.tenant_id, item_id=item.id, warehouse_id=warehouse.id,
                bin_id=bin_id, lot_id=lot.id if lot else None, bucket=bucket, qty=qty,
                reason=reason, note=note, document_type=doc.type if doc else None,
                document_ref=doc.ref if doc else None, event_id=self.event_id,
                cause_event_id=prov.cause_event_id, rule_version=prov.rule_version,
                rule_node=prov.rule_node, idempotency_key=self.ctx.idempotency_key,
                actor=self.ctx.actor, created_at=self.now,
            )).scalar_one()
        self._touched[(item.id, warehouse.id)] = (item, warehouse)
        self.entries.append({
            "id": entry_id, "sku": item.sku, "warehouse": warehouse.code,
            "lot_no": lot.lot_no if lot else None, "bucket": bucket, "qty": str(qty),
            "reason": reason,
        })

    def balances(self) -> list[dict[str, str]]:
        """The balances this command touched, as they are now."""
        out = []
        for (item_id, warehouse_id), (item, warehouse) in sorted(self._touched.items()):
            row = balance_row(self.session, item_id, warehouse_id)
            on_hand = row.on_hand if row else Decimal("0.000")
            reserved = row.reserved if row else Decimal("0.000")
            out.append({"sku": item.sku, "warehouse": warehouse.code, "on_hand": str(on_hand),
                        "reserved": str(reserved), "available": str(on_hand - reserved)})
        return out

    def finish(self, event_type: str, key: str, extra: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        """Append the domain event to the outbox and return the command's result."""
        result: dict[str, Any] = {
            "event_id": self.event_id, "command": self.command, "entries": self.entries,
            "balances": self.balances(), **(extra or {}),
        }
        payload = {"type": event_type, "actor": self.ctx.actor,
                   "document": ({"type": self.document.type, "ref": self.document.ref}
                                if self.document else None),
                   "entries": self.entries, "balances": result["balances"], **(extra or {})}
        append_event(self.session, self.ctx.tenant_id, self.event_id, event_type, key, payload,
                     self.now)
        return result


def stock_key(item: Item, warehouse: Warehouse) -> str:
    """The ordering key of events about one SKU in one warehouse."""
    return f"stock:{item.sku}@{warehouse.code}"
