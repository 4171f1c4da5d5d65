"""IR → plan: conditions become closures, decision tables become index lookups.

Code is built only from the checked IR (closures over IR values); user text is never
passed to eval or exec. A plan is indexed by event type, so an event costs only the
rules it can fire.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dsl.builtins import builtin as dsl_builtin
from engine import ir
from engine.canonical import version_hash
from engine.errors import CompileError

Scope = Mapping[str, Any]
Fn = Callable[[Scope], Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


def _round(x: Any, places: Any = 0) -> Any:
    return None if x is None else Decimal(x).quantize(Decimal(1).scaleb(-int(places)))


def _abs(x: Any) -> Any:
    """``abs`` of a number; None for a missing value or text that is not a number."""
    return abs(x) if isinstance(x, Decimal | int | float) and not isinstance(x, bool) else None


#: The closed list of functions a rule may call.
BUILTINS: dict[str, Callable[..., Any]] = {
    "abs": lambda x: _abs(_decimal_or_text(x) if type(x) is str else x),
    "min": lambda *xs: min((x for x in xs if x is not None), default=None),
    "max": lambda *xs: max((x for x in xs if x is not None), default=None),
    "round": _round,
    "len": lambda x: 0 if x is None else len(x),
    "count": lambda x: 0 if x is None else len(x),
    "sum": lambda xs: sum((x for x in xs or () if x is not None), Decimal(0)),
    "season": lambda d: _season(d),
}
_SEASONS = ("winter", "winter", "spring", "spring", "spring", "summer", "summer", "summer",
            "autumn", "autumn", "autumn", "winter")


def _season(value: Any) -> str | None:
    """Meteorological season (northern hemisphere) of a date, datetime or ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, date | datetime):
        return _SEASONS[value.month - 1]
    return None


def builtin_for(name: str) -> Callable[..., Any] | None:
    """The implementation of a DSL built-in, by its English or Chinese name."""
    found = dsl_builtin(name)
    return BUILTINS.get(found.name if found else name)


def _number(value: Any) -> Any:
    """JSON floats and ints from payloads become Decimals, so money stays exact."""
    kind = type(value)
    if kind is str or kind is Decimal or kind is bool or value is None:
        return value
    if kind is float:
        return Decimal(repr(value))
    if kind is int:
        return Decimal(value)
    return value


def resolve(scope: Scope, path: tuple[str, ...]) -> Any:
    """Walk ``path`` through nested mappings; a missing step gives None."""
    value: Any = scope
    for step in path:
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(step)
        if value is None:
            return None
    return _number(value)


def literal_value(lit: ir.Lit) -> Any:
    """The runtime value of a literal (percent as a fraction, durations as ms)."""
    if lit.type == "percent" and lit.value is not None:
        return Decimal(str(lit.value)) / 100
    if lit.type in {"number", "money", "quantity"} and lit.value is not None:
        return Decimal(str(lit.value))
    return lit.value


_NOT_CONSTANT = object()


def constant(expr: ir.Expr) -> Any:
    """The value of a literal or a plain string, else ``_NOT_CONSTANT``."""
    if isinstance(expr, ir.Lit):
        return literal_value(expr)
    if isinstance(expr, ir.Template) and all(isinstance(p, str) for p in expr.parts):
        return "".join(expr.parts)  # type: ignore[arg-type]
    return _NOT_CONSTANT


def is_constant(expr: ir.Expr) -> bool:
    """True for a literal or a string without placeholders."""
    return constant(expr) is not _NOT_CONSTANT


def compile_expr(expr: ir.Expr, where: tuple[str, str] = ("?", "?")) -> Fn:
    """Turn an expression into a closure ``scope -> value``.

    Raises:
        CompileError: an unknown function or operator (the checker should have caught it).
    """
    if isinstance(expr, ir.Lit):
        value = literal_value(expr)
        return lambda _s: value
    if isinstance(expr, ir.Field):
        path = expr.path
        if len(path) == 1:
            key = path[0]
            return lambda s: _number(s.get(key))
        if len(path) == 2:  # entity.field, the usual case: resolve() unrolled
            outer, inner = path

            def field(s: Scope) -> Any:
                entity = s.get(outer)
                if entity is None or (type(entity) is not dict
                                      and not isinstance(entity, Mapping)):
                    return None
                return _number(entity.get(inner))

            return field
        return lambda s: resolve(s, path)
    if isinstance(expr, ir.ListExpr):
        items = [compile_expr(i, where) for i in expr.items]
        return lambda s: [f(s) for f in items]
    if isinstance(expr, ir.Template):
        parts: list[Fn] = [_const(p) if isinstance(p, str) else compile_expr(p, where)
                           for p in expr.parts]
        return lambda s: "".join(_text(f(s)) for f in parts)
    if isinstance(expr, ir.Unary):
        return _unary(expr, where)
    if isinstance(expr, ir.Binary):
        return _binary(expr, where)
    if isinstance(expr, ir.Call):
        fn = builtin_for(expr.fn)
        if fn is None:
            raise CompileError(rule=where[0], node=where[1], reason=f"unknown function {expr.fn}",
                               reason_zh=f"未知函数 {expr.fn}")
        args = [compile_expr(a, where) for a in expr.args]
        return lambda s: fn(*(a(s) for a in args))
    if isinstance(expr, ir.Absence | ir.CountWithin | ir.Sustained):
        raise CompileError(rule=where[0], node=expr.id,
                           reason="a time clause must be joined to the rest with 'and'",
                           reason_zh="时间条件只能用“且”与其他条件连接")
    raise CompileError(rule=where[0], node=where[1], reason=f"unknown node {expr!r}",
                       reason_zh="未知节点")


def _const(value: Any) -> Fn:
    return lambda _s: value


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Numbers that arrive as text (``"30.00"``, as JSON APIs often send money) meet
    Decimals as Decimals; anything else is left alone."""
    if type(a) is str and type(b) is Decimal:
        return _decimal_or_text(a), b
    if type(b) is str and type(a) is Decimal:
        return a, _decimal_or_text(b)
    return a, b


def _decimal_or_text(text: str) -> Any:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return value if value.is_finite() else text


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _unary(expr: ir.Unary, where: tuple[str, str]) -> Fn:
    inner = compile_expr(expr.operand, where)
    if expr.op == "not":
        return lambda s: not inner(s)
    if expr.op == "neg":
        return lambda s: None if (v := inner(s)) is None else -v
    if expr.op == "is_empty":
        return lambda s: (v := inner(s)) is None or v == "" or v == []
    return lambda s: not ((v := inner(s)) is None or v == "" or v == [])


def _binary(expr: ir.Binary, where: tuple[str, str]) -> Fn:
    left, right = compile_expr(expr.left, where), compile_expr(expr.right, where)
    op = expr.op
    if op == "and":
        return lambda s: bool(left(s)) and bool(right(s))
    if op == "or":
        return lambda s: bool(left(s)) or bool(right(s))
    if op in {"in", "not_in"}:
        if isinstance(expr.right, ir.ListExpr) and all(is_constant(i) for i in expr.right.items):
            members = frozenset(constant(i) for i in expr.right.items)
            if op == "in":
                return lambda s: left(s) in members
            return lambda s: left(s) not in members
        if op == "in":
            return lambda s: left(s) in (right(s) or ())
        return lambda s: left(s) not in (right(s) or ())
    if op in _COMPARE:
        cmp = _COMPARE[op]

        def compare(s: Scope) -> bool:
            a, b = _coerce(left(s), right(s))
            if a is None or b is None:  # a missing value satisfies no comparison
                return op == "!=" and (a is None) != (b is None)
            try:
                return cmp(a, b)
            except TypeError:  # data of the wrong kind satisfies no comparison either
                return op == "!="

        return compare
    if op in _ARITH:
        arith = _ARITH[op]

        def compute(s: Scope) -> Any:
            a, b = _coerce(left(s), right(s))
            # Two numbers as text ("12.80" - "12.00", as rule tests and JSON APIs send
            # quantities) are numbers too; the checker only lets numbers meet here.
            if type(a) is str and type(b) is str:
                a, b = _decimal_or_text(a), _decimal_or_text(b)
            if a is None or b is None or (op == "/" and b == 0):
                return None
            try:
                return arith(a, b)
            except TypeError:  # data of the wrong kind has no result (as in compare)
                return None

        return compute
    raise CompileError(rule=where[0], node=where[1], reason=f"unknown operator {op}",
                       reason_zh=f"未知运算符 {op}")


@dataclass(frozen=True, slots=True)
class CompiledAction:
    """An action node with closures for its arguments."""

    node: ir.Action
    args: tuple[tuple[str, Fn], ...]


@dataclass(frozen=True, slots=True)
class CompiledBranch:
    """A nested condition with its then/else steps compiled."""

    node: ir.Branch
    condition: Fn
    actions: tuple[CompiledStep, ...]
    else_actions: tuple[CompiledStep, ...]


CompiledStep = CompiledAction | CompiledBranch


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to run; its temporal conjunct (if any) is split from the condition."""

    rule: ir.Rule
    condition: Fn | None
    temporal: ir.Temporal | None
    #: The sustained condition, or the count threshold, compiled.
    temporal_fn: Fn | None
    actions: tuple[CompiledStep, ...]
    else_actions: tuple[CompiledStep, ...]
    table: Any  # CompiledTable | None (engine.tables), kept loose to avoid an import cycle


def _conjuncts(expr: ir.Expr) -> list[ir.Expr]:
    if isinstance(expr, ir.Binary) and expr.op == "and":
        return _conjuncts(expr.left) + _conjuncts(expr.right)
    return [expr]


def split_temporal(rule: ir.Rule) -> tuple[ir.Expr | None, ir.Temporal | None]:
    """The condition without its temporal conjunct, and that conjunct.

    Raises:
        CompileError: more than one temporal clause, or one under ``or``/``not``.
    """
    if rule.condition is None:
        return None, None
    parts = _conjuncts(rule.condition)
    temporal = [p for p in parts if isinstance(p, ir.Absence | ir.CountWithin | ir.Sustained)]
    if len(temporal) > 1:
        raise CompileError(rule=rule.id, node=f"{rule.id}/if",
                           reason="a rule may have one time clause",
                           reason_zh="一条规则只能有一个时间条件")
    rest = [p for p in parts if p not in temporal]
    condition: ir.Expr | None = None
    for part in rest:
        condition = part if condition is None else ir.Binary(op="and", left=condition,
                                                              right=part)
    return condition, (temporal[0] if temporal else None)


@dataclass(frozen=True, slots=True)
class Plan:
    """A compiled rule-set version, indexed by event type."""

    version: str
    by_event: Mapping[str, tuple[CompiledRule, ...]]
    #: event type → rules whose absence timer that event cancels
    awaited: Mapping[str, tuple[CompiledRule, ...]]
    #: event type → count-window rules that count it (when it is not their trigger)
    counted: Mapping[str, tuple[CompiledRule, ...]]
    by_id: Mapping[str, CompiledRule]
    #: event type → the dotted field paths its rules read (conditions, tables, action
    #: arguments, correlation keys): the fact loaders run only for these.
    reads: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)


def fields_read(node: Any) -> set[str]:
    """Every dotted field path an IR node refers to (fields and correlation keys)."""
    found: set[str] = set()
    _collect(node, found)
    return found


def _collect(node: Any, found: set[str]) -> None:
    if isinstance(node, ir.Field):
        found.add(".".join(node.path))
    elif isinstance(node, tuple):
        for part in node:
            _collect(part, found)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "key_path" and value:
                found.add(".".join(value))
            elif not isinstance(value, str | int | Decimal | bool) and value is not None:
                _collect(value, found)


def entity_key(scope: Scope, entity: str) -> str | None:
    """The identity of ``entity`` in ``scope``: its id, else its SKU, else its number."""
    for name in ("id", "sku", "no"):
        value = resolve(scope, (entity, name))
        if value is not None:
            return str(value)
    return None


def _entity_key(entity: str) -> Fn:
    """The identity of the entity a ``set`` writes: its id, else its SKU, else its number."""
    def key(s: Scope) -> Any:
        for name in ("id", "sku", "no"):
            value = resolve(s, (entity, name))
            if value is not None:
                return str(value)
        return None
    return key


def _set_args(rule: ir.Rule, a: ir.Action) -> tuple[tuple[str, Fn], ...]:
    """``set x.f to v``: the field's path (not its current value), the value, and whose."""
    target = a.arg("target")
    assert isinstance(target, ir.Field)
    value = a.arg("value")
    dotted = ".".join(target.path)
    entity = target.path[0]
    return (("target", lambda _s: dotted),
            ("value", compile_expr(value, (rule.id, a.id)) if value is not None
             else (lambda _s: None)),
            # A price belongs to the event's item: it is kept by SKU.
            ("entity_id", _entity_key("item" if entity == "price" else entity)),
            # Stock-level fields (safety stock, reorder point) belong to a SKU × warehouse.
            ("warehouse", lambda s: resolve(s, (entity, "warehouse"))))


def _args(rule: ir.Rule, a: ir.Action) -> tuple[tuple[str, Fn], ...]:
    if a.kind == "set":
        return _set_args(rule, a)
    args = tuple((n, compile_expr(e, (rule.id, a.id))) for n, e in a.args)
    kind = a.arg("kind")
    if a.kind in {"freeze", "unfreeze"} and a.arg("target") is None and \
            isinstance(kind, ir.Lit) and isinstance(kind.value, str):
        # ``freeze receipt`` without an id means the receipt of the event.
        args += (("target", _entity_key(kind.value)),)
    return args


def _actions(rule: ir.Rule, nodes: tuple[ir.Step, ...]) -> tuple[CompiledStep, ...]:
    return tuple(CompiledBranch(s, compile_expr(s.condition, (rule.id, s.id)),
                                _actions(rule, s.actions), _actions(rule, s.else_actions))
                 if isinstance(s, ir.Branch) else CompiledAction(s, _args(rule, s))
                 for s in nodes)


def compile_rule(rule: ir.Rule) -> CompiledRule:
    """Compile one rule.

    Raises:
        CompileError: an unknown node, or a misplaced time clause.
    """
    from engine.tables import compile_table

    condition, temporal = split_temporal(rule)
    temporal_fn = None
    if isinstance(temporal, ir.Sustained):
        temporal_fn = compile_expr(temporal.condition, (rule.id, temporal.id))
    elif isinstance(temporal, ir.CountWithin):
        temporal_fn = compile_expr(temporal.threshold, (rule.id, temporal.id))
    return CompiledRule(
        rule=rule,
        condition=compile_expr(condition, (rule.id, f"{rule.id}/if"))
        if condition is not None else None,
        temporal=temporal, temporal_fn=temporal_fn,
        actions=_actions(rule, rule.actions),
        else_actions=_actions(rule, rule.else_actions),
        table=compile_table(rule.id, rule.table) if rule.table else None,
    )


def compile_rule_set(rule_set: ir.RuleSet) -> Plan:
    """Compile every rule and index the plan by trigger, awaited and counted event type.

    Raises:
        CompileError: a node the engine does not know, or a duplicate rule id.
    """
    version = version_hash(rule_set)
    by_event: dict[str, list[CompiledRule]] = {}
    awaited: dict[str, list[CompiledRule]] = {}
    counted: dict[str, list[CompiledRule]] = {}
    by_id: dict[str, CompiledRule] = {}
    reads: dict[str, set[str]] = {}
    for rule in rule_set.rules:
        if rule.id in by_id:
            raise CompileError(rule=rule.id, node=rule.id, reason="duplicate rule id",
                               reason_zh="规则名重复")
        compiled = compile_rule(rule)
        by_id[rule.id] = compiled
        by_event.setdefault(rule.trigger, []).append(compiled)
        reads.setdefault(rule.trigger, set()).update(fields_read(rule))
        temporal = compiled.temporal
        if isinstance(temporal, ir.Absence):
            awaited.setdefault(temporal.event_type, []).append(compiled)
        if isinstance(temporal, ir.CountWithin) and temporal.event_type != rule.trigger:
            counted.setdefault(temporal.event_type, []).append(compiled)
        if isinstance(temporal, ir.Absence | ir.CountWithin) and temporal.key_path:
            reads.setdefault(temporal.event_type, set()).add(".".join(temporal.key_path))
    return Plan(version=version, by_event=_frozen(by_event), awaited=_frozen(awaited),
                counted=_frozen(counted), by_id=by_id,
                reads={k: frozenset(v) for k, v in reads.items()})


def _frozen(index: dict[str, list[CompiledRule]]) -> dict[str, tuple[CompiledRule, ...]]:
    return {k: tuple(v) for k, v in index.items()}
