"""``freeze location <code>``: freeze every lot on hand in a location (a warm freezer).

The freeze runs through the lots module's command in the worker's transaction; each lot
frozen carries the rule's event, version and node on its ``lot_freeze`` row, and the action
leaves one :class:`~engine.models.RuleWrite` listing the lots (``already frozen`` ones too).
"""

from __future__ import annotations

from engine.decision import PlannedAction
from engine.executors.writes import ActionScope, rule_label
from inventory.lots import freeze_location


def freeze_lots_in(scope: ActionScope, action: PlannedAction, target: object) -> None:
    """Freeze the lots in each location ``target`` names (a code or a list of codes)."""
    codes = [str(t) for t in target] if isinstance(target, list | tuple) else [str(target)]
    for code in codes:
        lots = freeze_location(scope.session, scope.context(action), code, rule_label(action),
                               scope.now)
        changed = any(lot["outcome"] == "frozen" for lot in lots)
        scope.record(action, f"location:{code}", {"lots": lots},
                     "applied" if changed else "already done")
