"""Conditions that can never hold: a field compared with constants that exclude each other.

A rule whose condition is ``order.total_amount > ¥100 and order.total_amount < ¥50``, or a
nested ``if order.total_amount > ¥1000`` on the else side of ``if order.total_amount > ¥100``,
never runs that branch. Only plain facts are used (a field compared with a literal, a
true/false field, ``and``, ``or`` under ``not``); anything else adds no fact, so a condition
is reported only when it is certainly impossible.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from dsl.ast import (
    And,
    Bool,
    Compare,
    Date,
    Expr,
    Money,
    Not,
    Number,
    Or,
    Path,
    Percent,
    Quantity,
    Template,
)
from dsl.format_expr import expr_text

_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


class Fact(NamedTuple):
    """``path op value``, with the node it came from (``holds``: the node is true)."""

    path: str
    kind: tuple[str, ...]
    op: str
    value: Any
    node: Expr
    holds: bool = True

    @property
    def text(self) -> str:
        """The fact as rule text (printed only when a conflict is reported)."""
        return expr_text(self.node) if self.holds else f"not {expr_text(self.node)}"


_KINDS: dict[type, Any] = {
    Number: lambda e: (("number",), e.value),
    Money: lambda e: (("money", e.currency), e.amount),
    Quantity: lambda e: (("quantity", e.unit), e.amount),
    Percent: lambda e: (("percent",), e.value),
    Date: lambda e: (("date",), e.value),
    Bool: lambda e: (("bool",), e.value),
    Template: lambda e: (("text",), e.text) if e.is_plain else None,
}


def facts(e: Expr, holds: bool = True) -> list[Fact]:
    """What ``e`` being true (``holds``) or false says about fields compared with constants."""
    t = type(e)
    if t is Compare:
        assert isinstance(e, Compare)
        left, right, op = e.left, e.right, str(e.op)
        if type(left) is not Path:
            left, right, op = right, left, _FLIP[op]
        value_of = _KINDS.get(type(right))
        found = value_of(right) if value_of is not None else None
        if not isinstance(left, Path) or found is None:
            return []
        kind, value = found
        if kind[0] in ("text", "bool") and op not in ("=", "!="):
            return []
        return [Fact(left.dotted, kind, op if holds else _NEGATE[op], value, e, holds)]
    if t is And or t is Or:
        assert isinstance(e, And | Or)
        if (t is And) == holds:
            return facts(e.left, holds) + facts(e.right, holds)
        return []
    if t is Not:
        assert isinstance(e, Not)
        return facts(e.operand, not holds)
    if isinstance(e, Path):
        return [Fact(e.dotted, ("bool",), "=", holds, e)]
    return []


def conflict(found: list[Fact]) -> tuple[Fact, Fact] | None:
    """Two facts that cannot both hold, if any."""
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if a.path == b.path and a.kind == b.kind and not _both(a, b):
                return a, b
    return None


def _both(a: Fact, b: Fact) -> bool:
    """True when some value satisfies both facts."""
    if a.op == "=" and b.op == "=":
        return bool(a.value == b.value)
    if "=" in (a.op, b.op):
        eq, other = (a, b) if a.op == "=" else (b, a)
        return _holds(eq.value, other.op, other.value)
    if "!=" in (a.op, b.op):
        return True  # one excluded value never empties a range (or another exclusion)
    lo, hi = (a, b) if a.op in (">", ">=") else (b, a)
    if lo.op in (">", ">=") and hi.op in ("<", "<="):
        if lo.value < hi.value:
            return True
        return bool(lo.value == hi.value and lo.op == ">=" and hi.op == "<=")
    return True  # two lower (or two upper) bounds always meet


def _holds(value: Any, op: str, bound: Any) -> bool:
    if op == "!=":
        return bool(value != bound)
    if isinstance(value, Decimal | int) or hasattr(value, "year"):
        return bool({"<": value < bound, "<=": value <= bound, ">": value > bound,
                     ">=": value >= bound}[op])
    return True


__all__ = ["Fact", "conflict", "facts"]
