"""The demo's weekly blind checks: what the data-health page's variance trend shows.

A counter counts N drawn SKUs of the Hangzhou warehouse; most shelves match, a few are a
unit or two off (a broken box, a mis-pick), so the count-variance rate wanders around the
1.5 % target instead of sitting on zero.
"""

from __future__ import annotations

import random
from decimal import Decimal

from inventory import CommandContext, queries
from inventory.documents import Count, DocumentServices, NewStocktake, StocktakeScope
from kernel.db import Database


def blind_check(db: Database, docs: DocumentServices, ctx: CommandContext, skus: list[str],
                day: int) -> str:
    """Draw, count, close and post one blind check of six SKUs; returns its number."""
    rng = random.Random(day)  # its own randomness: the rest of the demo stays as it was
    new = NewStocktake(warehouse="WH-HZ", scope=StocktakeScope.BLIND_CHECK, skus=tuple(skus),
                       sample_size=6, seed=day, no=f"ST-D{day:02d}",
                       note="每周抽盘 weekly blind check")
    lines = docs.stocktakes.create(ctx, new)["lines"]
    counts = []
    with db.read(ctx.tenant_id) as session:
        for line in lines:
            rows, _ = queries.balances(session, sku=line["sku"], warehouse="WH-HZ", offset=0,
                                       limit=1)
            on_hand = rows[0]["on_hand"] if rows else Decimal(0)
            off = Decimal(rng.choice([0, 0, 0, -1, -2, 1])) if on_hand > 2 else Decimal(0)
            counts.append(Count(sku=line["sku"], counted_qty=on_hand + off))
    docs.stocktakes.count(ctx, new.no or "", counts)
    docs.stocktakes.close(ctx, new.no or "")
    docs.stocktakes.post(ctx, new.no or "", ("count-sheet.jpg",))
    return new.no or ""
