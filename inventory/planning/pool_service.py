"""Channel pools in the database: channels, pool settings, rebalance runs and their reports,
replenishment tasks — each command one transaction, idempotent with a key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.commands import CommandContext
from inventory.documents.runner import DocumentRunner
from inventory.models import Item, Warehouse
from inventory.planning import pools, rebalance
from inventory.planning.errors import UnknownRun
from inventory.planning.models import (
    ChannelPool,
    PoolRebalanceRun,
    ReplenishmentTask,
    SalesChannel,
)
from kernel.clock import Clock
from kernel.db import Database

#: How often (in tenant time) the scheduled rebalance runs by default; the worker's periodic
#: job ``rebalance_pools`` (:mod:`engine.periodic`) reads the setting.
REBALANCE_INTERVAL_SECONDS = 15 * 60


class PoolService:
    """Channels and their stock pools."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.runner = DocumentRunner(db, clock)

    def create_channel(self, ctx: CommandContext, code: str, name: str) -> dict[str, Any]:
        """Create a sales channel.

        Raises:
            Conflict: the code exists.
        """
        return self.runner.write(ctx, "channel.create", {"code": code, "name": name},
                                 lambda s, now: pools.channel_view(pools.create_channel(
                                     s, ctx.tenant_id, code, name, now)))

    def pause(self, ctx: CommandContext, code: str, reason: str) -> dict[str, Any]:
        """Pause a channel by hand (its orders are refused until resumed).

        Raises:
            UnknownChannel: no such channel.
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            row = pools.channel_by_code(s, code)
            pools.pause_channel(s, ctx.tenant_id, row, reason, ctx.actor, now)
            return pools.channel_view(row)
        return self.runner.write(ctx, "channel.pause", {"code": code, "reason": reason}, work)

    def resume(self, ctx: CommandContext, code: str) -> dict[str, Any]:
        """Let a paused channel sell again.

        Raises:
            UnknownChannel: no such channel.
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            row = pools.channel_by_code(s, code)
            pools.resume_channel(s, ctx.tenant_id, row, ctx.actor, now)
            return pools.channel_view(row)
        return self.runner.write(ctx, "channel.resume", {"code": code}, work)

    def get_channel(self, tenant_id: int, code: str) -> dict[str, Any]:
        """One channel.

        Raises:
            UnknownChannel: no such channel.
        """
        return self.runner.read(tenant_id, lambda s: pools.channel_view(
            pools.channel_by_code(s, code)))

    def channels(self, tenant_id: int, is_paused: bool | None, offset: int, limit: int
                 ) -> tuple[list[dict[str, Any]], int]:
        """Channels by code, optionally only paused (or running) ones."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(SalesChannel)
            if is_paused is not None:
                stmt = stmt.where(SalesChannel.is_paused == is_paused)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(SalesChannel.code).offset(offset).limit(limit))
            return [pools.channel_view(r) for r in rows], total
        return self.runner.read(tenant_id, work)

    def set_pool(self, ctx: CommandContext, channel: str, setting: pools.PoolSetting
                 ) -> dict[str, Any]:
        """Create or change one pool line of a channel.

        Raises:
            UnknownChannel, UnknownItem, UnknownWarehouse: names not in the tenant.
            InvalidPlanningInput: a bad target or threshold.
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            row = pools.channel_by_code(s, channel)
            pool = pools.set_pool(s, ctx.tenant_id, row, setting, now)
            return pools.pool_view(pool, row.code, setting.warehouse, setting.sku)
        return self.runner.write(ctx, "channel_pool.set", {"channel": channel,
                                                           "setting": setting}, work)

    def pools(self, tenant_id: int, channel: str | None, warehouse: str | None,
              sku: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Pool lines, optionally of one channel, warehouse or SKU."""
        return self.runner.read(tenant_id, lambda s: pools.pools_page(
            s, channel, warehouse, sku, offset, limit))

    def rebalance(self, ctx: CommandContext) -> dict[str, Any]:
        """Rebalance the tenant's pools now (the same run the scheduled job makes every 15
        minutes of the tenant's time, but on request: not a claimed occurrence)."""
        def work(s: Session, now: datetime) -> dict[str, Any]:
            run = rebalance.run_rebalance(s, ctx.tenant_id, ctx.actor, now)
            return {**rebalance.run_view(run), "lines": rebalance.run_lines(s, run.id)}
        return self.runner.write(ctx, "channel_pool.rebalance", {}, work)

    def runs(self, tenant_id: int, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Rebalance runs, newest first."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            total = s.scalar(select(func.count()).select_from(PoolRebalanceRun)) or 0
            rows = s.scalars(select(PoolRebalanceRun).order_by(PoolRebalanceRun.id.desc())
                             .offset(offset).limit(limit))
            return [rebalance.run_view(r) for r in rows], total
        return self.runner.read(tenant_id, work)

    def run(self, tenant_id: int, run_id: int) -> dict[str, Any]:
        """One run with its lines (the report).

        Raises:
            UnknownRun: no such run in the tenant.
        """
        def work(s: Session) -> dict[str, Any]:
            row = s.scalar(select(PoolRebalanceRun).where(PoolRebalanceRun.id == run_id))
            if row is None:
                raise UnknownRun(run_id=run_id)
            return {**rebalance.run_view(row), "lines": rebalance.run_lines(s, row.id)}
        return self.runner.read(tenant_id, work)

    def tasks(self, tenant_id: int, status: str | None, channel: str | None, offset: int,
              limit: int) -> tuple[list[dict[str, Any]], int]:
        """Replenishment tasks opened by rebalance runs, newest first."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = (select(ReplenishmentTask, SalesChannel.code, Warehouse.code, Item.sku)
                    .join(ChannelPool, ChannelPool.id == ReplenishmentTask.pool_id)
                    .join(SalesChannel, SalesChannel.id == ChannelPool.channel_id)
                    .join(Warehouse, Warehouse.id == ChannelPool.warehouse_id)
                    .join(Item, Item.id == ChannelPool.item_id))
            if status:
                stmt = stmt.where(ReplenishmentTask.status == status)
            if channel:
                stmt = stmt.where(SalesChannel.code == channel)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.execute(stmt.order_by(ReplenishmentTask.id.desc()).offset(offset)
                             .limit(limit)).all()
            return [{"id": t.id, "channel": c, "warehouse": w, "sku": k,
                     "short_qty": str(t.short_qty), "status": t.status, "run_id": t.run_id,
                     "assignee": t.assignee,
                     "created_at": t.created_at.isoformat()} for t, c, w, k in rows], total
        return self.runner.read(tenant_id, work)
