"""The syntax tree of a rule file: frozen dataclasses, each with the span it came from.

Spans are left out of equality (``field(compare=False)``), so a file and its formatted
twin compare equal. Numbers are ``Decimal``; durations are whole milliseconds. Names are
kept as written (an alias such as ``订单.定金`` stays an alias); :func:`dsl.checker.resolve`
returns a copy whose paths and event types use the canonical names. Actions live in
:mod:`dsl.ast_actions`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]
HitPolicy = Literal["first", "collect"]
KeywordLang = Literal["en", "zh"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node sits in the source: 1-based line and column, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 0, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """Base of every syntax node."""

    #: Source position; not part of equality.
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


# ---- literals ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Number(Node):
    """A plain number such as ``3`` or ``12.5``."""

    value: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration(Node):
    """A length of time such as ``100ms``, ``15m``, ``2h`` or ``3d``."""

    milliseconds: int
    #: The unit it was written in (``h`` for ``48h`` and ``48小时``), so the formatter
    #: keeps "48h" rather than "2d"; not part of equality.
    unit: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Percent(Node):
    """A percentage such as ``2%`` (``value`` is 2, not 0.02)."""

    value: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Money(Node):
    """An amount of money such as ``¥12.50`` or ``12.50 USD``."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity(Node):
    """A quantity with its unit such as ``3 箱``, ``12.5 kg`` or ``-15 °C``."""

    amount: Decimal
    unit: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Date(Node):
    """A calendar date such as ``2025-11-23``."""

    value: _dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class Bool(Node):
    """``true``/``真`` or ``false``/``假``."""

    value: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TextPart(Node):
    """Literal text inside a string."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Placeholder(Node):
    """A ``{field.path}`` inside a string, filled in when the rule runs."""

    path: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Template(Node):
    """A string; text parts and ``{field}`` placeholders in order."""

    parts: tuple[TextPart | Placeholder, ...]

    @property
    def is_plain(self) -> bool:
        """True when the string has no placeholder."""
        return all(isinstance(p, TextPart) for p in self.parts)

    @property
    def text(self) -> str:
        """The string with placeholders written back as ``{path}``."""
        return "".join(p.text if isinstance(p, TextPart) else "{" + p.path.dotted + "}"
                       for p in self.parts)


# ---- names and operators --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Path(Node):
    """A field of the schema such as ``order.deposit_amount`` (or an alias ``订单.定金``)."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        """The path joined with dots."""
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRef(Node):
    """The name of an event type such as ``sales_order.confirmed``."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Node):
    """A call of a built-in function such as ``abs(x)``; no other calls exist."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Negate(Node):
    """``-x``."""

    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary(Node):
    """Arithmetic: ``left op right``."""

    op: ArithOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare(Node):
    """A comparison: ``left op right``."""

    op: CompareOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class And(Node):
    """``left and right`` / ``left 且 right``."""

    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Or(Node):
    """``left or right`` / ``left 或 right``."""

    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Not(Node):
    """``not x`` / ``非 x``."""

    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class IsEmpty(Node):
    """``x is empty`` (``negated``: ``x is not empty``)."""

    operand: Expr
    negated: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class InList(Node):
    """``x in [a, b]`` (``negated``: ``x not in [...]``)."""

    operand: Expr
    items: tuple[Expr, ...]
    negated: bool = False


# ---- temporal clauses ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Absent(Node):
    """``no <event> [with same <key>] within <window>``: nothing happened in time."""

    event: EventRef
    key: Path | None
    window: Duration


@dataclass(frozen=True, slots=True, kw_only=True)
class Sustained(Node):
    """``<condition> [with same <key>] for <duration>``: held the whole time."""

    condition: Expr
    key: Path | None
    duration: Duration


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowCount(Node):
    """``count(<event>) <op> <threshold> [with same <key>] within <window>``."""

    event: EventRef
    op: CompareOp
    threshold: Expr
    key: Path | None
    window: Duration


Literal_: TypeAlias = Number | Duration | Percent | Money | Quantity | Date | Bool | Template
Expr: TypeAlias = (
    Literal_ | Path | Call | Negate | Binary | Compare | And | Or | Not | IsEmpty | InList
    | Absent | Sustained | WindowCount
)


# ---- decision tables ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AnyCell(Node):
    """A table cell that matches anything (``any``/``任意``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareCell(Node):
    """A table cell such as ``>= 100`` or a bare value (``op`` is ``=``)."""

    op: CompareOp
    value: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class InCell(Node):
    """A table cell ``in [a, b]`` (``negated``: ``not in``)."""

    items: tuple[Expr, ...]
    negated: bool = False


Cell: TypeAlias = AnyCell | CompareCell | InCell


@dataclass(frozen=True, slots=True, kw_only=True)
class Row(Node):
    """One row of a decision table: a cell per input, a value per output."""

    cells: tuple[Cell, ...]
    results: tuple[Expr, ...]


# Actions and file items live in their own module; importing them here lets users write
# ``from dsl.ast import Rule``. The import sits at the end because ast_rules imports the
# expression nodes above.
from dsl.ast_rules import (  # noqa: E402
    Action,
    Alert,
    Assignment,
    Block,
    Branch,
    CallWebhook,
    Comment,
    CreateDocument,
    EmitEvent,
    Freeze,
    FreezeKind,
    Guard,
    Item,
    Notify,
    PublishMqtt,
    Recipient,
    RecipientKind,
    Release,
    Reserve,
    Rule,
    RuleFile,
    SetField,
    Step,
    Table,
    Unfreeze,
    walk_actions,
    walk_branches,
)

__all__ = [
    "Absent", "Action", "Alert", "And", "AnyCell", "ArithOp", "Assignment", "Binary", "Block",
    "Bool", "Branch", "Call", "CallWebhook", "Cell", "Comment", "Compare", "CompareCell",
    "CompareOp", "CreateDocument", "Date", "Duration", "EmitEvent", "EventRef", "Expr",
    "Freeze", "FreezeKind", "Guard", "HitPolicy", "InCell", "InList", "IsEmpty", "Item",
    "KeywordLang", "Literal_", "Money", "NO_SPAN", "Negate", "Node", "Not", "Notify", "Number",
    "Or", "Path", "Percent", "Placeholder", "PublishMqtt", "Quantity", "Recipient",
    "RecipientKind", "Release", "Reserve", "Row", "Rule", "RuleFile", "SetField", "Span", "Step",
    "Sustained", "Table", "Template", "TextPart", "Unfreeze", "WindowCount", "walk_actions",
    "walk_branches",
]
