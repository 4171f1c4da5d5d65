"""``set price.<field> to <value>``: the price a rule decides for one SKU, kept on the item.

The decision is kept in the item's attributes under :data:`DECIDED` (one entry per price
field: the value, the event, rule, version and node that decided it, at tenant time), so
``GET /api/v1/items/{sku}`` shows it; the rule_write row carries old → new like every
``set``. The item's own list price is not changed: the decided price is what the rules
made of it.
"""

from __future__ import annotations

from typing import Any

from engine.decision import PlannedAction
from engine.errors import ActionNotApplicable
from engine.executors.writes import ActionScope, json_safe
from inventory.lookup import item_by_sku

#: The item attribute that holds the rule-decided prices by field.
DECIDED = "decided_prices"


def set_price(scope: ActionScope, action: PlannedAction) -> None:
    """Record the decided ``price.<field>`` of the event's SKU (idempotent on a replay)."""
    target, value, sku = (action.arg("target"), action.arg("value"), action.arg("entity_id"))
    name = str(target).partition(".")[2]
    if sku is None:
        raise ActionNotApplicable(rule=action.provenance.rule_id, action=action.kind,
                                  reason=f"the event names no item.sku for {target}",
                                  reason_zh=f"事件中没有 item.sku，无法写入 {target}")
    item = item_by_sku(scope.session, str(sku))
    decided: dict[str, Any] = dict(item.attributes.get(DECIDED) or {})
    old = (decided.get(name) or {}).get("value")
    new = json_safe(value)
    prov = action.provenance
    if old == new and (decided.get(name) or {}).get("event_id") == prov.event_id:
        scope.record(action, f"item:{sku}", {"field": f"price.{name}", "value": new},
                     "already done")
        return
    decided[name] = {"value": new, "event_id": prov.event_id, "rule_id": prov.rule_id,
                     "version": prov.version, "node_id": prov.node_id,
                     "decided_at": scope.now.isoformat()}
    item.attributes = {**item.attributes, DECIDED: decided}
    scope.session.flush()
    scope.record(action, f"item:{sku}", {"field": f"price.{name}", "old": old, "new": new})


__all__ = ["DECIDED", "set_price"]
