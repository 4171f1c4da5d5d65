"""Sales channels and their stock pools (渠道库存池): settings, pause/resume, rebalance runs
with their reports, and the replenishment tasks runs open."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from inventory.planning import PoolService, PoolSetting
from studio.deps import (
    CatalogWriter,
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    StockReader,
    StockWriter,
)
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_planning import (
    ChannelCreate,
    ChannelOut,
    PauseIn,
    PoolOut,
    PoolSettingIn,
    RebalanceRunOut,
    ReplenishmentTaskOut,
)

router = APIRouter(tags=["channel pools"])
Channel = Annotated[str, Path(min_length=1, max_length=40, description="The channel code.")]
Code = Annotated[str, Path(min_length=1, max_length=40, description="The warehouse code.")]
Sku = Annotated[str, Path(min_length=1, max_length=64, description="The SKU.")]
Filter = Annotated[str | None, Query(min_length=1, max_length=64)]


def get_pools(db: DbDep, clock: ClockDep) -> PoolService:
    """The pool service on the application's database and clock."""
    return PoolService(db, clock)


Pools = Annotated[PoolService, Depends(get_pools)]


def _page(rows: tuple[list[dict[str, Any]], int], paging: Any) -> dict[str, Any]:
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}


@router.post("/channels", response_model=ChannelOut, status_code=status.HTTP_201_CREATED)
def create_channel(body: ChannelCreate, principal: CatalogWriter, pools: Pools,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a sales channel."""
    return pools.create_channel(context(principal, key), body.code, body.name)


@router.get("/channels", response_model=Page[ChannelOut])
def list_channels(principal: StockReader, pools: Pools, paging: PagingDep,
                  is_paused: bool | None = None) -> dict[str, Any]:
    """Sales channels by code, optionally only paused or running ones."""
    return _page(pools.channels(principal.tenant_id, is_paused, paging.offset, paging.limit),
                 paging)


@router.get("/channels/{channel}", response_model=ChannelOut)
def get_channel(channel: Channel, principal: StockReader, pools: Pools) -> dict[str, Any]:
    """One sales channel."""
    return pools.get_channel(principal.tenant_id, channel)


@router.post("/channels/{channel}/pause", response_model=ChannelOut)
def pause_channel(channel: Channel, body: PauseIn, principal: StockWriter, pools: Pools,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Pause a channel: its orders are refused until it resumes."""
    return pools.pause(context(principal, key), channel, body.reason)


@router.post("/channels/{channel}/resume", response_model=ChannelOut)
def resume_channel(channel: Channel, principal: StockWriter, pools: Pools,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Let a paused channel sell again."""
    return pools.resume(context(principal, key), channel)


@router.put("/channels/{channel}/pools/{code}/{sku}", response_model=PoolOut)
def set_pool(channel: Channel, code: Code, sku: Sku, body: PoolSettingIn,
             principal: CatalogWriter, pools: Pools, key: IdempotencyKey = None
             ) -> dict[str, Any]:
    """Set a pool line's target and threshold (what it holds moves at the next rebalance)."""
    setting = PoolSetting(sku=sku, warehouse=code, **body.model_dump())
    return pools.set_pool(context(principal, key), channel, setting)


@router.get("/channel-pools", response_model=Page[PoolOut])
def list_pools(principal: StockReader, pools: Pools, paging: PagingDep,
               channel: Filter = None, warehouse: Filter = None, sku: Filter = None
               ) -> dict[str, Any]:
    """Pool lines, optionally of one channel, warehouse or SKU."""
    return _page(pools.pools(principal.tenant_id, channel, warehouse, sku, paging.offset,
                             paging.limit), paging)


@router.post("/channel-pools/rebalance", response_model=RebalanceRunOut,
             status_code=status.HTTP_201_CREATED)
def rebalance(principal: StockWriter, pools: Pools, key: IdempotencyKey = None
              ) -> dict[str, Any]:
    """Rebalance every pool now (the worker does it every 15 minutes); returns the report."""
    return pools.rebalance(context(principal, key))


@router.get("/channel-pools/rebalance-runs", response_model=Page[RebalanceRunOut])
def list_runs(principal: StockReader, pools: Pools, paging: PagingDep) -> dict[str, Any]:
    """Rebalance runs, newest first."""
    return _page(pools.runs(principal.tenant_id, paging.offset, paging.limit), paging)


@router.get("/channel-pools/rebalance-runs/{run_id}", response_model=RebalanceRunOut)
def get_run(run_id: Annotated[int, Path(ge=1, le=2**62)], principal: StockReader,
            pools: Pools) -> dict[str, Any]:
    """One run with its report: every pool's before, target, after and threshold flag."""
    return pools.run(principal.tenant_id, run_id)


@router.get("/replenishment-tasks", response_model=Page[ReplenishmentTaskOut])
def list_tasks(principal: StockReader, pools: Pools, paging: PagingDep,
               status_: Annotated[Literal["open", "done"] | None,
                                  Query(alias="status")] = None,
               channel: Filter = None) -> dict[str, Any]:
    """Replenishment tasks opened when a pool fell below its threshold, newest first."""
    return _page(pools.tasks(principal.tenant_id, status_, channel, paging.offset,
                             paging.limit), paging)
