"""What one action kind declares: its variants, arguments, appliers and passport entry.

Every kind a rule can name has exactly one :class:`ActionKind`, in its own module of
:mod:`engine.actions`. The checker asks the registry what it refuses
(:func:`engine.actions.refusal`), the production executor dispatches through it, the
sandbox and shadow describe with it and the passport derives its edges from it, so that
nothing is accepted that production does not apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine import ir
from engine.decision import PlannedAction
from engine.executors.writes import ActionScope

#: A production applier: applies one claimed action in the firing's savepoint. It returns
#: an outcome other than "applied" ("stopped") or None; it raises a DomainError (or a
#: KeyError for a missing field) to refuse, which rolls the whole firing back.
Applier = Callable[[ActionScope, PlannedAction], str | None]
#: What a passport draws for an action: (node, relation) pairs such as
#: ("document:transfer", "creates").
PassportEdges = Callable[[ir.Action], list[tuple[str, str]]]
#: What the sandbox and shadow say an action would do, in words people read.
Describe = Callable[[PlannedAction], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Refused:
    """Why production will not apply a kind or variant (shown by the checker)."""

    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Arg:
    """One argument of an action, as the checker's signature names it."""

    name: str
    #: The argument's type in words: "order lines", "an id or a list of ids", "text" …
    type: str
    required: bool = True


def _no_edges(_action: ir.Action) -> list[tuple[str, str]]:
    return []


def _describe_kind(action: PlannedAction) -> str:
    return action.kind


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionKind:
    """One kind of action: ``freeze``, ``create_document``, ``call_webhook`` …"""

    kind: str
    label_en: str
    label_zh: str
    args: tuple[Arg, ...] = ()
    #: The argument that names the variant (``kind`` of a freeze, ``document`` of a create
    #: document, the entity of a ``set``); None when the kind has no variants.
    variant_arg: str | None = None
    #: The variants and their appliers (or why each is refused); only with ``variant_arg``.
    variants: Mapping[str, Applier | Refused] = field(default_factory=dict)
    #: The applier of a kind without variants; None when the worker does not apply it here
    #: (``block`` is applied by the guards; see ``applied_by``).
    apply: Applier | None = None
    #: Who applies the kind when it is not the reaction executor ("guards" for ``block``).
    applied_by: str = "production executor"
    #: True when the applier's DomainError is a refusal (the firing is rolled back and the
    #: event completes); False when it fails the event so it is retried (a connector).
    refusable: bool = True
    #: True for the rule's own effects, which commit together per firing; False for the
    #: bookkeeping of temporal patterns (arming and cancelling timers).
    in_firing: bool = True
    #: False for a kind that writes nothing and so claims no effect key (``table_result``).
    claims: bool = True
    #: A refusal that depends on the process (no connectors port registered), else None.
    available: Callable[[], Refused | None] = field(default=lambda: None)
    passport: PassportEdges = _no_edges
    describe: Describe = _describe_kind

    def applier(self, action: PlannedAction) -> Applier | None:
        """The applier for ``action`` (its variant's, when the kind has variants)."""
        if self.variant_arg is None:
            return self.apply
        found = self.variants.get(_variant(action.arg(self.variant_arg)))
        return found if callable(found) else None

    def refusal(self, variant: str | None) -> Refused | None:
        """Why production refuses this kind (with ``variant``), or None when it applies it."""
        if self.apply is None and self.variant_arg is None and self.applied_by == \
                "production executor":
            return Refused(reason_en=f"production has no applier for {self.kind}",
                           reason_zh=f"生产环境没有执行 {self.kind} 的程序")
        if (process := self.available()) is not None:
            return process
        if self.variant_arg is None:
            return None
        found = self.variants.get(variant or "")
        if found is None:
            return Refused(reason_en=f"production cannot {self.kind} a {variant}",
                           reason_zh=f"生产环境不能对 {variant} 执行 {self.kind}")
        return found if isinstance(found, Refused) else None


def _variant(value: Any) -> str:
    text = str(value or "")
    return text.split(".", 1)[0] if "." in text else text
