"""Rebalancing channel pools (every 15 minutes, or when asked): the plan is pure, the run
writes it with its report.

For each SKU × warehouse: distributable = central available − what the pools hold. Each
pool aims at its target (a quantity, or a share of central available); what is
distributable goes to the pools below target in a fixed priority order (:func:`plan`), and
no pool is ever emptied to feed another, so a channel that sold down is not refilled from
the others. A pool left below its threshold pauses its channel (one ``channel.paused``
event, the pause call of its connector) and opens one replenishment task for what it needs
to reach its target, assigned to the purchasing role; once the pool is back at or above
its threshold, the task is done, and a channel the rebalance paused resumes (one
``channel.resumed``) when none of its pools is below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import guarantees, levels
from inventory.models import Item, StockBalance, Warehouse
from inventory.planning.models import (
    ChannelPool,
    ChannelPoolEntry,
    PoolRebalanceLine,
    PoolRebalanceRun,
    ReplenishmentTask,
    SalesChannel,
)
from inventory.planning.pools import pause_channel, resume_channel

_ZERO = Decimal("0.000")
_UNIT = Decimal("1")
#: Every rebalance run's pause reason starts with this, so only those pauses auto-resume.
REBALANCE_REASON = "rebalance"
#: Who a replenishment task is assigned to.
PURCHASING = "role:purchasing"


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolState:
    """A pool as the plan sees it."""

    pool_id: int
    qty: Decimal
    target_qty: Decimal | None
    target_share_pct: Decimal | None
    threshold_qty: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolPlan:
    """What one pool should hold after the run, and why."""

    pool_id: int
    target: Decimal
    qty_before: Decimal
    qty_after: Decimal
    is_below_threshold: bool


def target_of(pool: PoolState, available: Decimal) -> Decimal:
    """A pool's target: its quantity, or its share of central available (whole units, down)."""
    if pool.target_qty is not None:
        return pool.target_qty
    share = pool.target_share_pct or _ZERO
    return _whole(available * share / 100)


def _whole(value: Decimal) -> Decimal:
    """Whole units, rounded down, written with three decimals like every quantity."""
    return value.quantize(_UNIT, rounding=ROUND_FLOOR).quantize(_ZERO)


def _priority(pool: PoolState, target: Decimal) -> tuple[int, Decimal, int]:
    """The order pools are given stock in: below threshold first, then the emptiest share
    of its target, then the pool's id (the order its line was set up)."""
    share = pool.qty / target if target > 0 else Decimal(1)
    return (0 if pool.qty < pool.threshold_qty else 1, share, pool.pool_id)


def plan(available: Decimal, pools: Sequence[PoolState]) -> list[PoolPlan]:
    """How the pools of one SKU × warehouse are rebalanced against central ``available``.

    Pure: no I/O. What is distributable (``available`` − what the pools hold) is given to
    the pools below their target, each up to its target, in :func:`_priority` order; no
    pool ever gives to another. A pool above its target (its target was lowered) gives
    the excess back to central stock, not to another pool in the same run. When the pools
    hold more than is available (stock left by other means), they shrink until they fit:
    first what each holds above its target, then above its threshold, then the rest, the
    last in priority order first. The pools never hold more than is available together.
    """
    usable = max(available, _ZERO)
    targets = {p.pool_id: target_of(p, usable) for p in pools}
    after = {p.pool_id: p.qty for p in pools}
    held = sum(after.values(), _ZERO)
    free = usable - held
    order = sorted(pools, key=lambda p: _priority(p, targets[p.pool_id]))
    if free >= 0:
        for pool in order:
            need = targets[pool.pool_id] - after[pool.pool_id]
            give = _whole(min(need, free)) if need > 0 else _ZERO
            after[pool.pool_id] += give
            free -= give
        for pool in pools:  # back to its (lowered) target; not handed on this run
            after[pool.pool_id] = min(after[pool.pool_id],
                                      max(targets[pool.pool_id], _ZERO))
    else:
        excess = -free
        floors = ([max(targets[p.pool_id], _ZERO) for p in reversed(order)],
                  [p.threshold_qty for p in reversed(order)],
                  [_ZERO for _ in order])
        for floor in floors:
            for pool, keep in zip(reversed(order), floor, strict=True):
                take = min(excess, max(after[pool.pool_id] - keep, _ZERO))
                after[pool.pool_id] -= take
                excess -= take
    return [PoolPlan(pool_id=p.pool_id, target=targets[p.pool_id], qty_before=p.qty,
                     qty_after=after[p.pool_id],
                     is_below_threshold=after[p.pool_id] < p.threshold_qty)
            for p in pools]


def run_rebalance(session: Session, tenant_id: int, actor: str, now: datetime
                  ) -> PoolRebalanceRun:
    """Rebalance every pool of the tenant in the caller's transaction; returns the run."""
    # Lock the pools (ascending id) so orders taking from them wait for this run; balances
    # are only read, so the order runner's lock order (balances, then pools) is kept.
    pools = list(session.scalars(select(ChannelPool).order_by(ChannelPool.id)
                                 .with_for_update().execution_options(populate_existing=True)))
    run = PoolRebalanceRun(tenant_id=tenant_id, ran_at=now, actor=actor, line_count=0,
                           changed_count=0, paused_channels=[], task_count=0)
    session.add(run)
    session.flush()
    groups: dict[tuple[int, int], list[ChannelPool]] = defaultdict(list)
    for pool in pools:
        groups[(pool.warehouse_id, pool.item_id)].append(pool)
    balances = {(b.warehouse_id, b.item_id): b.on_hand - b.reserved
                for b in session.scalars(select(StockBalance))}
    by_id = {p.id: p for p in pools}
    below: dict[int, list[ChannelPool]] = defaultdict(list)
    changed = tasks = 0
    for key, group in sorted(groups.items()):
        available = balances.get(key, _ZERO)
        held = sum((p.qty for p in group), _ZERO)
        states = [PoolState(pool_id=p.id, qty=p.qty, target_qty=p.target_qty,
                            target_share_pct=p.target_share_pct, threshold_qty=p.threshold_qty)
                  for p in group]
        for step in plan(available, states):
            pool = by_id[step.pool_id]
            session.add(PoolRebalanceLine(
                tenant_id=tenant_id, run_id=run.id, pool_id=pool.id, available=available,
                distributable=available - held, target=step.target, qty_before=step.qty_before,
                qty_after=step.qty_after, is_below_threshold=step.is_below_threshold))
            if step.qty_after != step.qty_before:
                changed += 1
                pool.qty, pool.updated_at = step.qty_after, now
                session.add(ChannelPoolEntry(tenant_id=tenant_id, pool_id=pool.id,
                                             qty=step.qty_after - step.qty_before,
                                             reason="rebalance", run_id=run.id, created_at=now))
                levels.pool_changed(session, tenant_id, pool, step.qty_after - step.qty_before,
                                    "rebalance", now)
            if step.is_below_threshold:
                below[pool.channel_id].append(pool)
                tasks += _open_task(session, tenant_id, pool, run.id,
                                    step.target - step.qty_after, now)
            else:  # back above its threshold: the pool's open task is done
                _close_tasks(session, pool, now)
    session.flush()
    run.paused_channels = _pause_and_resume(session, tenant_id, below, run.id, actor, now)
    run.line_count, run.changed_count, run.task_count = len(pools), changed, tasks
    session.flush()
    guarantees.append_event(session, tenant_id, guarantees.new_event_id(),
                            "channel_pool.rebalanced", "channel_pool", {
                                "type": "channel_pool.rebalanced", "run_id": run.id,
                                "line_count": run.line_count, "changed_count": changed,
                                "paused_channels": run.paused_channels, "task_count": tasks,
                                "actor": actor}, now)
    return run


def _open_task(session: Session, tenant_id: int, pool: ChannelPool, run_id: int,
               short: Decimal, now: datetime) -> int:
    """Open a replenishment task for the pool unless one is open already; 1 if opened."""
    if session.scalar(select(ReplenishmentTask.id).where(
            ReplenishmentTask.pool_id == pool.id, ReplenishmentTask.status == "open")):
        return 0
    session.add(ReplenishmentTask(tenant_id=tenant_id, pool_id=pool.id, run_id=run_id,
                                  short_qty=short, status="open", created_at=now,
                                  assignee=PURCHASING))
    return 1


def _close_tasks(session: Session, pool: ChannelPool, now: datetime) -> None:
    for task in session.scalars(select(ReplenishmentTask).where(
            ReplenishmentTask.pool_id == pool.id, ReplenishmentTask.status == "open")):
        task.status, task.done_at = "done", now


def _pause_and_resume(session: Session, tenant_id: int, below: dict[int, list[ChannelPool]],
                      run_id: int, actor: str, now: datetime) -> list[str]:
    paused: list[str] = []
    for channel in session.scalars(select(SalesChannel).order_by(SalesChannel.code)):
        if channel.id in below:
            if pause_channel(session, tenant_id, channel, f"{REBALANCE_REASON}:{run_id}",
                             actor, now):
                paused.append(channel.code)
        elif channel.is_paused and channel.paused_reason.startswith(REBALANCE_REASON):
            resume_channel(session, tenant_id, channel, actor, now)
    return paused


def run_view(run: PoolRebalanceRun) -> dict[str, Any]:
    """A run as the API shows it."""
    return {"id": run.id, "ran_at": run.ran_at.isoformat(), "actor": run.actor,
            "line_count": run.line_count, "changed_count": run.changed_count,
            "paused_channels": list(run.paused_channels), "task_count": run.task_count}


def run_lines(session: Session, run_id: int) -> list[dict[str, Any]]:
    """The report of one run: every pool's before, target, after and threshold flag."""
    rows = session.execute(
        select(PoolRebalanceLine, SalesChannel.code, Warehouse.code, Item.sku)
        .join(ChannelPool, ChannelPool.id == PoolRebalanceLine.pool_id)
        .join(SalesChannel, SalesChannel.id == ChannelPool.channel_id)
        .join(Warehouse, Warehouse.id == ChannelPool.warehouse_id)
        .join(Item, Item.id == ChannelPool.item_id)
        .where(PoolRebalanceLine.run_id == run_id).order_by(PoolRebalanceLine.id)).all()
    return [{"channel": c, "warehouse": w, "sku": s, "available": str(r.available),
             "distributable": str(r.distributable), "target": str(r.target),
             "qty_before": str(r.qty_before), "qty_after": str(r.qty_after),
             "difference": str(r.qty_after - r.qty_before),
             "is_below_threshold": r.is_below_threshold} for r, c, w, s in rows]
