"""Actions and file items of the syntax tree (re-exported by :mod:`dsl.ast`).

The actions are a closed list; the engine lowers each class to one executor step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from dsl.ast import (
    Duration,
    EventRef,
    Expr,
    HitPolicy,
    KeywordLang,
    Node,
    Path,
    Row,
    Template,
)

FreezeKind = Literal["customer", "receipt", "channel", "lot", "item", "supplier", "location"]
RecipientKind = Literal["role", "user"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient(Node):
    """Who is told: ``role:sales_manager`` or ``user:zhang_san``."""

    kind: RecipientKind
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment(Node):
    """``field = value`` inside the parentheses of create/emit/call/publish."""

    target: Path
    value: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Reserve(Node):
    """Reserve stock for the given lines, optionally only for ``hold``."""

    target: Expr
    hold: Duration | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Release(Node):
    """Release the reservations of the given lines."""

    target: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert(Node):
    """Raise an alert on the dashboard of the recipients."""

    recipients: tuple[Recipient, ...]
    message: Template


@dataclass(frozen=True, slots=True, kw_only=True)
class Notify(Node):
    """Send the recipients a message."""

    recipients: tuple[Recipient, ...]
    message: Template


@dataclass(frozen=True, slots=True, kw_only=True)
class Freeze(Node):
    """Freeze a customer, receipt, channel, lot(s), item or supplier, or every lot on hand
    in a location (``freeze location freezer.location``: the lots in that freezer).

    Without ``target`` the one of that kind in the event is meant (``freeze receipt``).
    """

    kind: FreezeKind
    target: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Unfreeze(Node):
    """Lift a freeze (same targets as :class:`Freeze`)."""

    kind: FreezeKind
    target: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetField(Node):
    """Set a field of the schema: ``set item.reorder_point to 200 件``."""

    target: Path
    value: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateDocument(Node):
    """Create a document of a known type with the given fields."""

    document: str
    fields: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EmitEvent(Node):
    """Emit a business event of a known type with the given fields."""

    event: EventRef
    fields: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CallWebhook(Node):
    """Call the outbound webhook configured under ``name``."""

    name: str
    fields: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishMqtt(Node):
    """Publish an MQTT message on ``topic`` (which may hold placeholders)."""

    topic: Template
    fields: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Block(Node):
    """Refuse the command with this message (guards only)."""

    message: Template


Action: TypeAlias = (
    Reserve | Release | Alert | Notify | Freeze | Unfreeze | SetField | CreateDocument
    | EmitEvent | CallWebhook | PublishMqtt | Block
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Branch(Node):
    """A condition inside a then/else branch: ``if <c> then <steps> [else <steps>] end``.

    It sits among the actions of its branch and runs in their order; its own steps may
    hold further branches, down to :data:`dsl.transformer.MAX_BRANCH_DEPTH` levels.
    """

    condition: Expr
    actions: tuple[Step, ...]
    else_actions: tuple[Step, ...] = ()


#: One step of a then/else branch: an action, or a nested condition with its own branches.
Step: TypeAlias = Action | Branch


def walk_actions(steps: tuple[Step, ...]) -> list[Action]:
    """Every action of ``steps`` at any depth, in text order (then before else)."""
    out: list[Action] = []
    for step in steps:
        if isinstance(step, Branch):
            out += walk_actions(step.actions) + walk_actions(step.else_actions)
        else:
            out.append(step)
    return out


def walk_branches(steps: tuple[Step, ...]) -> list[Branch]:
    """Every nested condition of ``steps`` at any depth, outermost first."""
    out: list[Branch] = []
    for step in steps:
        if isinstance(step, Branch):
            out += [step, *walk_branches(step.actions), *walk_branches(step.else_actions)]
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Node):
    """A reaction rule: when an event happens and the condition holds, act."""

    name: str
    title: str | None
    trigger: EventRef
    condition: Expr | None
    actions: tuple[Step, ...]
    else_actions: tuple[Step, ...] = ()
    #: Keyword language the rule was written in (not part of equality).
    lang: KeywordLang = field(default="en", compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard(Node):
    """A guard rule: checked before a command commits; ``block`` refuses it."""

    name: str
    title: str | None
    trigger: EventRef
    condition: Expr | None
    actions: tuple[Step, ...]
    lang: KeywordLang = field(default="en", compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(Node):
    """A decision table: rows of input cells to output values, first hit or collect."""

    name: str
    title: str | None
    trigger: EventRef
    condition: Expr | None
    hit: HitPolicy
    inputs: tuple[Expr, ...]
    outputs: tuple[Path, ...]
    rows: tuple[Row, ...]
    lang: KeywordLang = field(default="en", compare=False)


Item: TypeAlias = Rule | Guard | Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment(Node):
    """A ``#`` comment, kept so the formatter can put it back."""

    text: str
    #: True when code precedes the comment on its line.
    trailing: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleFile(Node):
    """A whole rule file."""

    items: tuple[Item, ...]
    comments: tuple[Comment, ...] = ()
    #: The keyword language most items use (not part of equality).
    lang: KeywordLang = field(default="en", compare=False)
