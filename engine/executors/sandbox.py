"""The sandbox executor: an in-memory overlay over real balances; nothing is persisted.

It is product code (the studio's "try it" and rule tests use it), and the in-memory twin
of the production executor: the same decision, applied to a copy of the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from engine import actions
from engine.decision import Decision, PlannedAction
from engine.executors.lines import target_lines

BalanceKey = tuple[str, str]  # (sku, warehouse)


@dataclass(frozen=True, slots=True, kw_only=True)
class Balance:
    """On hand and reserved of one SKU in one warehouse."""

    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        """What can still be promised."""
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxStep:
    """One action as the sandbox saw it: done, or refused and why."""

    action: PlannedAction
    #: "would apply" | "would be refused" | "would be rolled back" | "recorded"
    outcome: str
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxResult:
    """The decision, what each action would do, and the stock afterwards."""

    decision: Decision
    steps: tuple[SandboxStep, ...]
    balances: Mapping[BalanceKey, Balance]


class SandboxExecutor:
    """Applies decisions to a private copy of balances."""

    def __init__(self, balances: Mapping[BalanceKey, Balance]) -> None:
        self._balances: dict[BalanceKey, Balance] = dict(balances)

    def apply(self, decision: Decision) -> SandboxResult:
        """Run every action of ``decision`` against the overlay and report each step.

        As in production, a firing (one rule's actions) is all or nothing: when one of its
        actions would be refused, the others are "would be rolled back" and the overlay
        keeps the balances from before the firing.
        """
        steps: list[SandboxStep] = []
        for firing in _firings(decision.actions):
            before = dict(self._balances)
            done = [self._step(action) for action in firing]
            refused = [s for s in done if s.outcome == "would be refused"]
            if refused:
                self._balances = before
                done = [s if s.outcome == "would be refused" else SandboxStep(
                    action=s.action, outcome="would be rolled back",
                    detail=f"{s.detail} — {refused[0].action.kind} of this rule would be "
                           "refused") for s in done]
            steps += done
        if decision.blocked is not None:
            steps.append(SandboxStep(action=decision.blocked, outcome="would be refused",
                                     detail=str(decision.blocked.arg("message", ""))))
        return SandboxResult(decision=decision, steps=tuple(steps),
                             balances=dict(self._balances))

    def _step(self, action: PlannedAction) -> SandboxStep:
        if action.kind not in {"reserve", "release"}:
            spec = actions.lookup(action.kind)
            if spec is None or (spec.in_firing and spec.applier(action) is None
                                and spec.applied_by == "production executor"):
                return SandboxStep(action=action, outcome="would be refused",
                                   detail=f"production has no applier for {action.kind}")
            return SandboxStep(action=action, outcome="recorded", detail=spec.describe(action))
        problems: list[str] = []
        updated = dict(self._balances)
        for line in target_lines(action.arg("target")):
            key = (str(line.get("sku")), str(line.get("warehouse")))
            qty = Decimal(str(line.get("qty", 0)))
            current = updated.get(key, Balance(on_hand=Decimal(0), reserved=Decimal(0)))
            if action.kind == "reserve":
                if current.available < qty:
                    problems.append(f"SKU {key[0]} at {key[1]}: available {current.available},"
                                    f" requested {qty}")
                    continue
                updated[key] = Balance(on_hand=current.on_hand, reserved=current.reserved + qty)
            else:
                updated[key] = Balance(on_hand=current.on_hand,
                                       reserved=max(Decimal(0), current.reserved - qty))
        if problems:  # all lines or none, like the real command
            return SandboxStep(action=action, outcome="would be refused",
                               detail="; ".join(problems))
        self._balances = updated
        return SandboxStep(action=action, outcome="would apply")


def _firings(decided: tuple[PlannedAction, ...]) -> list[list[PlannedAction]]:
    """Consecutive actions of one rule: what production commits together."""
    groups: list[list[PlannedAction]] = []
    for action in decided:
        if groups and groups[-1][-1].provenance.rule_id == action.provenance.rule_id:
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups
