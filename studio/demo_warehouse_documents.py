"""The demo's warehouse documents: transfers, adjustments and stocktakes over the weeks.

Every third day the Hangzhou warehouse sends a few SKUs to Shenzhen; they spend the night
in transit and arrive the next morning (one truck turns back, one draft is dropped, the
last one is still on the road when the history ends). Now and then goods are found
damaged (small adjustments, posted at once); a costly loss waits for the admin's
approval, a doubtful gain is rejected. Each week a blind check of five SKUs is counted,
closed and posted by the admin (the first one recounted); Shenzhen gets a full count.
Counts follow the real balance with a little noise from the seeded generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from inventory import CommandContext, queries
from inventory.documents import (
    AdjustmentReason,
    Count,
    DocumentServices,
    NewAdjustment,
    NewAdjustmentLine,
    NewStocktake,
    NewTransfer,
    NewTransferLine,
    StocktakeScope,
)
from kernel.db import Database
from kernel.errors import DomainError

D = Decimal
SOURCE, TARGET = "WH-HZ", "WH-SZ"
#: day → what happens to that day's transfer after it is written.
TRANSFER_FATE = {8: "return", 14: "cancel"}


@dataclass
class WarehouseCounts:
    """How many of each warehouse document the history wrote (and how many were refused)."""

    transfers: int = 0
    adjustments: int = 0
    stocktakes: int = 0
    refused: int = 0


@dataclass
class WarehouseHistory:
    """Writes one day's warehouse documents at a time, as the warehouse user and the admin."""

    db: Database
    docs: DocumentServices
    tenant_id: int
    skus: list[str]
    rng: random.Random
    counts: WarehouseCounts = field(default_factory=WarehouseCounts)
    in_transit: list[str] = field(default_factory=list)

    @property
    def clerk(self) -> CommandContext:
        """The warehouse user: writes, dispatches, counts."""
        return CommandContext(tenant_id=self.tenant_id, actor="user:warehouse")

    @property
    def admin(self) -> CommandContext:
        """The second user: approves, rejects, reopens and posts counts."""
        return CommandContext(tenant_id=self.tenant_id, actor="user:admin")

    def attempt(self, action: Any, ctx: CommandContext, *args: Any) -> dict[str, Any] | None:
        """Run one document action; a refusal is counted, never fatal."""
        try:
            result: dict[str, Any] = action(ctx, *args)
            return result
        except DomainError:
            self.counts.refused += 1
            return None

    def morning(self) -> None:
        """Yesterday's transfers arrive."""
        for no in self.in_transit:
            self.attempt(self.docs.transfers.receive, self.clerk, no)
        self.in_transit.clear()

    def day(self, day: int, days: int) -> None:
        """The warehouse documents of ``day`` (of ``days``)."""
        if day % 3 == 2:
            self.transfer(day)
        if day in (3, 10, 17):
            self.damaged(day)
        if day == 6:
            self.costly_loss(day)
        if day == 7:
            self.attempt(self.docs.adjustments.approve, self.admin, "ADJ-06")
        if day == 12:
            self.doubtful_gain(day)
        if day == 19:
            self.withdrawn(day)
        if day % 7 == 6 or day == days - 1:
            self.blind_check(day, recount=day == 6)
        if day == 13:
            self.full_count(day)
        if day == 16:
            self.abandoned_count(day)

    def transfer(self, day: int) -> None:
        """HZ → SZ: a few SKUs, dispatched now (or returned, or dropped as a draft)."""
        no = f"TR-{day:02d}"
        lines = [NewTransferLine(sku=sku, qty=D(self.rng.randint(8, 24)))
                 for sku in self.rng.sample(self.skus, self.rng.randint(2, 3))]
        if self.attempt(self.docs.transfers.create, self.clerk, NewTransfer(
                from_warehouse=SOURCE, to_warehouse=TARGET, no=no, lines=lines,
                note="深圳仓补货")) is None:
            return
        self.counts.transfers += 1
        fate = TRANSFER_FATE.get(day)
        if fate == "cancel":
            self.attempt(self.docs.transfers.cancel, self.clerk, no)
            return
        if self.attempt(self.docs.transfers.dispatch, self.clerk, no) is None:
            return
        if fate == "return":  # the truck turned back: 车辆故障，货物退回杭州仓
            self.attempt(self.docs.transfers.return_, self.clerk, no)
        else:
            self.in_transit.append(no)

    def _adjustment(self, no: str, reason: AdjustmentReason, lines: list[NewAdjustmentLine],
                    note: str) -> bool:
        created = self.attempt(self.docs.adjustments.create, self.clerk, NewAdjustment(
            warehouse=SOURCE, reason=reason, no=no, lines=lines, note=note,
            photo_refs=[f"oss://demo/adjustments/{no}-{n}.jpg" for n in (1, 2)]))
        if created is not None:
            self.counts.adjustments += 1
        return created is not None

    def damaged(self, day: int) -> None:
        """A carton or two found damaged: small, posted at once."""
        no = f"ADJ-{day:02d}"
        lines = [NewAdjustmentLine(sku=sku, qty=D(-self.rng.randint(1, 3)), unit_cost=D("12.00"))
                 for sku in self.rng.sample(self.skus, 2)]
        if self._adjustment(no, AdjustmentReason.DAMAGED, lines, "搬运破损"):
            self.attempt(self.docs.adjustments.submit, self.clerk, no)

    def costly_loss(self, day: int) -> None:
        """Expired stock worth more than the value limit: waits for the admin (next day)."""
        no = f"ADJ-{day:02d}"
        lines = [NewAdjustmentLine(sku=self.skus[-1], qty=D(-8), unit_cost=D("680.00"))]
        if self._adjustment(no, AdjustmentReason.EXPIRED, lines, "过期报废，待审批"):
            self.attempt(self.docs.adjustments.submit, self.clerk, no)

    def doubtful_gain(self, day: int) -> None:
        """A large 'found' claim the admin rejects."""
        no = f"ADJ-{day:02d}"
        lines = [NewAdjustmentLine(sku=self.skus[0], qty=D(150), unit_cost=D("12.00"))]
        if self._adjustment(no, AdjustmentReason.FOUND, lines, "仓库角落找回"):
            self.attempt(self.docs.adjustments.submit, self.clerk, no)
            self.attempt(lambda c, n: self.docs.adjustments.reject(c, n, "照片与数量不符"),
                         self.admin, no)

    def withdrawn(self, day: int) -> None:
        """A draft written by mistake and cancelled."""
        no = f"ADJ-{day:02d}"
        lines = [NewAdjustmentLine(sku=self.skus[1], qty=D(-1))]
        if self._adjustment(no, AdjustmentReason.LOST, lines, "误录"):
            self.attempt(self.docs.adjustments.cancel, self.clerk, no)

    def _on_hand(self, sku: str, warehouse: str) -> Decimal:
        with self.db.read(self.tenant_id) as session:
            rows, _ = queries.balances(session, sku=sku, warehouse=warehouse, offset=0,
                                       limit=1)
        return D(rows[0]["on_hand"]) if rows else D(0)

    def _count(self, no: str, warehouse: str, skus: list[str]) -> None:
        """Counters find the real quantity, now and then one or two off."""
        noise = [0, 0, 0, 0, 0, -1, 1, -2]
        counts = [Count(sku=sku, counted_qty=max(D(0), self._on_hand(sku, warehouse)
                                                 + self.rng.choice(noise)))
                  for sku in skus]
        self.attempt(self.docs.stocktakes.count, self.clerk, no, counts)

    def _open(self, no: str, new: NewStocktake) -> list[str]:
        created = self.attempt(self.docs.stocktakes.create, self.clerk, new)
        if created is None:
            return []
        self.counts.stocktakes += 1
        return [line["sku"] for line in created["lines"]]

    def blind_check(self, day: int, *, recount: bool) -> None:
        """Five SKUs drawn at random, counted blind, closed, posted by the admin."""
        no = f"ST-{day:02d}"
        skus = self._open(no, NewStocktake(warehouse=SOURCE, scope=StocktakeScope.BLIND_CHECK,
                                           sample_size=5, seed=day, no=no, note="每周抽盘"))
        self._close_and_post(no, SOURCE, skus, recount=recount)

    def full_count(self, day: int) -> None:
        """Every SKU Shenzhen holds."""
        no = f"ST-{day:02d}SZ"
        skus = self._open(no, NewStocktake(warehouse=TARGET, no=no, note="深圳仓月度全盘"))
        self._close_and_post(no, TARGET, skus, recount=False)

    def _close_and_post(self, no: str, warehouse: str, skus: list[str], *,
                        recount: bool) -> None:
        if not skus:
            return
        self._count(no, warehouse, skus)
        self.attempt(self.docs.stocktakes.close, self.clerk, no)
        if recount:  # the supervisor doubts one round: count again
            self.attempt(self.docs.stocktakes.reopen, self.admin, no)
            self._count(no, warehouse, skus)
            self.attempt(self.docs.stocktakes.close, self.clerk, no)
        self.attempt(lambda c, n: self.docs.stocktakes.post(
            c, n, [f"oss://demo/stocktakes/{n}-sheet.jpg"]), self.admin, no)

    def abandoned_count(self, day: int) -> None:
        """A blind check started and called off (the shelf was being restocked)."""
        no = f"ST-{day:02d}X"
        if self._open(no, NewStocktake(warehouse=SOURCE, scope=StocktakeScope.BLIND_CHECK,
                                       sample_size=3, seed=day, no=no, note="补货中，取消")):
            self.attempt(self.docs.stocktakes.cancel, self.clerk, no)
