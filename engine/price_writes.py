"""Prices stack: a ``set price.<field>`` is read by every later rule of the same event (pure).

Within one evaluation :func:`engine.evaluate.evaluate` updates the scope itself; across rule
sets the rule handler runs the routed rule sets by name (the order the conflict check,
:mod:`engine.governance.price_stack`, assumes) and threads each decision's price writes
into the next rule set's event and facts with :func:`with_price_writes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from engine.decision import Decision, Event, PlannedAction

#: The entity whose fields stack from rule to rule.
PRICE = "price"


def price_field(action: PlannedAction) -> str | None:
    """The ``price`` field a planned ``set`` writes (None: it writes something else)."""
    if action.kind != "set":
        return None
    target = action.arg("target")
    if not isinstance(target, str) or not target.startswith(PRICE + "."):
        return None
    return target[len(PRICE) + 1:]


def price_writes(actions: Iterable[PlannedAction]) -> dict[str, Any]:
    """The last value each ``price`` field is set to by ``actions``, in order."""
    writes: dict[str, Any] = {}
    for action in actions:
        name = price_field(action)
        if name is not None:
            writes[name] = action.arg("value")
    return writes


def with_price_writes(event: Event, facts: Mapping[str, Any], decision: Decision
                      ) -> tuple[Event, Mapping[str, Any]]:
    """``event`` and ``facts`` as the next rule set reads them after ``decision``'s price
    writes (new values; the inputs are not changed)."""
    writes = price_writes(decision.actions)
    if not writes:
        return event, facts
    carried = event.payload.get(PRICE)
    price = {**carried, **writes} if isinstance(carried, Mapping) else dict(writes)
    new_event = replace(event, payload={**event.payload, PRICE: price})
    loaded = facts.get(PRICE)
    if isinstance(loaded, Mapping):
        facts = {**facts, PRICE: {**loaded, **writes}}
    return new_event, facts


def before_rule_set(event: Event, facts: Mapping[str, Any], decisions: Mapping[str, Decision],
                    name: str) -> tuple[Event, Mapping[str, Any]]:
    """``event`` and ``facts`` as rule set ``name`` reads them in production: after the
    price writes of every rule set ordered before it (by name) in ``decisions``."""
    for earlier in sorted(n for n in decisions if n < name):
        event, facts = with_price_writes(event, facts, decisions[earlier])
    return event, facts


__all__ = ["PRICE", "before_rule_set", "price_field", "price_writes", "with_price_writes"]
