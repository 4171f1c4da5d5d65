"""Kinds rules do not write as actions: the bookkeeping of patterns and tables, and guards.

``arm_timer``/``cancel_timer`` come from ``no <event> within <window>``; the production
executor applies them outside the firing's savepoint (a timer is the pattern's state, not
the rule's effect). ``table_result`` records which rows of a decision table hit (its
outputs reach the rule's actions as ``result``). ``block`` is applied by the guards, before
the command commits, never by the reaction executor.
"""

from __future__ import annotations

from engine.actions.spec import ActionKind, Arg
from engine.decision import PlannedAction
from engine.executors.writes import ActionScope, json_safe


def table_result(scope: ActionScope, action: PlannedAction) -> str:
    """Leave the rows that hit as the table's provenance; changes nothing else."""
    scope.record(action, f"table:{action.provenance.node_id}",
                 {"rows": json_safe(list(action.arg("rows") or ()))}, "recorded")
    return "recorded"


ARM_TIMER = ActionKind(kind="arm_timer", label_en="Arm a timer", label_zh="设定计时",
                       applied_by="timers", in_firing=False)
CANCEL_TIMER = ActionKind(kind="cancel_timer", label_en="Cancel a timer", label_zh="取消计时",
                          applied_by="timers", in_firing=False)
TABLE_RESULT = ActionKind(kind="table_result", label_en="Decision table result",
                          label_zh="决策表结果", apply=table_result)
BLOCK = ActionKind(kind="block", label_en="Block the request", label_zh="阻止",
                   args=(Arg(name="message", type="text"),), applied_by="guards")
