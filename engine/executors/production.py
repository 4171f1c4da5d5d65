"""The production executor: applies a decision for real, each action exactly once.

Every action is claimed by its effect key (event id + version hash + node id) in the
same transaction that applies it, so a redelivered event, a retried job or a worker
killed mid-way changes nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import timers
from engine.decision import Decision, PlannedAction
from engine.dispatch import claim_effect
from engine.executors import outbound
from engine.executors.lines import target_lines
from engine.models import InboxMessage, WindowState
from inventory import (
    CommandContext,
    DocumentRef,
    InventoryError,
    Provenance,
    ReleaseReservation,
    ReserveStock,
    reservations,
)
from inventory.documents import parties


@dataclass(frozen=True, slots=True, kw_only=True)
class Applied:
    """What the executor did with one action."""

    action: PlannedAction
    #: "applied", "already applied" (a redelivery) or "not supported yet".
    outcome: str


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class ProductionExecutor:
    """Applies decisions in the worker's transaction."""

    def __init__(self, session: Session, tenant_id: int, now: datetime) -> None:
        self.session, self.tenant_id, self.now = session, tenant_id, now
        self._apply: dict[str, Callable[[PlannedAction], None]] = {
            "alert": self._inbox, "notify": self._inbox, "freeze": self._freeze,
            "unfreeze": self._unfreeze, "arm_timer": self._arm, "cancel_timer": self._cancel,
            "reserve": self._reserve, "release": self._release,
        }
        # call webhook / publish mqtt / http call: handed to the connectors' port, if set.
        self._apply.update(outbound.appliers(session, tenant_id, now))

    def apply(self, decision: Decision) -> list[Applied]:
        """Apply every action once and save the short-window state that came with it."""
        done: list[Applied] = []
        for action in decision.actions:
            apply = self._apply.get(action.kind)
            if apply is None:
                # Connectors, documents and stock actions join with their issues; the action
                # is recorded in the decision (provenance) but not applied yet.
                done.append(Applied(action=action, outcome="not supported yet"))
                continue
            if not claim_effect(self.session, action.provenance.effect_key, self.now):
                done.append(Applied(action=action, outcome="already applied"))
                continue
            apply(action)
            done.append(Applied(action=action, outcome="applied"))
        for rule_id, key, state in decision.windows:
            self._save_window(rule_id, key, state)
        return done

    def _inbox(self, action: PlannedAction) -> None:
        prov = action.provenance
        for recipient in action.arg("recipients") or ["role:admin"]:
            self.session.add(InboxMessage(
                tenant_id=self.tenant_id, kind=action.kind, recipient=str(recipient),
                message=str(action.arg("message", "")), event_id=prov.event_id,
                rule_id=prov.rule_id, rule_version=prov.version, rule_node=prov.node_id,
                created_at=self.now))

    def _freeze(self, action: PlannedAction, freeze: bool = True) -> None:
        kind = action.arg("kind")
        target = action.arg("target")
        if kind != "customer" or target is None:
            raise NotImplementedError(f"freeze {kind} arrives with the documents issue")
        reason = f"rule {action.provenance.rule_id} ({action.provenance.version[:12]})"
        if freeze:
            parties.freeze_customer(self.session, str(target), reason, self.now)
        else:
            parties.unfreeze_customer(self.session, str(target))

    def _unfreeze(self, action: PlannedAction) -> None:
        self._freeze(action, freeze=False)

    def _context(self, action: PlannedAction) -> CommandContext:
        prov = action.provenance
        return CommandContext(
            tenant_id=self.tenant_id, actor=f"rule:{prov.rule_id}",
            provenance=Provenance(cause_event_id=prov.event_id, rule_version=prov.version,
                                  rule_node=prov.node_id))

    def _reserve(self, action: PlannedAction) -> None:
        """Hold stock for each line (sku, warehouse, qty), all or none; ledger rows carry the
        rule's provenance. A refusal does not fail the event: it becomes an alert."""
        hold = action.arg("hold")
        ttl = max(1, int(hold) // 1000) if hold else None
        lines = target_lines(action.arg("target"))
        try:
            with self.session.begin_nested():  # all lines or none
                for line in lines:
                    reservations.reserve(self.session, self._context(action), ReserveStock(
                        sku=str(line["sku"]), warehouse=str(line["warehouse"]),
                        qty=Decimal(str(line["qty"])), ttl_seconds=ttl,
                        document=_document(line)), self.now)
        except (InventoryError, KeyError) as exc:
            self._refused(action, exc)

    def _release(self, action: PlannedAction) -> None:
        """Release the holds of each line that names its reservation."""
        try:
            with self.session.begin_nested():
                for line in target_lines(action.arg("target")):
                    if line.get("reservation_id"):
                        reservations.release(
                            self.session, self._context(action),
                            ReleaseReservation(reservation_id=str(line["reservation_id"])),
                            self.now)
        except InventoryError as exc:
            self._refused(action, exc)

    def _refused(self, action: PlannedAction, exc: Exception) -> None:
        prov = action.provenance
        reason = exc.render("zh-CN") if isinstance(exc, InventoryError) else f"缺少字段 {exc}"
        self.session.add(InboxMessage(
            tenant_id=self.tenant_id, kind="alert", recipient="role:admin",
            message=f"规则 {prov.rule_id} 的 {action.kind} 未执行：{reason}",
            event_id=prov.event_id, rule_id=prov.rule_id, rule_version=prov.version,
            rule_node=prov.node_id, created_at=self.now))

    def _arm(self, action: PlannedAction) -> None:
        rule_id, key = action.arg("rule_id"), action.arg("key")
        payload = {"rule_id": rule_id, "key": key, "version": action.provenance.version,
                   "scope": _json_safe(action.arg("scope"))}
        timers.arm(self.session, self.tenant_id, f"{rule_id}:{key}", action.arg("fire_at"),
                   payload, self.now)

    def _cancel(self, action: PlannedAction) -> None:
        timers.cancel(self.session, self.tenant_id,
                      f"{action.arg('rule_id')}:{action.arg('key')}", self.now)

    def _save_window(self, rule_id: str, key: str, state: Any) -> None:
        row = self.session.scalar(select(WindowState).where(WindowState.rule_id == rule_id,
                                                            WindowState.key == key))
        if row is None:
            self.session.add(WindowState(tenant_id=self.tenant_id, rule_id=rule_id, key=key,
                                         state=_json_safe(list(state)), updated_at=self.now))
        else:
            row.state, row.updated_at = _json_safe(list(state)), self.now
        self.session.flush()


def _document(line: Mapping[str, Any]) -> DocumentRef | None:
    ref = line.get("order_no") or line.get("order_id")
    return DocumentRef(type="sales_order", ref=str(ref)) if ref else None


def load_windows(session: Session, rule_ids: list[str]) -> dict[tuple[str, str], Any]:
    """The saved window state of these rules, as evaluation expects it."""
    if not rule_ids:
        return {}
    rows = session.scalars(select(WindowState).where(WindowState.rule_id.in_(rule_ids)))
    return {(r.rule_id, r.key): tuple(r.state) for r in rows}
