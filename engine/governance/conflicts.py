"""Rule conflicts found before promotion: two rules that can fire on the same event and
write the same target, with an example event that fires both.

For a price target the example also shows the stacked price: the first rule's price, then
the second rule applied on top. The cost in the example is set to the lower of the two
single-rule prices (each rule alone stays at or above it), so "stacked < cost" means the
pair together sells below cost although neither does alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine import ir
from engine.compiler import compile_expr
from engine.governance.satisfiable import Path, jointly

_COST = ("item", "cost_price")


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """Two rules, one target, one event that fires both."""

    key: str
    rule_a: str
    rule_b: str
    trigger: str
    target: str
    #: The event payload (entities by name) that satisfies both conditions.
    example: dict[str, Any]
    #: "definite" when every condition part was checked; "possible" when some part
    #: (field against field, functions) could not be and was assumed true.
    certainty: str
    #: What each rule writes on the example, and the stacked value (a then b).
    values: dict[str, str]
    is_below_cost: bool | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"key": self.key, "rule_a": self.rule_a, "rule_b": self.rule_b,
                "trigger": self.trigger, "target": self.target,
                "example": _jsonable(self.example), "certainty": self.certainty,
                "values": self.values, "is_below_cost": self.is_below_cost}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return str(value) if isinstance(value, Decimal) else value


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
            label = kind.parts[0] if isinstance(kind, ir.Template) and kind.parts else "?"
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


def _reads(expr: ir.Expr) -> list[Path]:
    if isinstance(expr, ir.Field):
        return [expr.path]
    children: tuple[Any, ...] = ()
    if isinstance(expr, ir.Binary):
        children = (expr.left, expr.right)
    elif isinstance(expr, ir.Unary):
        children = (expr.operand,)
    elif isinstance(expr, ir.Call | ir.ListExpr):
        children = expr.args if isinstance(expr, ir.Call) else expr.items
    elif isinstance(expr, ir.Template):
        children = tuple(p for p in expr.parts if not isinstance(p, str))
    return [p for c in children for p in _reads(c)]


def _value(action: ir.Action | None, scope: dict[str, Any]) -> Any:
    value = action.arg("value") if action is not None else None
    if value is None:
        return None
    try:
        return compile_expr(value)(scope)
    except (ArithmeticError, TypeError, ValueError):
        return None


def _priced(a: ir.Action | None, b: ir.Action | None, target: str,
            values: dict[Path, Any]) -> tuple[dict[str, str], bool | None]:
    """Single and stacked values of two ``set`` actions on one example."""
    for action in (a, b):
        for path in _reads(action.arg("value") or ir.ListExpr(items=())) if action else ():
            values.setdefault(path, Decimal(100))  # unconstrained amounts read: 100
    example = _nest(values)
    first, second = _value(a, example), _value(b, example)
    if first is None or second is None:
        return {}, None
    target_path = tuple(target.removeprefix("field:").split("."))
    stacked_scope = _nest({**values, target_path: first})
    stacked = _value(b, stacked_scope)
    shown = {"a": str(first), "b": str(second), "stacked": str(stacked)}
    if not target_path[-1].endswith("price") or not isinstance(stacked, Decimal):
        return shown, None
    cost = values.get(_COST)
    if cost is None:
        cost = min(first, second)
        values[_COST] = cost
    shown["cost"] = str(cost)
    return shown, stacked < cost


def find_conflicts(rule_set: ir.RuleSet) -> list[Conflict]:
    """Every pair of rules with the same trigger, a common target and conditions that can
    hold together, in rule order."""
    found: list[Conflict] = []
    rules = [r for r in rule_set.rules if r.kind != "guard"]
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if a.trigger != b.trigger:
                continue
            targets_a, targets_b = writes(a), writes(b)
            for target in sorted(targets_a.keys() & targets_b.keys()):
                both = jointly(a.condition, b.condition)
                if both is None:
                    continue
                values, exact = both
                exact = exact and a.table is None and b.table is None
                shown, below = _priced(targets_a[target], targets_b[target], target, values)
                found.append(Conflict(
                    key=f"{a.id}|{b.id}|{target}", rule_a=a.id, rule_b=b.id,
                    trigger=a.trigger, target=target, example=_nest(values),
                    certainty="definite" if exact else "possible", values=shown,
                    is_below_cost=below))
    return found
