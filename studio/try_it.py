""""Try it": run rule text on one event in the sandbox and say what would happen.

The same pure ``evaluate`` production uses, then the sandbox executor on a copy of the
real balances it touches: nothing is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsl import SchemaRegistry, parse_and_check
from engine.compiler import compile_rule_set
from engine.decision import Event
from engine.evaluate import evaluate
from engine.executors.lines import target_lines
from engine.executors.sandbox import Balance, SandboxExecutor, SandboxStep
from engine.facts import DbFacts, load_for_plans
from engine.lowering_rules import lower_rule_file
from inventory.models import Item, StockBalance, Warehouse

_SAMPLE_BY_TYPE = {"id": "X-1", "text": "", "bool": False, "number": 1, "date": "2026-01-01"}


@dataclass(frozen=True, slots=True, kw_only=True)
class TryResult:
    """The decision on one event: each step, and the stock before and after."""

    steps: tuple[SandboxStep, ...]
    stock: tuple[dict[str, Any], ...]
    blocked: bool
    version: str


def sample_event(registry: SchemaRegistry, event_type: str, sku: str, warehouse: str
                 ) -> dict[str, Any]:
    """An example payload of ``event_type`` with every field, lines on a real SKU."""
    event = registry.event(event_type)
    payload: dict[str, dict[str, Any]] = {}
    for f in event.fields if event else ():
        entity, _, name = f.path.partition(".")
        kind = str(f.type)
        value: Any
        if kind.startswith("list(line"):
            value = [{"sku": sku, "warehouse": warehouse, "qty": 2}]
        elif kind.startswith(("money", "quantity", "number", "percent")):
            value = 500 if "amount" in name else 1
        elif kind.startswith("enum("):
            value = kind[5:].split(",")[0]
        else:
            value = _SAMPLE_BY_TYPE.get(kind, f"{entity.upper()}-1" if kind == "id" else "")
        if name == "no" or name == "id":
            value = f"{entity.upper()[:3]}-1"
        payload.setdefault(entity, {})[name] = value
    return payload


def try_rules(session: Session, tenant_id: int, text: str, registry: SchemaRegistry,
              event_type: str, payload: dict[str, Any], now: datetime) -> TryResult:
    """Evaluate the rules on one event and apply the decision in the sandbox.

    Raises:
        DslSyntaxError, DslCheckError: the rule text is not valid.
    """
    plan = compile_rule_set(lower_rule_file(parse_and_check(text, registry)))
    event = Event(id=str(uuid.uuid4()), type=event_type, tenant_id=tenant_id, occurred_at=now,
                  payload=payload)
    # The same fact loaders as production: what the payload does not carry is read from
    # the tenant's rows (the order, its customer, the item, the balance…).
    facts = load_for_plans(DbFacts(session), event, (plan,))
    decision = evaluate(plan, event, facts, now, trace=True)
    keys = {(str(line.get("sku")), str(line.get("warehouse")))
            for action in decision.actions if action.kind in {"reserve", "release"}
            for line in target_lines(action.arg("target"))}
    before = _balances(session, keys)
    result = SandboxExecutor(before).apply(decision)
    zero = Balance(on_hand=Decimal(0), reserved=Decimal(0))
    stock = tuple({"sku": k[0], "warehouse": k[1], "before": before.get(k, zero),
                   "after": result.balances.get(k, zero)} for k in sorted(keys))
    return TryResult(steps=result.steps, stock=stock, blocked=decision.blocked is not None,
                     version=plan.version)


def _balances(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Balance]:
    if not keys:
        return {}
    skus = {k[0] for k in keys}
    rows = session.execute(
        select(Item.sku, Warehouse.code, StockBalance.on_hand, StockBalance.reserved)
        .join(Item, Item.id == StockBalance.item_id)
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .where(Item.sku.in_(skus)))
    return {(s, w): Balance(on_hand=o, reserved=r) for s, w, o, r in rows if (s, w) in keys}
