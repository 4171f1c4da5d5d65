"""Spans of nodes built by the inline parse callbacks (Lark passes no ``meta`` to them).

A node's span runs from its first positioned child to its last; children are tokens,
nodes, clause wrappers or tuples of nodes.
"""

from __future__ import annotations

from typing import Any, Literal

from lark import Token

from dsl.ast import Node, Span


class Wrap:
    """A clause on its way into its item (condition, actions, title …)."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any) -> None:
        self.kind = kind
        self.value = value


def _pos(child: Any, end: bool) -> tuple[int, int] | None:
    if isinstance(child, Token):
        if child.line is None:
            return None
        return (child.end_line or 0, child.end_column or 0) if end else \
            (child.line, child.column or 0)
    if isinstance(child, Node) and child.span.line:
        s = child.span
        return (s.end_line, s.end_column) if end else (s.line, s.column)
    if isinstance(child, Wrap):
        return _pos(child.value, end)
    if isinstance(child, tuple) and child:
        return _pos(child[-1] if end else child[0], end)
    return None


def span_of(children: list[Any]) -> Span:
    """The span from the first to the last positioned child."""
    # Fast path: the first and last children are tokens or nodes (the common case; this
    # runs once per node, so it matters for the editor's re-check on every pause).
    if not children:
        return Span(0, 0, 0, 0)
    first, last = children[0], children[-1]
    a = first.span if isinstance(first, Node) else None
    b = last.span if isinstance(last, Node) else None
    if a is not None and a.line and b is not None and b.line:
        return Span(a.line, a.column, b.end_line, b.end_column)
    if type(first) is Token and type(last) is Token and first.line is not None:
        return Span(first.line, first.column or 0, last.end_line or 0, last.end_column or 0)
    start = next((p for c in children if (p := _pos(c, False))), (0, 0))
    end = next((p for c in reversed(children) if (p := _pos(c, True))), start)
    return Span(start[0], start[1], end[0], end[1])


def plain(children: list[Any]) -> list[Any]:
    """The children without keyword tokens."""
    return [c for c in children if type(c) is not Token or c.type[:3] != "KW_"]


def lang_of(children: list[Any]) -> Literal["en", "zh"]:
    """The keyword language of an item, from its first keyword."""
    first = children[0]
    return "en" if isinstance(first, Token) and first.type.endswith("_EN") else "zh"
