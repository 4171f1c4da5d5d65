"""The food pack's demo trade loaded through the HTTP API (helpers of the food pack tests).

Everything a tenant does here goes through ``/api/v1``: warehouses, items, customers from
``demo/food.toml``; purchases approved, received into their lots and put away; sales
confirmed, picked, packed and shipped with the warehouse's confirmation code.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from typing import Any

from templates_marketplace.catalogue import BUILTIN_DIR
from tests.api.conftest import ApiTenant

DEMO: dict[str, Any] = tomllib.loads((BUILTIN_DIR / "food" / "demo" / "food.toml")
                                     .read_text("utf-8"))
CONFIRMATION = "2468"


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that must have ``status``."""
    assert response.status_code == status, response.text
    return response.json()


def load_catalogue(shop: ApiTenant) -> None:
    """Warehouses (with their confirmation codes), items and customers of the demo."""
    for warehouse in DEMO["warehouse"]:
        shop.warehouse(warehouse["code"], name_zh=warehouse["name_zh"],
                       name_en=warehouse["name_en"])
        response = shop.client.put(f"/api/v1/warehouses/{warehouse['code']}/confirmation-code",
                                   json={"code": CONFIRMATION}, headers=shop.headers())
        assert response.status_code == 204, response.text
    for item in DEMO["item"]:
        shop.item(item["sku"], **{k: v for k, v in item.items() if k != "sku"})
    for customer in DEMO["customer"]:
        ok(shop.post("/customers", customer), 201)


def receive_purchase(shop: ApiTenant, purchase: dict[str, Any], today: date) -> str:
    """Order, approve, receive (each line into its lot) and put away; the receipt number."""
    ok(shop.post("/purchase-orders", {
        "no": purchase["no"], "supplier": purchase["supplier"],
        "warehouse": purchase["warehouse"],
        "lines": [{"sku": line["sku"], "qty": line["qty"]} for line in purchase["lines"]]}), 201)
    ok(shop.post(f"/purchase-orders/{purchase['no']}/approve", {}))
    receipt = ok(shop.post("/receipts", {"purchase_order_no": purchase["no"], "lines": [
        {"order_line_no": n, "qty": line["qty"], "lot_no": line["lot_no"],
         "expiry_date": (today + timedelta(days=line["expiry_days"])).isoformat()}
        for n, line in enumerate(purchase["lines"], start=1)]}), 201)
    ok(shop.post(f"/receipts/{receipt['no']}/inspect", {"is_scanned": True, "photo_count": 1}))
    ok(shop.post(f"/receipts/{receipt['no']}/put-away", {}))
    return str(receipt["no"])


def ship_sale(shop: ApiTenant, sale: dict[str, Any], no: str) -> str:
    """Order, confirm, pick, pack and ship every line; the shipment number."""
    ok(shop.post("/sales-orders", {"no": no, "customer": sale["customer"],
                                   "warehouse": sale["warehouse"], "lines": sale["lines"]}), 201)
    ok(shop.post(f"/sales-orders/{no}/confirm", {}))
    shipment = ok(shop.post("/shipments", {"sales_order_no": no}), 201)
    for step in ("pick", "pack"):
        ok(shop.post(f"/shipments/{shipment['no']}/{step}", {}))
    ok(shop.post(f"/shipments/{shipment['no']}/ship", {
        "confirmation_code": CONFIRMATION, "carrier": "顺丰冷运",
        "tracking_no": f"SF-{no}"}))
    return str(shipment["no"])


def load_demo(shop: ApiTenant, today: date) -> None:
    """The whole demo trade: catalogue, purchases into lots, sales shipped."""
    load_catalogue(shop)
    for purchase in DEMO["purchase"]:
        receive_purchase(shop, purchase, today)
    for n, sale in enumerate(DEMO["sale"], start=1):
        ship_sale(shop, sale, f"SO-FOOD-{n}")
