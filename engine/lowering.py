"""DSL syntax tree ⇄ IR. Lowering names every node; raising gives the same tree back.

``raise_rule_file(lower_rule_file(f)) == f`` for every checked file (spans, comments and
keyword language aside), which is what makes text ⇄ IR ⇄ canvas round-trip.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dsl import ast as a
from engine import ir

_CMP_TO_IR = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_CMP_FROM_IR = {v: k for k, v in _CMP_TO_IR.items()}
_Q = ir.Field(path=("?",))


class LoweringError(ValueError):
    """A syntax node the IR has no place for (a bug: the checker should refuse it first)."""


def _text(value: str) -> ir.Lit:
    return ir.Lit(type="text", value=value)


# ---- expressions --------------------------------------------------------------------------


def lower_expr(e: a.Expr, node_id: str) -> ir.Expr:  # noqa: C901 - one branch per node type
    """Lower one expression; ``node_id`` names a temporal clause if there is one."""
    if isinstance(e, a.Number):
        return ir.Lit(type="number", value=e.value)
    if isinstance(e, a.Duration):
        return ir.Lit(type="duration", value=e.milliseconds)
    if isinstance(e, a.Percent):
        return ir.Lit(type="percent", value=e.value)
    if isinstance(e, a.Money):
        return ir.Lit(type="money", value=e.amount, unit=e.currency)
    if isinstance(e, a.Quantity):
        return ir.Lit(type="quantity", value=e.amount, unit=e.unit)
    if isinstance(e, a.Date):
        return ir.Lit(type="date", value=e.value.isoformat())
    if isinstance(e, a.Bool):
        return ir.Lit(type="bool", value=e.value)
    if isinstance(e, a.Template):
        return lower_template(e)
    if isinstance(e, a.Path):
        return ir.Field(path=e.parts)
    if isinstance(e, a.Call):
        return ir.Call(fn=e.name, args=tuple(lower_expr(x, node_id) for x in e.args))
    if isinstance(e, a.Negate):
        return ir.Unary(op="neg", operand=lower_expr(e.operand, node_id))
    if isinstance(e, a.Not):
        return ir.Unary(op="not", operand=lower_expr(e.operand, node_id))
    if isinstance(e, a.IsEmpty):
        return ir.Unary(op="is_not_empty" if e.negated else "is_empty",
                        operand=lower_expr(e.operand, node_id))
    if isinstance(e, a.Binary):
        return ir.Binary(op=e.op, left=lower_expr(e.left, node_id),
                         right=lower_expr(e.right, node_id))
    if isinstance(e, a.Compare):
        return ir.Binary(op=_CMP_TO_IR[e.op], left=lower_expr(e.left, node_id),  # type: ignore[arg-type]
                         right=lower_expr(e.right, node_id))
    if isinstance(e, a.And | a.Or):
        return ir.Binary(op="and" if isinstance(e, a.And) else "or",
                         left=lower_expr(e.left, node_id), right=lower_expr(e.right, node_id))
    if isinstance(e, a.InList):
        return ir.Binary(op="not_in" if e.negated else "in", left=lower_expr(e.operand, node_id),
                         right=ir.ListExpr(items=tuple(lower_expr(x, node_id) for x in e.items)))
    if isinstance(e, a.Absent):
        return ir.Absence(id=node_id, event_type=e.event.name,
                          key_path=e.key.parts if e.key else None,
                          within_ms=e.window.milliseconds)
    if isinstance(e, a.Sustained):
        return ir.Sustained(id=node_id, condition=lower_expr(e.condition, node_id),
                            key_path=e.key.parts if e.key else None,
                            for_ms=e.duration.milliseconds)
    if isinstance(e, a.WindowCount):
        return ir.CountWithin(id=node_id, event_type=e.event.name,
                              op=_CMP_TO_IR[e.op],  # type: ignore[arg-type]
                              threshold=lower_expr(e.threshold, node_id),
                              key_path=e.key.parts if e.key else None,
                              within_ms=e.window.milliseconds)
    raise LoweringError(f"no IR for {type(e).__name__}")


def lower_template(t: a.Template) -> ir.Template:
    """A string: text parts stay text, placeholders become fields."""
    return ir.Template(parts=tuple(p.text if isinstance(p, a.TextPart) else ir.Field(
        path=p.path.parts) for p in t.parts))


def raise_expr(e: ir.Expr) -> a.Expr:  # noqa: C901 - one branch per node type
    """The syntax node an IR expression came from."""
    if isinstance(e, ir.Lit):
        return _raise_lit(e)
    if isinstance(e, ir.Template):
        return raise_template(e)
    if isinstance(e, ir.Field):
        return a.Path(parts=e.path)
    if isinstance(e, ir.Call):
        return a.Call(name=e.fn, args=tuple(raise_expr(x) for x in e.args))
    if isinstance(e, ir.Unary):
        inner = raise_expr(e.operand)
        if e.op == "neg":
            return a.Negate(operand=inner)
        if e.op == "not":
            return a.Not(operand=inner)
        return a.IsEmpty(operand=inner, negated=e.op == "is_not_empty")
    if isinstance(e, ir.Binary):
        left, right = raise_expr(e.left), e.right
        if e.op in {"and", "or"}:
            cls = a.And if e.op == "and" else a.Or
            return cls(left=left, right=raise_expr(right))
        if e.op in {"in", "not_in"}:
            assert isinstance(right, ir.ListExpr)
            return a.InList(operand=left, items=tuple(raise_expr(x) for x in right.items),
                            negated=e.op == "not_in")
        if e.op in _CMP_FROM_IR:
            return a.Compare(op=_CMP_FROM_IR[e.op], left=left,  # type: ignore[arg-type]
                             right=raise_expr(right))
        return a.Binary(op=e.op, left=left, right=raise_expr(right))  # type: ignore[arg-type]
    if isinstance(e, ir.Absence):
        return a.Absent(event=a.EventRef(name=e.event_type), key=_path(e.key_path),
                        window=a.Duration(milliseconds=e.within_ms))
    if isinstance(e, ir.Sustained):
        return a.Sustained(condition=raise_expr(e.condition), key=_path(e.key_path),
                           duration=a.Duration(milliseconds=e.for_ms))
    if isinstance(e, ir.CountWithin):
        return a.WindowCount(event=a.EventRef(name=e.event_type),
                             op=_CMP_FROM_IR[e.op],  # type: ignore[arg-type]
                             threshold=raise_expr(e.threshold), key=_path(e.key_path),
                             window=a.Duration(milliseconds=e.within_ms))
    raise LoweringError(f"no syntax for {type(e).__name__}")


def _path(parts: tuple[str, ...] | None) -> a.Path | None:
    return a.Path(parts=parts) if parts is not None else None


def _raise_lit(e: ir.Lit) -> a.Expr:
    value = e.value
    if e.type == "number":
        return a.Number(value=Decimal(str(value)))
    if e.type == "duration":
        return a.Duration(milliseconds=int(value))  # type: ignore[arg-type]
    if e.type == "percent":
        return a.Percent(value=Decimal(str(value)))
    if e.type == "money":
        return a.Money(amount=Decimal(str(value)), currency=e.unit or "CNY")
    if e.type == "quantity":
        return a.Quantity(amount=Decimal(str(value)), unit=e.unit or "")
    if e.type == "date":
        return a.Date(value=dt.date.fromisoformat(str(value)))
    if e.type == "bool":
        return a.Bool(value=bool(value))
    if e.type == "text":
        return a.Template(parts=(a.TextPart(text=str(value)),))
    raise LoweringError(f"no syntax for a {e.type} literal")


def raise_template(t: ir.Template) -> a.Template:
    """The string an IR template came from."""
    parts: list[a.TextPart | a.Placeholder] = []
    for part in t.parts:
        if isinstance(part, str):
            parts.append(a.TextPart(text=part))
        elif isinstance(part, ir.Field):
            parts.append(a.Placeholder(path=a.Path(parts=part.path)))
        else:
            raise LoweringError(f"a string may only hold fields, not {type(part).__name__}")
    return a.Template(parts=tuple(parts))
