"""``create document``: a DRAFT through the inventory's own document service, naming the rule.

A rule suggests; a person approves. Purchase orders and requests become draft purchase
orders (:func:`engine.executors.actions_documents.create_document`); a ``transfer`` becomes
a draft transfer (store top-up: 50 from WH-HZ to the store) and an ``adjustment`` a draft
adjustment, both with the rule, node and event in their note. The document's own rules
still hold (an adjustment needs a photo, a transfer two different warehouses); a draft
they refuse refuses the whole firing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine import ir
from engine.actions.spec import ActionKind, Applier, Arg, Refused
from engine.decision import PlannedAction
from engine.errors import ActionNotApplicable
from engine.executors import actions_documents
from engine.executors.writes import ActionScope, rule_label
from inventory.documents import (
    AdjustmentReason,
    NewAdjustment,
    NewAdjustmentLine,
    NewTransfer,
    NewTransferLine,
)
from inventory.documents import adjustment_service as adjustments
from inventory.documents import transfer_service as transfers

_FIELD = "field:"


def _fields(action: PlannedAction, needed: tuple[str, ...]) -> dict[str, Any]:
    fields = {n[len(_FIELD):]: v for n, v in action.args if n.startswith(_FIELD)}
    missing = [f for f in needed if fields.get(f) in (None, "")]
    if missing:
        document = action.arg("document")
        raise ActionNotApplicable(rule=action.provenance.rule_id, action=action.kind,
                                  reason=f"{document} needs {', '.join(missing)}",
                                  reason_zh=f"{document} 缺少 {', '.join(missing)}")
    return fields


def _note(action: PlannedAction, fields: dict[str, Any]) -> str:
    prov, label = action.provenance, rule_label(action)
    reason = str(fields.get("reason") or fields.get("note") or "")
    return (f"{reason + ' — ' if reason else ''}由{label}建议 / suggested by {label}, "
            f"node {prov.node_id}, event {prov.event_id}")


def _transfer(scope: ActionScope, action: PlannedAction) -> None:
    fields = _fields(action, ("sku", "qty", "from_warehouse", "to_warehouse"))
    created = transfers.create_draft(scope.session, scope.context(action), NewTransfer(
        from_warehouse=str(fields["from_warehouse"]), to_warehouse=str(fields["to_warehouse"]),
        note=_note(action, fields),
        lines=[NewTransferLine(sku=str(fields["sku"]), qty=Decimal(str(fields["qty"])))]),
        scope.now)
    scope.record(action, f"transfer:{created['no']}", {
        "document": "transfer", "no": created["no"], "status": created["status"],
        "fields": fields})


def _adjustment(scope: ActionScope, action: PlannedAction) -> None:
    fields = _fields(action, ("sku", "qty", "warehouse", "reason"))
    photo = str(fields.get("photo") or "")
    doc = adjustments.create_draft(scope.session, scope.context(action), NewAdjustment(
        warehouse=str(fields["warehouse"]), reason=AdjustmentReason(str(fields["reason"])),
        photo_refs=[photo] if photo else [], note=_note(action, {"note": fields.get("note")}),
        lines=[NewAdjustmentLine(sku=str(fields["sku"]), qty=Decimal(str(fields["qty"])))]),
        scope.now)
    scope.record(action, f"adjustment:{doc.no}", {
        "document": "adjustment", "no": doc.no, "status": doc.status, "fields": fields})


_BY_RECEIPT = Refused(reason_en="quality inspections are recorded on the receipt (set "
                                "receipt.inspection_status), not created by rules",
                      reason_zh="质检结果记录在入库单上（设置 receipt.inspection_status），"
                                "规则不能创建质检单")
VARIANTS: dict[str, Applier | Refused] = {
    "purchase_order": actions_documents.create_document,
    "purchase_request": actions_documents.create_document,
    "transfer": _transfer, "adjustment": _adjustment, "quality_inspection": _BY_RECEIPT,
}


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    document = action.arg("document")
    name = str(document.value) if isinstance(document, ir.Lit) else "?"
    return [(f"document:{name}", "creates")]


def _describe(action: PlannedAction) -> str:
    fields = {n[len(_FIELD):]: v for n, v in action.args if n.startswith(_FIELD)}
    shown = ", ".join(f"{k}={v}" for k, v in fields.items())
    return f"draft {action.arg('document')} ({shown})"


CREATE_DOCUMENT = ActionKind(
    kind="create_document", label_en="Create a draft document", label_zh="创建单据草稿",
    args=(Arg(name="document", type="a document type"),
          Arg(name="fields", type="the document's fields", required=False)),
    variant_arg="document", variants=VARIANTS, passport=_edges, describe=_describe)
