"""The 04:00 purchase list as a scheduled job, on SQLite and PostgreSQL: the embedded worker
makes it once it is due, never before and never twice, and two workers racing for the
same list (real threads, each with its own connection) make exactly one."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from engine import Worker
from inventory.recipes import (
    Ingredient,
    NewDishSale,
    RecipeService,
    SaleChannel,
    SaleLine,
    StoreSetting,
    generate_due_purchase_lists,
)
from inventory.recipes.models import PurchaseList, PurchaseListLine
from tests.conftest import TenantWorld


def _store_with_a_day_of_sales(world: TenantWorld) -> RecipeService:
    """WH-A as a store (UTC, 04:00) with 3 sales of a one-ingredient dish today."""
    world.item("RICE")
    world.receive("RICE", "WH-A", 10)
    recipes = RecipeService(world.db, world.clock)
    recipes.put_store(world.ctx, StoreSetting(warehouse="WH-A", timezone="UTC",
                                              lookback_days=1))
    recipes.put_dish(world.ctx, "BOWL", "米饭", "Rice bowl",
                     [Ingredient(sku="RICE", qty_per_portion=Decimal("0.150"))], is_new=True)
    for _ in range(3):
        recipes.record_sale(world.ctx, NewDishSale(
            store="WH-A", channel=SaleChannel.DINE_IN, covers=2,
            lines=[SaleLine(dish="BOWL", portions=2)]))
    return recipes


def _lists(world: TenantWorld) -> list[tuple[str, Decimal, Decimal]]:
    with world.db.read(world.tenant_id) as s:
        return [(r.business_date.isoformat(), line.needed_qty, line.to_buy_qty)
                for r, line in s.execute(select(PurchaseList, PurchaseListLine).join(
                    PurchaseListLine, PurchaseListLine.list_id == PurchaseList.id))]


def test_the_worker_makes_the_list_at_0400_once(world: TenantWorld) -> None:
    _store_with_a_day_of_sales(world)  # 08:00 UTC on 23 Nov
    worker = Worker(world.db, world.clock)
    # The worker serves every tenant of the database (other tests' stores too): count this
    # tenant's lists, not what the run returns.
    worker.run_once()
    assert _lists(world) == []  # today's 04:00 was before the store
    world.clock.advance(timedelta(hours=19, minutes=59))  # 03:59 on the 24th
    worker.run_once()
    assert _lists(world) == []
    world.clock.advance(timedelta(minutes=1))  # 04:00
    worker.run_once()
    assert len(_lists(world)) == 1
    worker.run_once()
    # Yesterday 6 covers used 3 × 2 × 0.150 = 0.9 kg; no booking or forecast: 6 covers
    # expected, 0.9 kg needed, 9.1 kg on hand: nothing to buy.
    assert _lists(world) == [("2026-11-25", Decimal("0.900"), Decimal("0.000"))]


def test_two_workers_racing_make_one_list(world: TenantWorld) -> None:
    _store_with_a_day_of_sales(world)
    world.clock.advance(timedelta(hours=20))
    barrier = threading.Barrier(2)
    made: list[int] = []

    def run() -> None:
        barrier.wait()
        made.append(generate_due_purchase_lists(world.db, world.clock, world.tenant_id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(made) == [0, 1]
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(func.count()).select_from(PurchaseList)) == 1
