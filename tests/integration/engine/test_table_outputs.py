"""A decision table's outputs are written in production, like a rule's own ``set``.

``examples/rules/reorder_points.rule`` (reorder point and safety stock by category and
season, on ``stock.level_changed``) used to be accepted and record only its rows: nothing
was written. Now each output is a ``set`` with the table's provenance, and the balance
loader reads what it wrote (no replenishment policy at the warehouse: the item's own levels).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import Worker
from engine.compiler import BUILTINS
from engine.facts import DbFacts
from engine.facts.loaders import LOADERS
from engine.models import RuleWrite
from engine.rule_handler import RuleHandler
from inventory.models import Item
from tests.integration.engine.test_actions import append, install

TABLE = (Path(__file__).parents[3] / "examples" / "rules" / "reorder_points.rule").read_text()
#: The example's rows for frozen goods: (reorder point, safety stock).
FROZEN = {"summer": ("300", "120")}
FROZEN_ANY = ("200", "80")


def test_a_tables_outputs_are_set_on_the_item_with_the_tables_provenance(world: Any) -> None:
    world.item("FRZ-1", category="frozen")
    install(world, "reorder_points", TABLE)
    append(world, "stock.level_changed", "stock:FRZ-1@WH-A",
           {"item": {"sku": "FRZ-1", "warehouse": "WH-A", "on_hand": "5", "reserved": "0",
                     "available": "5", "safety_stock": "0", "reorder_point": "0"}})
    Worker(world.db, world.clock, handler=RuleHandler()).run_once()
    season = BUILTINS["season"](world.clock.now())
    reorder, safety = FROZEN.get(season, FROZEN_ANY)
    with world.db.read(world.tenant_id) as s:
        item = s.scalar(select(Item).where(Item.sku == "FRZ-1"))
        written = [(w.action, w.target, w.outcome, w.rule_node)
                   for w in s.scalars(select(RuleWrite).order_by(RuleWrite.id))]
        balance = next(loader for loader in LOADERS if loader.name == "balance")
        loaded = DbFacts(s).fetch(balance, ("FRZ-1", "WH-A"))
    assert (item.attributes["reorder_point"], item.attributes["safety_stock"]) == (reorder,
                                                                                  safety)
    node = "reorder_points_by_season/table/set"
    assert written == [("set", "item:FRZ-1", "applied", f"{node}/item.reorder_point"),
                       ("set", "item:FRZ-1", "applied", f"{node}/item.safety_stock")]
    # What rules read of this SKU × warehouse now is what the table decided.
    assert loaded["item"]["safety_stock"] == Decimal(safety)
    assert loaded["item"]["reorder_point"] == Decimal(reorder)
