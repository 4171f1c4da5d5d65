"""The price one SKU ends at after every rule that can fire on one event (pure).

For one trigger (``price.change_requested``…) and one SKU with its list and cost price, the
rules that write ``price.*`` fields are applied in the order production runs them (rule sets
by name, rules in their order) on a scope made from the item's own facts: ``item.*`` from
the item, ``price.list_price`` its list price, and ``price.promotion_price`` /
``price.final_price`` starting at the list price. Each rule's condition is decided on those
facts where it can be (category, SKU, list price, the price so far); what the facts cannot
decide (a customer's level, a rebate rate) is assumed to hold, with values found for it
(the smallest rebate rate the condition allows). Values once assumed stay fixed, so the
stack is one example event: a later rule whose condition those values make false does not
fire (its ``else`` does). Each write updates the scope, so the next rule sees the price so
far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine import ir
from engine.governance.satisfiable import Path, compiled, decide, jointly_all, reads

#: Price fields that start at the SKU's list price before any rule runs.
SEEDED = ("list_price", "promotion_price", "final_price")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRef:
    """A rule of one version: its rule set, id, title and version."""

    rule_set: str
    rule_id: str
    title: str | None
    version_id: int | None
    version_hash: str
    is_candidate: bool

    @property
    def label(self) -> str:
        """The candidate's rules by id; other rule sets' as ``rule_set:rule_id``."""
        return self.rule_id if self.is_candidate else f"{self.rule_set}:{self.rule_id}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"rule_set": self.rule_set, "rule_id": self.rule_id, "title": self.title,
                "version_id": self.version_id, "version_hash": self.version_hash,
                "is_candidate": self.is_candidate}


@dataclass(frozen=True, slots=True)
class SourcedRule:
    """A rule and where it comes from."""

    ref: RuleRef
    rule: ir.Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class SkuFacts:
    """What the tenant's data says about one item."""

    sku: str
    name: str = ""
    category: str = ""
    list_price: Decimal | None = None
    cost_price: Decimal | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def item(self) -> dict[str, Any]:
        """The ``item`` entity a rule reads."""
        return {**self.attributes, "sku": self.sku, "name": self.name,
                "category": self.category, "list_price": self.list_price,
                "cost_price": self.cost_price}


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One rule's write: the field, the value before and after, and how it changed."""

    ref: RuleRef
    target: str
    before: Decimal | None
    after: Decimal
    #: "percent" (× a factor), "amount" (minus an amount) or "set" (a new value).
    change: str
    change_value: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {**self.ref.as_dict(), "target": self.target,
                "before": _money_text(self.before), "after": _money_text(self.after),
                "change": self.change,
                "change_value": None if self.change_value is None else str(self.change_value)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Stack:
    """Every price write of one trigger on one SKU, in order, and where the price ends."""

    trigger: str
    sku: SkuFacts
    steps: tuple[Step, ...]
    result_field: str | None
    result: Decimal | None
    #: Values assumed for fields the item's facts do not give (``price.rebate_rate``).
    assumed: dict[str, Any]
    #: False when some condition part could not be analysed and was assumed true.
    is_exact: bool
    #: Rules that could fire but whose written value could not be computed, with why.
    not_computed: tuple[tuple[RuleRef, str], ...]

    @property
    def is_below_cost(self) -> bool:
        """True when the final price is below the item's cost."""
        cost = self.sku.cost_price
        return self.result is not None and cost is not None and self.result < cost

    @property
    def has_candidate(self) -> bool:
        """True when a rule of the candidate version wrote part of the stack."""
        return any(step.ref.is_candidate for step in self.steps)


def is_price_write(target: Path) -> bool:
    """A ``price.*`` field (prices and rates both feed the next rule)."""
    return len(target) == 2 and target[0] == "price"


def _price_sets(actions: tuple[ir.Step, ...]) -> list[ir.Action]:
    """The top-level ``set price.*`` actions of a branch (nested ifs are not stacked)."""
    return [a for a in actions if isinstance(a, ir.Action) and a.kind == "set"
            and isinstance(t := a.arg("target"), ir.Field) and is_price_write(t.path)]


def _nested_price_sets(actions: tuple[ir.Step, ...]) -> bool:
    """True when a nested ``if`` inside ``actions`` writes a price (not computed here)."""
    nested = [s for s in actions if isinstance(s, ir.Branch)]
    return bool(_price_sets(tuple(ir.flat_actions(tuple(nested)))))


def writes_price(rule: ir.Rule) -> bool:
    """True when the rule (either branch, or its decision table) writes a ``price.*`` field."""
    if rule.kind == "guard":
        return False
    if rule.table is not None and any(is_price_write(tuple(o.split(".")))
                                      for o in rule.table.outputs):
        return True
    return bool(_price_sets(tuple(ir.all_actions(rule))))


def _money_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(_CENT))


def _set(scope: dict[str, Any], path: Path, value: Any) -> None:
    scope[path[0]] = {**scope.get(path[0], {}), path[1]: value}


def _with(scope: Mapping[str, Any], values: Mapping[Path, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in scope.items()}
    for path, value in values.items():
        if len(path) == 2:
            _set(out, path, value)
    return out


def _evaluate(expr: ir.Expr, scope: Mapping[str, Any]) -> Any:
    try:
        return compiled(expr)(scope)
    except (ArithmeticError, TypeError, ValueError):
        return None


def _change(expr: ir.Expr, scope: Mapping[str, Any], after: Decimal
            ) -> tuple[str, Decimal | None]:
    """How a value came about: a percentage off (``× 80 %``), an amount off (``- ¥5``)."""
    if isinstance(expr, ir.Binary) and expr.op == "*":
        for base, factor in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(base, ir.Field) and not isinstance(factor, ir.Field):
                value = _evaluate(factor, scope)
                if isinstance(value, Decimal):
                    return "percent", ((1 - value) * 100).normalize()
    if isinstance(expr, ir.Binary) and expr.op == "-" and isinstance(expr.left, ir.Field):
        value = _evaluate(expr.right, scope)
        if isinstance(value, Decimal):
            return "amount", value
    return "set", after


class _Run:
    """The mutable state of one stack (never escapes :func:`stack`)."""

    def __init__(self, sku: SkuFacts) -> None:
        price = {name: sku.list_price for name in SEEDED}
        self.scope: dict[str, Any] = {"item": sku.item(), "price": price}
        self.known: set[Path] = {("item", k) for k in self.scope["item"]}
        self.known |= {("price", name) for name in SEEDED}
        self.assumed: dict[Path, Any] = {}
        self.is_exact = True
        self.steps: list[Step] = []
        self.not_computed: list[tuple[RuleRef, str]] = []

    def is_known(self, path: Path) -> bool:
        return path in self.known

    def branch(self, rule: ir.Rule) -> tuple[ir.Step, ...] | None:
        """The actions that run for this SKU on the example event built so far (values
        assumed for earlier rules stay fixed), or None when the rule cannot fire."""
        scope = _with(self.scope, self.assumed)
        residual = decide(rule.condition, scope,
                          lambda p: p in self.known or p in self.assumed)
        if residual is False:
            return rule.else_actions
        if residual is True:
            return rule.actions
        found = jointly_all([residual])
        if found is None:
            return None
        values, exact = found
        self.assumed.update({p: v for p, v in values.items()
                             if p not in self.known and p not in self.assumed})
        self.is_exact = self.is_exact and exact
        return rule.actions

    def apply(self, ref: RuleRef, actions: tuple[ir.Step, ...]) -> None:
        scope = _with(self.scope, self.assumed)
        if _nested_price_sets(actions):
            self.not_computed.append((ref, "price set inside a nested if"))
        for action in _price_sets(actions):
            target, value = action.arg("target"), action.arg("value")
            assert isinstance(target, ir.Field)
            missing = [".".join(p) for p in reads(value) if not self.is_known(p)
                       and p not in self.assumed] if value is not None else []
            after = _evaluate(value, scope) if value is not None else None
            if not isinstance(after, Decimal):
                why = ("reads " + ", ".join(missing)) if missing else "no value"
                self.not_computed.append((ref, why))
                continue
            assert value is not None
            change, amount = _change(value, scope, after)
            before = self.scope["price"].get(target.path[1])
            self.steps.append(Step(ref=ref, target=".".join(target.path), before=before,
                                   after=after, change=change, change_value=amount))
            _set(self.scope, target.path, after)
            _set(scope, target.path, after)
            self.known.add(target.path)
            self.assumed.pop(target.path, None)  # what a rule wrote is no longer assumed


def stack(trigger: str, rules: Sequence[SourcedRule], sku: SkuFacts) -> Stack:
    """Apply, in order, every rule on ``trigger`` that writes a price and can fire for
    ``sku``; the result is the final price (``price.final_price`` when a rule wrote it,
    else the last price written)."""
    run = _Run(sku)
    for sourced in rules:
        rule = sourced.rule
        if rule.trigger != trigger or not writes_price(rule):
            continue
        actions = run.branch(rule)
        if actions is None:
            continue
        if rule.table is not None and actions is rule.actions:
            run.not_computed.append((sourced.ref, "decision table"))
            continue
        run.apply(sourced.ref, actions)
    written = [s.target for s in run.steps if s.target.endswith("_price")]
    result_field = "price.final_price" if "price.final_price" in written else \
        (written[-1] if written else None)
    result = run.scope["price"].get(result_field.split(".")[1]) if result_field else None
    return Stack(trigger=trigger, sku=sku, steps=tuple(run.steps), result_field=result_field,
                 result=result, assumed={".".join(p): v for p, v in run.assumed.items()},
                 is_exact=run.is_exact, not_computed=tuple(run.not_computed))
