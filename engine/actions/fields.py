"""``set <entity>.<field> to <value>``: item fields (attributes) and a receipt's verdict.

The variant is the entity. ``set price.<field>`` (price rules on ``price.change_requested``)
records the price the rule decides for the event's SKU on the item
(:mod:`engine.executors.actions_prices`); later rules and rule sets of the same event read
the price so far (:mod:`engine.price_writes`).
"""

from __future__ import annotations

from engine import ir
from engine.actions.spec import ActionKind, Applier, Arg, Refused
from engine.decision import PlannedAction
from engine.executors import actions_documents, actions_prices

VARIANTS: dict[str, Applier | Refused] = {
    "item": actions_documents.set_field, "receipt": actions_documents.set_field,
    "price": actions_prices.set_price,
}


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    target = action.arg("target")
    path = ".".join(target.path) if isinstance(target, ir.Field) else "?"
    return [(f"field:{path}", "writes")]


def _describe(action: PlannedAction) -> str:
    return f"set {action.arg('target')} = {action.arg('value')} ({action.arg('entity_id')})"


SET = ActionKind(kind="set", label_en="Set a field", label_zh="设置",
                 args=(Arg(name="target", type="a settable field"),
                       Arg(name="value", type="a value of the field's type")),
                 variant_arg="target", variants=VARIANTS, passport=_edges,
                 describe=_describe)
