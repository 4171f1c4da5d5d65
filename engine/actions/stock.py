"""``reserve`` and ``release`` on an event's lines (see :mod:`engine.executors.actions_stock`)."""

from __future__ import annotations

from engine import ir
from engine.actions.spec import ActionKind, Arg
from engine.decision import PlannedAction
from engine.executors import actions_stock
from engine.executors.lines import target_lines


def _edges(_action: ir.Action) -> list[tuple[str, str]]:
    return [("balance:reserved", "writes")]


def _describe(action: PlannedAction) -> str:
    lines = ", ".join(f"{line.get('sku')}×{line.get('qty')}@{line.get('warehouse')}"
                      for line in target_lines(action.arg("target")))
    return f"{action.kind} {lines}"


RESERVE = ActionKind(
    kind="reserve", label_en="Reserve stock", label_zh="预占",
    args=(Arg(name="target", type="order lines"), Arg(name="hold", type="duration",
                                                      required=False)),
    apply=lambda s, a: actions_stock.reserve(s, a), passport=_edges, describe=_describe)
RELEASE = ActionKind(
    kind="release", label_en="Release stock", label_zh="释放",
    args=(Arg(name="target", type="order lines"),),
    apply=lambda s, a: actions_stock.release(s, a), passport=_edges, describe=_describe)
