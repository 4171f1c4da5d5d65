"""``freeze`` and ``unfreeze`` of a customer, receipt, location, channel, lot, item or supplier.

Each target kind is a variant with its own applier; each runs the inventory's own command
with the rule's label as the reason and leaves a :class:`~engine.models.RuleWrite`. What is
already so (a paused channel paused again) is recorded as ``already done``. Receipts, lots
and locations are released by a person with a quality role, never by a rule, so
``unfreeze`` of those is refused at check time.
"""

from __future__ import annotations

from collections.abc import Callable

from engine import ir
from engine.actions.spec import ActionKind, Applier, Arg, Refused
from engine.decision import PlannedAction
from engine.errors import ActionNotApplicable
from engine.executors import actions_documents
from engine.executors.writes import ActionScope, rule_label
from inventory.documents import suppliers
from inventory.item_freezes import freeze_item, unfreeze_item
from inventory.lots import freeze_lot
from inventory.planning import pools


def _targets(action: PlannedAction) -> list[str]:
    target = action.arg("target")
    if target is None or target == "":
        kind = action.arg("kind")
        raise ActionNotApplicable(rule=action.provenance.rule_id, action=action.kind,
                                  reason=f"the event names no {kind}",
                                  reason_zh=f"事件中没有{kind}编号")
    return [str(t) for t in target] if isinstance(target, list | tuple) else [str(target)]


def _each(change: Callable[[ActionScope, PlannedAction, str], bool], kind: str) -> Applier:
    def apply(scope: ActionScope, action: PlannedAction) -> None:
        frozen = action.kind == "freeze"
        for target in _targets(action):
            changed = change(scope, action, target)
            scope.record(action, f"{kind}:{target}", {"frozen": frozen,
                                                      "reason": rule_label(action)},
                         "applied" if changed else "already done")
    return apply


def _pause(scope: ActionScope, action: PlannedAction, code: str) -> bool:
    row = pools.channel_by_code(scope.session, code)
    return pools.pause_channel(scope.session, scope.tenant_id, row, rule_label(action),
                               f"rule:{action.provenance.rule_id}", scope.now)


def _resume(scope: ActionScope, action: PlannedAction, code: str) -> bool:
    row = pools.channel_by_code(scope.session, code)
    return pools.resume_channel(scope.session, scope.tenant_id, row,
                                f"rule:{action.provenance.rule_id}", scope.now)


def _freeze_lot(scope: ActionScope, action: PlannedAction, lot_no: str) -> bool:
    lots = freeze_lot(scope.session, scope.context(action), lot_no, rule_label(action),
                      scope.now)
    return any(lot["outcome"] == "frozen" for lot in lots)


_BY_PERSON = Refused(reason_en="it is released by a person with a quality role, never by a "
                               "rule", reason_zh="只能由有质量权限的人员解除，规则不能解冻")

FREEZE_VARIANTS: dict[str, Applier | Refused] = {
    "customer": actions_documents.freeze, "receipt": actions_documents.freeze,
    "location": actions_documents.freeze,
    "channel": _each(_pause, "channel"), "lot": _each(_freeze_lot, "lot"),
    "item": _each(lambda s, a, sku: freeze_item(s.session, sku, rule_label(a)), "item"),
    "supplier": _each(lambda s, a, code: suppliers.freeze_supplier(s.session, code,
                                                                   rule_label(a)),
                      "supplier"),
}
UNFREEZE_VARIANTS: dict[str, Applier | Refused] = {
    "customer": actions_documents.freeze, "receipt": _BY_PERSON, "location": _BY_PERSON,
    "lot": _BY_PERSON, "channel": _each(_resume, "channel"),
    "item": _each(lambda s, _a, sku: unfreeze_item(s.session, sku), "item"),
    "supplier": _each(lambda s, _a, code: suppliers.unfreeze_supplier(s.session, code),
                      "supplier"),
}
#: What a freeze writes, where it is not ``<kind>.is_frozen`` (the passport's edge).
_WRITES = {"channel": "field:channel.is_paused"}


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    kind = action.arg("kind")
    name = str(kind.value) if isinstance(kind, ir.Lit) else "?"
    return [(_WRITES.get(name, f"field:{name}.is_frozen"), "writes")]


def _describe(action: PlannedAction) -> str:
    return f"{action.kind} {action.arg('kind')} {action.arg('target')}"


_ARGS = (Arg(name="kind", type="customer|receipt|location|channel|lot|item|supplier"),
         Arg(name="target", type="an id or a list of ids", required=False))
FREEZE = ActionKind(kind="freeze", label_en="Freeze", label_zh="冻结", args=_ARGS,
                    variant_arg="kind", variants=FREEZE_VARIANTS, passport=_edges,
                    describe=_describe)
UNFREEZE = ActionKind(kind="unfreeze", label_en="Unfreeze", label_zh="解冻", args=_ARGS,
                      variant_arg="kind", variants=UNFREEZE_VARIANTS, passport=_edges,
                      describe=_describe)
