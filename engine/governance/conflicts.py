"""Rule conflicts found before promotion (pure): the candidate version against itself and
every other rule set in production, judged on the tenant's own SKUs.

Two kinds:

- ``below_cost``: for a SKU with a list and a cost price, the price after every rule that
  can fire on one event and writes a price (:mod:`engine.governance.price_stack`, in the
  order production runs them) ends below the item's cost, and a rule of the candidate wrote
  part of it. Each names the rules, the SKU and the figures. Stacks that stay at or above
  cost are not conflicts.
- ``same_target``: two rules (one of them the candidate's) on the same event that write the
  same non-price target (a reservation, a freeze, an item field) and whose conditions can
  hold together, with an example event that fires both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine import ir
from engine.compiler import compile_expr
from engine.governance.price_stack import SkuFacts, SourcedRule, Stack, Step, stack
from engine.governance.price_stack import writes_price as writes_price
from engine.governance.satisfiable import Path, jointly, reads

_reads = reads  # the passport reads fields the same way
_KEY_MAX = 250
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """Rules that together do what none should (sell below cost, write one target twice)."""

    key: str
    kind: str
    rules: tuple[SourcedRule, ...]
    trigger: str
    target: str
    #: The event (entities by name) that fires the rules: the SKU's facts for below-cost.
    example: dict[str, Any]
    #: "definite" when every condition part was decided or analysed; "possible" when some
    #: part (field against field, functions, time clauses) was assumed true.
    certainty: str
    #: ``list``, ``stacked`` and ``cost`` for below-cost; what each rule writes otherwise.
    values: dict[str, str]
    is_below_cost: bool | None
    sku: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    message_en: str = ""
    message_zh: str = ""

    @property
    def rule_a(self) -> str:
        """The first rule's id."""
        return self.rules[0].ref.rule_id

    @property
    def rule_b(self) -> str:
        """The last rule's id."""
        return self.rules[-1].ref.rule_id

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"key": self.key, "kind": self.kind, "rule_a": self.rule_a,
                "rule_b": self.rule_b, "rules": [r.ref.as_dict() for r in self.rules],
                "trigger": self.trigger, "target": self.target, "sku": self.sku,
                "example": _jsonable(self.example), "certainty": self.certainty,
                "values": self.values, "is_below_cost": self.is_below_cost,
                "figures": _jsonable(self.figures), "message_en": self.message_en,
                "message_zh": self.message_zh}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def _key(*parts: str) -> str:
    """A readable key, shortened with a digest when it would not fit the ack column."""
    text = "|".join(parts)
    if len(text) <= _KEY_MAX:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"{text[:_KEY_MAX - 18]}~{digest}"


def _dotted(expr: ir.Expr | None) -> str:
    return ".".join(expr.path) if isinstance(expr, ir.Field) else repr(expr)


def writes(rule: ir.Rule) -> dict[str, ir.Action | None]:
    """The targets a rule writes: fields, reservations, freezes (table outputs too)."""
    found: dict[str, ir.Action | None] = {}
    for action in ir.all_actions(rule):
        if action.kind == "set":
            found[f"field:{_dotted(action.arg('target'))}"] = action
        elif action.kind in {"reserve", "release"}:
            found[f"reservation:{_dotted(action.arg('target'))}"] = action
        elif action.kind in {"freeze", "unfreeze"}:
            kind = action.arg("kind")
            label = kind.parts[0] if isinstance(kind, ir.Template) and kind.parts else (
                str(kind.value) if isinstance(kind, ir.Lit) else "?")
            found[f"freeze:{label}:{_dotted(action.arg('target'))}"] = action
    if rule.table is not None:
        for output in rule.table.outputs:
            found.setdefault(f"field:{output}", None)
    return found


def _nest(values: dict[Path, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in values.items():
        node = out
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = value
    return out


def _value(action: ir.Action | None, scope: dict[str, Any]) -> Any:
    value = action.arg("value") if action is not None else None
    if value is None:
        return None
    try:
        return compile_expr(value)(scope)
    except (ArithmeticError, TypeError, ValueError):
        return None


def in_production_order(candidate: Sequence[SourcedRule], others: Sequence[SourcedRule]
                        ) -> list[SourcedRule]:
    """Every rule in the order production evaluates them: rule sets by name (the candidate
    in its rule set's place), rules in their order."""
    return sorted([*candidate, *others], key=lambda r: r.ref.rule_set)  # sorted() is stable


def pair_conflicts(candidate: Sequence[SourcedRule], others: Sequence[SourcedRule]
                   ) -> list[Conflict]:
    """Pairs (one of them the candidate's) with one trigger, one common non-price target
    and conditions that can hold together, in rule order."""
    found: list[Conflict] = []
    rules = [r for r in candidate if r.rule.kind != "guard"]
    other = [r for r in others if r.rule.kind != "guard"]
    for i, a in enumerate(rules):
        for b in [*rules[i + 1:], *other]:
            found += _pair(a, b)
    return found


def _pair(a: SourcedRule, b: SourcedRule) -> list[Conflict]:
    if a.rule.trigger != b.rule.trigger:
        return []
    found: list[Conflict] = []
    targets_a, targets_b = writes(a.rule), writes(b.rule)
    for target in sorted(targets_a.keys() & targets_b.keys()):
        if target.startswith("field:price."):
            continue  # prices are judged on the tenant's SKUs (below_cost_conflicts)
        both = jointly(a.rule.condition, b.rule.condition)
        if both is None:
            continue
        values, exact = both
        exact = exact and a.rule.table is None and b.rule.table is None
        example = _nest(values)
        shown = {name: str(v) for name, action in (("a", targets_a[target]),
                                                   ("b", targets_b[target]))
                 if (v := _value(action, example)) is not None}
        found.append(Conflict(
            key=_key(a.ref.label, b.ref.label, target), kind="same_target", rules=(a, b),
            trigger=a.rule.trigger, target=target, example=example,
            certainty="definite" if exact else "possible", values=shown,
            is_below_cost=None,
            message_en=f"{a.ref.label} and {b.ref.label} both write {target} on "
                       f"{a.rule.trigger}",
            message_zh=f"{a.ref.label} 与 {b.ref.label} 在 {a.rule.trigger} 时都写 {target}"))
    return found


def triggers_with_price_writes(candidate: Sequence[SourcedRule]) -> list[str]:
    """The events on which a rule of the candidate writes a price, sorted."""
    return sorted({r.rule.trigger for r in candidate if writes_price(r.rule)})


def below_cost_conflicts(candidate: Sequence[SourcedRule], others: Sequence[SourcedRule],
                         skus: Sequence[SkuFacts]) -> tuple[list[Conflict], list[Stack]]:
    """Below-cost stacks on the tenant's SKUs (each needs a list and a cost price), and every
    stack computed (for the coverage report)."""
    ordered = in_production_order(candidate, others)
    found: list[Conflict] = []
    stacks: list[Stack] = []
    for trigger in triggers_with_price_writes(candidate):
        for sku in skus:
            done = stack(trigger, ordered, sku)
            stacks.append(done)
            if done.has_candidate and done.is_below_cost:
                found.append(_below_cost(done, ordered))
    return found, stacks


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value.quantize(_CENT)}"


def _change_text(step: Step, zh: bool) -> str:
    value = step.change_value
    if step.change == "percent" and value is not None:
        shown = f"{value.normalize():f}"
        return f"−{shown}%" if zh else f"−{shown} %"
    if step.change == "amount" and value is not None:
        return f"−{_money(value)}"
    return f"= {_money(step.after)}"


def _assumed_text(done: Stack, zh: bool) -> str:
    if not done.assumed:
        return ""
    shown = ", ".join(f"{k} = {v}" for k, v in sorted(done.assumed.items()))
    return f"（假定 {shown}）" if zh else f" (assuming {shown})"


def _below_cost(done: Stack, ordered: Sequence[SourcedRule]) -> Conflict:
    sku = done.sku
    by_ref = {r.ref: r for r in ordered}
    rules = tuple(dict.fromkeys(by_ref[s.ref] for s in done.steps))
    en = " then ".join(f"{s.ref.label} {_change_text(s, False)}" for s in done.steps)
    zh = " 再 ".join(f"{s.ref.title or s.ref.label} {_change_text(s, True)}"
                     for s in done.steps)
    result, cost = _money(done.result), _money(sku.cost_price)
    figures = {"list_price": _money_text(sku.list_price), "cost_price": _money_text(
        sku.cost_price), "result": _money_text(done.result), "result_field": done.result_field,
        "steps": [s.as_dict() for s in done.steps], "assumed": done.assumed}
    example = {"item": {"sku": sku.sku, "category": sku.category,
                        "list_price": sku.list_price, "cost_price": sku.cost_price},
               "price": {"list_price": sku.list_price, **{
                   k.split(".", 1)[1]: v for k, v in done.assumed.items()
                   if k.startswith("price.")}}}
    return Conflict(
        key=_key("below_cost", done.trigger, sku.sku, *(r.ref.label for r in rules)),
        kind="below_cost", rules=rules, trigger=done.trigger,
        target=f"field:{done.result_field}", example=example,
        certainty="definite" if done.is_exact else "possible",
        values={"list": str(_money_text(sku.list_price)),
                "stacked": str(_money_text(done.result)),
                "cost": str(_money_text(sku.cost_price))},
        is_below_cost=True, sku=sku.sku, figures=figures,
        message_en=f"{sku.sku}: list {_money(sku.list_price)}, {en} → {result} < cost "
                   f"{cost}{_assumed_text(done, False)}",
        message_zh=f"{sku.sku}：标价 {_money(sku.list_price)}，{zh} → {result} < 成本 "
                   f"{cost}{_assumed_text(done, True)}")


def _money_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(_CENT))


def find_conflicts(candidate: Sequence[SourcedRule], others: Sequence[SourcedRule],
                   skus: Sequence[SkuFacts]) -> list[Conflict]:
    """Every conflict of the candidate: below-cost stacks on ``skus`` (by trigger, then SKU),
    then same-target pairs."""
    priced, _stacks = below_cost_conflicts(candidate, others, skus)
    return priced + pair_conflicts(candidate, others)
