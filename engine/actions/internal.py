"""Kinds rules do not write as actions: the bookkeeping of patterns and tables, and guards.

``arm_timer``/``cancel_timer`` come from ``no <event> within <window>``; the production
executor applies them outside the firing's savepoint (a timer is the pattern's state, not
the rule's effect). ``table_result`` carries the rows of a decision table that hit (its
outputs reach the rule's actions as ``result``); production writes nothing for it.
``block`` is applied by the guards, before the command commits, never by the reaction
executor.
"""

from __future__ import annotations

from engine.actions.spec import ActionKind, Arg
from engine.decision import PlannedAction
from engine.executors.writes import ActionScope


def table_result(_scope: ActionScope, _action: PlannedAction) -> str:
    """Nothing to write: the rows reach the rule's actions as ``result`` (and the decision,
    the sandbox and the shadow journal show them)."""
    return "recorded"


ARM_TIMER = ActionKind(kind="arm_timer", label_en="Arm a timer", label_zh="设定计时",
                       applied_by="timers", in_firing=False)
CANCEL_TIMER = ActionKind(kind="cancel_timer", label_en="Cancel a timer", label_zh="取消计时",
                          applied_by="timers", in_firing=False)
TABLE_RESULT = ActionKind(kind="table_result", label_en="Decision table result",
                          label_zh="决策表结果", apply=table_result, claims=False)
BLOCK = ActionKind(kind="block", label_en="Block the request", label_zh="阻止",
                   args=(Arg(name="message", type="text"),), applied_by="guards")
