"""Production actions on documents and fields: ``freeze``/``unfreeze``, ``set``, ``create
document``. Each runs through the inventory's own document logic in the worker's transaction
and leaves a :class:`~engine.models.RuleWrite` with its provenance.

What a rule asks for that is already so (a frozen receipt frozen again, a passed inspection
passed again) is recorded as ``already done`` and changes nothing: the rule and the
document's own behaviour agree instead of raising alerts against each other.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from engine.decision import PlannedAction
from engine.errors import ActionNotApplicable
from engine.executors.actions_lots import freeze_lots_in
from engine.executors.writes import ActionScope, json_safe, rule_label
from inventory.documents import NewPurchaseLine, NewPurchaseOrder, parties
from inventory.documents import purchase_order_service as purchase_orders
from inventory.documents import receipt as rc
from inventory.documents import receipt_service as receipts
from inventory.documents.models import Receipt
from inventory.documents.runner import find
from inventory.lookup import item_by_sku
from inventory.models import Warehouse
from inventory.planning.models import ReplenishmentPolicy

#: Freeze kinds this module applies (the others: :mod:`engine.actions.freezes`).
FREEZE_KINDS = frozenset({"customer", "receipt", "location"})
#: Document types ``create document`` can draft: all become a draft purchase order that a
#: person approves (a rule suggests, it does not buy).
PURCHASE_DOCUMENTS = frozenset({"purchase_order", "purchase_request"})
_FIELD = "field:"


def _not_applicable(action: PlannedAction, reason: str, reason_zh: str) -> ActionNotApplicable:
    return ActionNotApplicable(rule=action.provenance.rule_id, action=action.kind,
                               reason=reason, reason_zh=reason_zh)


def freeze(scope: ActionScope, action: PlannedAction) -> None:
    """``freeze customer|receipt|location [id]`` (or ``unfreeze`` a customer); without an id,
    the event's one. A location's lots, like a receipt, are released by a person."""
    kind, target = action.arg("kind"), action.arg("target")
    if target is None:
        raise _not_applicable(action, f"the event names no {kind}", f"事件中没有{kind}编号")
    frozen = action.kind == "freeze"
    reason = rule_label(action)
    if kind == "customer":
        customer = parties.customer_by_code(scope.session, str(target))
        if customer.is_frozen == frozen:
            scope.record(action, f"customer:{target}", {"frozen": frozen}, "already done")
            return
        if frozen:
            parties.freeze_customer(scope.session, str(target), reason, scope.now)
        else:
            parties.unfreeze_customer(scope.session, str(target))
        scope.record(action, f"customer:{target}", {"frozen": frozen, "reason": reason})
        return
    if kind == "receipt" and frozen:
        _freeze_receipt(scope, action, str(target), reason)
        return
    if kind == "location" and frozen:
        freeze_lots_in(scope, action, target)
        return
    # A frozen receipt is released by a person with a quality role, never by a rule.
    raise _not_applicable(action, f"rules cannot {action.kind} a {kind}",
                          f"规则不能对{kind}执行{action.kind}")


def _receipt_status(scope: ActionScope, no: str) -> str:
    return str(find(scope.session, Receipt, rc.DOCUMENT, no).status)


def _freeze_receipt(scope: ActionScope, action: PlannedAction, no: str, reason: str) -> None:
    if _receipt_status(scope, no) == rc.ReceiptStatus.FROZEN:
        scope.record(action, f"receipt:{no}", {"status": "frozen"}, "already done")
        return
    done = receipts.freeze_in(scope.session, scope.context(action), no, reason, scope.now)
    scope.record(action, f"receipt:{no}", {"status": "frozen", "reason": reason,
                                           "event_id": done["event_id"]})


def set_field(scope: ActionScope, action: PlannedAction) -> None:
    """``set <entity>.<field> to <value>`` on the entity of the event.

    Item fields (reorder point, safety stock, tags, pack fields) are kept in the item's
    attributes; ``receipt.inspection_status`` is the receipt's verdict: ``passed`` passes its
    inspection on the recorded scan, photos and weight, ``failed`` freezes it.
    """
    target, value, entity_id = (action.arg("target"), action.arg("value"),
                                action.arg("entity_id"))
    entity, _, name = str(target).partition(".")
    if entity_id is None:
        raise _not_applicable(action, f"the event names no {entity}", f"事件中没有{entity}")
    if entity == "item" and name in STOCK_LEVEL_FIELDS and action.arg("warehouse"):
        if _set_policy_level(scope, action, str(entity_id), str(action.arg("warehouse")),
                             name, value):
            return
    if entity == "item":
        item = item_by_sku(scope.session, str(entity_id))
        old = item.attributes.get(name)
        new = json_safe(value)
        if old == new:
            scope.record(action, f"item:{entity_id}", {"field": name, "value": new},
                         "already done")
            return
        item.attributes = {**item.attributes, name: new}
        scope.session.flush()
        scope.record(action, f"item:{entity_id}", {"field": name, "old": old, "new": new})
        return
    if str(target) == "receipt.inspection_status":
        _inspection_verdict(scope, action, str(entity_id), str(value))
        return
    raise _not_applicable(action, f"{target} cannot be written by rules yet",
                          f"规则暂不能写入 {target}")


#: Item fields that belong to a SKU × warehouse when its replenishment policy exists.
STOCK_LEVEL_FIELDS = frozenset({"safety_stock", "reorder_point"})


def _set_policy_level(scope: ActionScope, action: PlannedAction, sku: str, warehouse: str,
                      name: str, value: Any) -> bool:
    """Write safety stock or reorder point on the SKU × warehouse's replenishment policy;
    False when it has none (the value is then the item's own, for every warehouse)."""
    item = item_by_sku(scope.session, sku)
    policy = scope.session.scalar(
        select(ReplenishmentPolicy).join(Warehouse, Warehouse.id
                                         == ReplenishmentPolicy.warehouse_id)
        .where(ReplenishmentPolicy.item_id == item.id, Warehouse.code == warehouse))
    if policy is None:
        return False
    old, new = getattr(policy, name), Decimal(str(value))
    target = f"item:{sku}@{warehouse}"
    if old == new:
        scope.record(action, target, {"field": name, "value": str(new)}, "already done")
        return True
    setattr(policy, name, new)
    scope.session.flush()
    scope.record(action, target, {"field": name, "old": str(old), "new": str(new)})
    return True


def _inspection_verdict(scope: ActionScope, action: PlannedAction, no: str, verdict: str
                        ) -> None:
    status = _receipt_status(scope, no)
    reached = {"passed": rc.ReceiptStatus.INSPECTED, "failed": rc.ReceiptStatus.FROZEN,
               "pending": rc.ReceiptStatus.DRAFT}.get(verdict)
    if reached is None:
        raise _not_applicable(action, f"unknown inspection status {verdict}",
                              f"未知的质检状态 {verdict}")
    if status == reached:
        scope.record(action, f"receipt:{no}", {"inspection_status": verdict}, "already done")
        return
    if verdict == "failed":
        _freeze_receipt(scope, action, no, rule_label(action))
        return
    if verdict == "pending":
        raise _not_applicable(action, f"receipt {no} is {status} and cannot go back to pending",
                              f"入库单 {no} 已是 {status}，不能回到待检")
    done = receipts.inspect_recorded_in(scope.session, scope.context(action), no, scope.now)
    scope.record(action, f"receipt:{no}", {
        "inspection_status": verdict, "status": done["status"],
        "failures": done.get("failures", []), "event_id": done["event_id"]})


def _fields(action: PlannedAction) -> dict[str, Any]:
    return {name[len(_FIELD):]: value for name, value in action.args
            if name.startswith(_FIELD)}


def create_document(scope: ActionScope, action: PlannedAction) -> None:
    """``create document purchase_order|purchase_request (sku = …, qty = …, warehouse = …)``:
    a draft purchase order that names the rule in its note and waits for approval."""
    document = str(action.arg("document"))
    if document not in PURCHASE_DOCUMENTS:
        raise _not_applicable(action, f"documents of type {document} cannot be created yet",
                              f"暂不能创建 {document} 类型的单据")
    fields = _fields(action)
    missing = [f for f in ("sku", "qty", "warehouse") if fields.get(f) in (None, "")]
    if missing:
        raise _not_applicable(action, f"{document} needs {', '.join(missing)}",
                              f"{document} 缺少 {', '.join(missing)}")
    prov = action.provenance
    reason = str(fields.get("reason") or "")
    note = (f"{reason + ' — ' if reason else ''}由{rule_label(action)}建议 / suggested by "
            f"{rule_label(action)}, node {prov.node_id}, event {prov.event_id}")
    created = purchase_orders.create_draft(scope.session, scope.context(action),
                                              NewPurchaseOrder(
        supplier=str(fields.get("supplier") or "待定 / to be chosen"),
        warehouse=str(fields["warehouse"]), note=note,
        lines=[NewPurchaseLine(sku=str(fields["sku"]), qty=Decimal(str(fields["qty"])))]),
        scope.now)
    scope.record(action, f"purchase_order:{created['no']}", {
        "document": document, "no": created["no"], "status": created["status"],
        "fields": fields})
