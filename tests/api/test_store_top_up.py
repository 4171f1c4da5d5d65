"""The seed's store top-up: "after a shipment, if available at the store < 20, transfer 50
from WH-HZ", written as a rule, taken through governance over HTTP, and set off by a real
shipment — the level event the shipment raises carries the store's balance, and the rule
drafts a transfer of 50 that names it (a person dispatches it)."""

from __future__ import annotations

from tests.api.conftest import TenantFactory
from tests.api.test_facts_api import ok, promote, run_worker

TOP_UP = """
rule store_top_up "门店低于20件自动调拨"
  when stock.level_changed
  if item.warehouse = "STORE-1" and stock.change = "stock.shipped" and item.available < 20 件
  then
    create document transfer (sku = item.sku, qty = 50 件, from_warehouse = "WH-HZ",
                              to_warehouse = item.warehouse, reason = "门店低于20件")
end
"""
TOP_UP_TESTS = """
[[test]]
name = "a shipment leaves the store under 20"
event = "stock.level_changed"
payload.item = { sku = "TEA-1", warehouse = "STORE-1", available = 15 }
payload.stock = { change = "stock.shipped" }
expect = [{ kind = "create_document", rule = "store_top_up", args = { "field:qty" = "50", "field:to_warehouse" = "STORE-1" } }]

[[test]]
name = "enough left"
event = "stock.level_changed"
payload.item = { sku = "TEA-1", warehouse = "STORE-1", available = 25 }
payload.stock = { change = "stock.shipped" }
expect = []

[[test]]
name = "the central warehouse is not a store"
event = "stock.level_changed"
payload.item = { sku = "TEA-1", warehouse = "WH-HZ", available = 5 }
payload.stock = { change = "stock.shipped" }
expect = []
"""


def test_a_shipment_that_leaves_the_store_under_20_drafts_a_transfer_of_50(
        make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("TEA-1")
    t.warehouse("WH-HZ")
    t.warehouse("STORE-1", kind="store")
    t.receive("TEA-1", "WH-HZ", 200)
    t.receive("TEA-1", "STORE-1", 30)
    promote(t, "store_top_up", TOP_UP, TOP_UP_TESTS)
    t.sell_and_ship("TEA-1", "STORE-1", 8, "SO-1")    # 30 → 22: still 20 or more
    run_worker(t)
    assert ok(t.get("/transfers"))["count"] == 0
    t.sell_and_ship("TEA-1", "STORE-1", 7, "SO-2")    # 22 → 15: under 20
    run_worker(t)
    transfers = ok(t.get("/transfers"))["items"]
    assert len(transfers) == 1, transfers
    draft = transfers[0]
    assert (draft["status"], draft["from_warehouse"], draft["to_warehouse"]) == (
        "draft", "WH-HZ", "STORE-1")
    assert [(line["sku"], line["qty"]) for line in draft["lines"]] == [("TEA-1", "50.000")]
    assert "store_top_up" in draft["note"]
    # Central stock is untouched until a person dispatches the draft.
    balances = {(b["warehouse"], b["sku"]): b["on_hand"]
                for b in ok(t.get("/stock", sku="TEA-1"))["items"]}
    assert balances[("WH-HZ", "TEA-1")] == "200.000"
