"""Item list price and cost price: entered through the API, kept exact, refused when wrong."""

from __future__ import annotations

from tests.api.conftest import TenantFactory


def test_an_item_keeps_its_list_and_cost_price_exactly(make_tenant: TenantFactory) -> None:
    shop = make_tenant()
    made = shop.post("/items", {"sku": "YEAST-500G", "name_zh": "酵母500克",
                                "list_price": "25.00", "cost_price": "18.00"})
    assert made.status_code == 201, made.text
    item = shop.get("/items/YEAST-500G").json()
    assert (item["list_price"], item["cost_price"]) == ("25.00", "18.00")
    bare = shop.post("/items", {"sku": "BARE-1", "name_zh": "无价商品"}).json()
    assert bare["list_price"] is None and bare["cost_price"] is None


def test_a_price_with_three_decimals_or_below_zero_is_refused(make_tenant: TenantFactory) -> None:
    shop = make_tenant()
    for price in ("18.005", "-1"):
        refused = shop.post("/items", {"sku": "P-1", "name_zh": "商品", "cost_price": price})
        assert refused.status_code == 422, refused.text
    assert shop.get("/items/P-1").status_code == 404
