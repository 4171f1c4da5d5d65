"""Writing the ledger rows and the event of one command, and shaping its result."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from inventory import levels
from inventory.commands import CommandContext, DocumentRef
from inventory.guarantees import append_event, new_event_id
from inventory.lookup import balance_row
from kernel.db import Driver, Sql
from kernel.types import to_milli


class ItemLike(Protocol):
    """An item row, or the (id, sku) a hot path already knows."""

    @property
    def id(self) -> int: ...  # noqa: D102
    @property
    def sku(self) -> str: ...  # noqa: D102


class WarehouseLike(Protocol):
    """A warehouse row, or its (id, code)."""

    @property
    def id(self) -> int: ...  # noqa: D102
    @property
    def code(self) -> str: ...  # noqa: D102


class LotLike(Protocol):
    """A lot row, or its (id, lot_no)."""

    @property
    def id(self) -> int: ...  # noqa: D102
    @property
    def lot_no(self) -> str: ...  # noqa: D102


# Append-only: the ledger is only ever INSERTed into. Hand-written (kernel.db.Sql) because
# it is in every command; tenant_id is bound explicitly, as for all hand-written SQL.
_APPEND_ENTRY = Sql("""
    INSERT INTO ledger_entry (tenant_id, item_id, warehouse_id, bin_id, lot_id, bucket, qty,
                              reason, note, document_type, document_ref, event_id,
                              cause_event_id, rule_version, rule_node, idempotency_key,
                              actor, created_at)
    VALUES (:tenant_id, :item_id, :warehouse_id, :bin_id, :lot_id, :bucket, :qty, :reason,
            :note, :document_type, :document_ref, :event_id, :cause_event_id, :rule_version,
            :rule_node, :idempotency_key, :actor, :created_at)
    RETURNING id
""")


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
        self._touched: dict[tuple[int, int], tuple[ItemLike, WarehouseLike]] = {}
        self._known: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}

    def record(self, item: ItemLike, warehouse: WarehouseLike, qty: Decimal, reason: str, *,
               bucket: str = "on_hand", lot: LotLike | None = None, bin_id: int | None = None,
               note: str = "", document: DocumentRef | None = None) -> None:
        """Append one ledger row (append-only; nothing ever updates it).

        Raises:
            sqlalchemy.exc.DBAPIError: the database failed.
        """
        doc = document or self.document
        prov = self.ctx.provenance
        driver = Driver.of(self.session)
        row = driver.row(_APPEND_ENTRY, {
            "tenant_id": self.ctx.tenant_id, "item_id": item.id, "warehouse_id": warehouse.id,
            "bin_id": bin_id, "lot_id": lot.id if lot else None, "bucket": bucket,
            "qty": to_milli(qty), "reason": reason, "note": note,
            "document_type": doc.type if doc else None,
            "document_ref": doc.ref if doc else None, "event_id": self.event_id,
            "cause_event_id": prov.cause_event_id, "rule_version": prov.rule_version,
            "rule_node": prov.rule_node, "idempotency_key": self.ctx.idempotency_key,
            "actor": self.ctx.actor, "created_at": driver.time(self.now)})
        assert row is not None  # INSERT … RETURNING always returns its row
        entry_id = int(row[0])
        self._touched[(item.id, warehouse.id)] = (item, warehouse)
        self.entries.append({
            "id": entry_id, "sku": item.sku, "warehouse": warehouse.code,
            "lot_no": lot.lot_no if lot else None, "bucket": bucket, "qty": str(qty),
            "reason": reason, "document_type": doc.type if doc else None,
            "document_ref": doc.ref if doc else None,
        })

    def settled(self, item_id: int, warehouse_id: int, on_hand: Decimal,
                reserved: Decimal) -> None:
        """Note a balance's final values (from a ``RETURNING``), so it is not re-read.

        Only for a balance this command will not change again.
        """
        self._known[(item_id, warehouse_id)] = (on_hand, reserved)

    def balances(self) -> list[dict[str, str]]:
        """The balances this command touched, as they are now."""
        out = []
        for (item_id, warehouse_id), (item, warehouse) in sorted(self._touched.items()):
            known = self._known.get((item_id, warehouse_id))
            if known is not None:
                on_hand, reserved = known
            else:
                row = balance_row(self.session, item_id, warehouse_id)
                on_hand = row.on_hand if row else Decimal("0.000")
                reserved = row.reserved if row else Decimal("0.000")
            out.append({"sku": item.sku, "warehouse": warehouse.code, "on_hand": str(on_hand),
                        "reserved": str(reserved), "available": str(on_hand - reserved)})
        return out

    def finish(self, event_type: str, key: str, extra: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        """Append the domain event to the outbox and return the command's result.

        Raises:
            sqlalchemy.exc.DBAPIError: the database failed.
        """
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
        # The balances after the change, as ``stock.level_changed`` (only if the tenant's
        # rules hear it: one cached check otherwise).
        levels.level_changed(self.session, self.ctx.tenant_id, sorted(self._touched),
                             result["balances"], event_type,
                             self.document.ref if self.document else None, self.ctx.actor,
                             self.now)
        return result


def stock_key(item: ItemLike, warehouse: WarehouseLike) -> str:
    """The ordering key of events about one SKU in one warehouse."""
    return f"stock:{item.sku}@{warehouse.code}"
