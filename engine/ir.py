"""The rule graph (IR): what the DSL text and the canvas both are views of.

A rule set is a tuple of rules; a rule is a trigger, an optional condition, an optional
temporal pattern or decision table, and ordered steps (with an optional else branch). A
step is an action or a :class:`Branch`: a nested condition with its own then/else steps.
Every node carries a stable ``id`` (``<rule>/<role>[/<n>]``, nested steps
``<rule>/then/1/else/0``) that provenance, lineage, the canvas and error markers refer to.
All values are frozen; quantities are ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ValueType = Literal["number", "money", "quantity", "duration", "percent", "text", "bool",
                    "date", "id", "null"]
BinaryOp = Literal["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in",
                   "not_in"]
UnaryOp = Literal["not", "neg", "is_empty", "is_not_empty"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Lit:
    """A literal: number, money (¥, CNY), quantity with unit, duration (ms), percent, text…"""

    type: ValueType
    value: Decimal | str | bool | int | None
    unit: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A field path resolved against the schema registry, e.g. ``order.deposit_amount``."""

    path: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Unary:
    """``not x``, ``-x``, ``x is empty``."""

    op: UnaryOp
    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary:
    """Arithmetic, comparison, logic and membership."""

    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """A call to a built-in function (a closed list: abs, min, max, round, len…)."""

    fn: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ListExpr:
    """A literal list, e.g. the right side of ``in``."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Template:
    """A message with ``{field}`` holes: literal text parts and expressions, in order."""

    parts: tuple[str | Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Absence:
    """``no <event> with same <key> within <duration>``: a durable timer armed by the trigger.

    Like every temporal node it sits in the rule's condition (as a conjunct); the compiler
    takes it out and gives it its own runtime (timers here, window state for the others).
    """

    id: str
    event_type: str
    key_path: tuple[str, ...] | None
    within_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CountWithin:
    """``count(<event>) >= n with same <key> within <duration>``: a short window per key."""

    id: str
    event_type: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    threshold: Expr
    key_path: tuple[str, ...] | None
    within_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Sustained:
    """``<condition> with same <key> for <duration>``: true the whole time, per key."""

    id: str
    condition: Expr
    key_path: tuple[str, ...] | None
    for_ms: int


Temporal = Absence | CountWithin | Sustained
Expr = Lit | Field | Unary | Binary | Call | ListExpr | Template | Absence | CountWithin | Sustained


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One action node: a kind from the closed list and its typed arguments."""

    id: str
    kind: Literal["reserve", "release", "alert", "notify", "freeze", "unfreeze", "set",
                  "create_document", "emit_event", "call_webhook", "publish_mqtt", "block"]
    args: tuple[tuple[str, Expr], ...] = ()

    def arg(self, name: str) -> Expr | None:
        """The argument called ``name``, if given."""
        return next((e for n, e in self.args if n == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Branch:
    """A condition inside a then/else branch: its then steps run when it holds, else the
    else steps. It runs in its place among the actions of its branch."""

    id: str
    condition: Expr
    actions: tuple[Step, ...] = ()
    else_actions: tuple[Step, ...] = ()


#: One step of a branch: an action or a nested condition.
Step = Action | Branch


def flat_actions(steps: tuple[Step, ...]) -> list[Action]:
    """Every action of ``steps`` at any depth, in text order (then before else)."""
    out: list[Action] = []
    for step in steps:
        if isinstance(step, Branch):
            out += flat_actions(step.actions) + flat_actions(step.else_actions)
        else:
            out.append(step)
    return out


def all_actions(rule: Rule) -> list[Action]:
    """Every action a rule may take, in any branch at any depth."""
    return flat_actions(rule.actions + rule.else_actions)


def all_branches(steps: tuple[Step, ...]) -> list[Branch]:
    """Every nested condition of ``steps`` at any depth, outermost first."""
    out: list[Branch] = []
    for step in steps:
        if isinstance(step, Branch):
            out += [step, *all_branches(step.actions), *all_branches(step.else_actions)]
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRow:
    """One row of a decision table: a cell per input (None = any) → one value per output."""

    cells: tuple[Expr | None, ...]
    outputs: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionTable:
    """Rows of conditions → outputs, hit policy first (first match) or collect (all matches).

    Each cell is an expression over the special field ``?`` (the input's value), e.g.
    ``? == "toys"`` or ``? >= 100``; the compiler indexes equality cells.
    """

    id: str
    hit: Literal["first", "collect"]
    inputs: tuple[Expr, ...]
    #: Output field paths, dotted (``item.reorder_point``).
    outputs: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A reaction rule, a guard, or a decision table, with its trigger."""

    id: str
    kind: Literal["reaction", "guard", "table"] = "reaction"
    title: str | None = None
    trigger: str
    #: Temporal clauses appear here as conjuncts (``x and no … within 48h``).
    condition: Expr | None = None
    table: DecisionTable | None = None
    #: Actions and nested branches, in order; a rule without branches hashes as before.
    actions: tuple[Step, ...] = ()
    else_actions: tuple[Step, ...] = ()
    #: Where the rule came from in the text: (line, column); not part of the hash.
    span: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """The unit that is versioned, hashed, tested, shadowed and approved."""

    rules: tuple[Rule, ...]
