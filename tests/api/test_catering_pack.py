"""The catering pack (jxc.catering) end to end over HTTP, on SQLite and PostgreSQL.

A fresh sandbox tenant installs the pack, its rule tests pass in sandbox, the pack's
hot-pot demo is loaded through the API, the store requisitions tripe from the central
kitchen, 40 hot-pot orders over dine-in, delivery and group meal consume ingredients by
recipe from one shared pool, waste gives the day's loss rate, and advancing the
tenant's clock past 04:00 makes tomorrow's purchase list. Every expected figure is worked
out here from the demo's recipes and the formula in docs/packs/catering.md; another
tenant's rows stay exactly as they were.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from inventory.models import Item, LedgerEntry
from kernel.clock import VirtualClock
from kernel.db import Database
from templates_marketplace import builtin
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem, new_tenant
from tests.integration.marketplace.test_install import tenant_rows

D = Decimal
PACK = builtin("jxc.catering")
DEMO: dict[str, Any] = PACK.parts.demo["hotpot"]
STORE, KITCHEN = "CD-CHUNXI", "CK-CD"
#: The three channels of one store, in the order the orders cycle through them.
CHANNELS = ("dine_in", "delivery", "group_meal")
COVERS = {"dine_in": 4, "delivery": 1, "group_meal": 10}


def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def load_demo(t: ApiTenant, first_day: date) -> None:
    """Load the pack's hot-pot demo through the API, as a user would."""
    for item in DEMO["item"]:
        t.item(**item)
    for warehouse in DEMO["warehouse"]:
        t.warehouse(**warehouse)
    for channel in DEMO["channel"]:
        ok(t.post("/channels", channel))
    for store in DEMO["store"]:
        body = {k: v for k, v in store.items() if k != "warehouse"}
        ok(t.client.put(f"/api/v1/recipes/stores/{store['warehouse']}", json=body,
                        headers=t.headers()), 200)
    for dish in DEMO["dish"]:
        ok(t.post("/recipes/dishes", dish, **{"Idempotency-Key": f"dish-{dish['code']}"}))
    for stock in DEMO["stock"]:
        for line in stock["lines"]:
            t.receive(line["sku"], stock["warehouse"], line["qty"])
    for booking in DEMO["booking"]:
        ok(t.post("/recipes/bookings", {
            "store": booking["store"], "covers": booking["covers"], "guest": booking["guest"],
            "booking_date": (first_day + timedelta(days=booking["day"])).isoformat()}))
    for reading in DEMO["temperature"]:
        ok(t.post("/recipes/temperature-forecasts", {
            "store": reading["store"], "temperature_c": reading["temperature_c"],
            "source": reading["source"],
            "forecast_date": (first_day + timedelta(days=reading["day"])).isoformat()}))


def share_one_pool(t: ApiTenant) -> None:
    """Pool lines of the demo's shared channel, filled by a rebalance."""
    for pool in DEMO["pool"]:
        for sku in pool["skus"]:
            ok(t.client.put(f"/api/v1/channels/{pool['channel']}/pools/{pool['warehouse']}/{sku}",
                            json={"target_share_pct": pool["target_share_pct"],
                                  "threshold_qty": pool["threshold_qty"]},
                            headers=t.headers()), 200)
    ok(t.post("/channel-pools/rebalance", {}))


def order_lines(n: int) -> list[dict[str, Any]]:
    """The dishes of hot-pot order ``n``: a pot, tripe, beef, sometimes duck, vegetables."""
    lines = [{"dish": "MALA-POT", "portions": 1}, {"dish": "TRIPE", "portions": 1 + n % 2},
             {"dish": "BEEF", "portions": 1 + n % 4 // 3}, {"dish": "VEG-PLATTER", "portions": 1}]
    if n % 3 == 0:
        lines.append({"dish": "DUCK", "portions": 2})
    return lines


def by_recipe(lines: list[dict[str, Any]]) -> Counter[str]:
    """What ``lines`` take by the demo's recipes (exact decimals)."""
    recipes = {d["code"]: d["recipe"] for d in DEMO["dish"]}
    need: Counter[str] = Counter()
    for line in lines:
        for ingredient in recipes[line["dish"]]:
            need[ingredient["sku"]] += D(ingredient["qty_per_portion"]) * line["portions"]
    return need


def balances(t: ApiTenant, warehouse: str) -> dict[str, Decimal]:
    rows = ok(t.get("/stock", warehouse=warehouse, limit=500), 200)["items"]
    return {r["sku"]: D(r["on_hand"]) for r in rows}


def ceil3(value: Decimal) -> Decimal:
    return value.quantize(D("0.001"), ROUND_CEILING)


def test_the_catering_pack_consumes_by_recipe_and_makes_the_0400_purchase_list(
        api: Any, database: Database, clock: VirtualClock, make_tenant: TenantFactory) -> None:
    other = make_tenant(roles=("admin",))
    other.item("OTHER-1")
    other.warehouse("OTHER-WH")
    other.receive("OTHER-1", "OTHER-WH", 7)
    other_before = tenant_rows(other)  # type: ignore[arg-type]

    t = new_tenant(api, database, clock.now(), ("admin", "author", "warehouse"),
                   is_sandbox=True)
    # Until the pack is installed the module's routes do not exist for the tenant.
    assert_problem(t.get("/recipes/dishes"), 404, "module.not_installed")
    installed = ok(t.post("/packs/jxc.catering/install", {}, role="author"), 200)
    assert installed["rule_sets"] == ["group_meal", "loss_rate", "purchase_list"]

    # The pack's rule sets arrive in sandbox and their own rule tests pass there.
    for name, source in sorted(PACK.parts.tests.items()):
        [version] = ok(t.get("/rule-versions", name=f"jxc.catering:{name}"), 200)["items"]
        assert version["state"] == "sandbox"
        run = ok(t.post(f"/rule-versions/{version['id']}/tests", {"source": source},
                        role="author"), 200)
        cases = source.count("[[test]]")
        assert (run["is_passed"], run["total"], run["failed"]) == (True, cases, 0), run

    first_day = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()  # 16:00 there
    load_demo(t, first_day)
    share_one_pool(t)
    opening = balances(t, STORE)
    booked_day = (first_day + timedelta(days=2)).isoformat()
    assert [b["covers"] for b in ok(t.get("/recipes/bookings", store=STORE,
                                          booking_date=booked_day), 200)["items"]] == [
        b["covers"] for b in DEMO["booking"]]
    assert [D(x["temperature_c"]) for x in ok(t.get("/recipes/temperature-forecasts",
                                                    store=STORE), 200)["items"]] == [
        D(x["temperature_c"]) for x in DEMO["temperature"]]

    # A requisition from the central kitchen is a transfer kitchen → store.
    req = ok(t.post("/recipes/requisitions", {"store": STORE, "no": "REQ-1", "lines": [
        {"sku": "BEEF-TRIPE", "qty": "5"}]}, **{"Idempotency-Key": "req-1"}))
    assert (req["from_warehouse"], req["to_warehouse"], req["status"]) == (KITCHEN, STORE,
                                                                            "draft")
    ok(t.post("/transfers/REQ-1/dispatch", None), 200)
    ok(t.post("/transfers/REQ-1/receive", None), 200)
    share_one_pool(t)  # the pool takes in what arrived
    pool_before = {p["sku"]: D(p["qty"]) for p in ok(t.get(
        "/channel-pools", channel="HOTPOT", warehouse=STORE), 200)["items"]}
    assert pool_before["BEEF-TRIPE"] == opening["BEEF-TRIPE"] + 5

    # 40 hot-pot orders over three channels, one shared pool.
    expected: dict[str, Counter[str]] = {}
    covers = 0
    for n in range(40):
        channel = CHANNELS[n % 3]
        lines = order_lines(n)
        sale = ok(t.post("/recipes/sales", {"store": STORE, "channel": channel,
                                            "covers": COVERS[channel], "no": f"DS-{n:03d}",
                                            "lines": lines},
                         role="warehouse", **{"Idempotency-Key": f"sale-{n}"}))
        expected[sale["no"]] = by_recipe(lines)
        covers += COVERS[channel]
        assert {i["sku"]: D(i["qty"]) for i in sale["ingredients"]} == expected[sale["no"]]
    again = ok(t.post("/recipes/sales", {"store": STORE, "channel": "dine_in", "covers": 4,
                                         "no": "DS-000", "lines": order_lines(0)},
                      role="warehouse", **{"Idempotency-Key": "sale-0"}))
    assert again["replayed"] is True  # the same key changes nothing twice

    consumed: Counter[str] = sum(expected.values(), Counter())
    # Every ledger row of a sale names its sale, and per sale and SKU they add up exactly.
    with database.read(None) as s:
        rows = s.execute(select(LedgerEntry.document_ref, LedgerEntry.qty, Item.sku)
                         .join(Item, Item.id == LedgerEntry.item_id)
                         .where(LedgerEntry.tenant_id == t.tenant_id,
                                LedgerEntry.document_type == "dish_sale")).all()
    assert {r.document_ref for r in rows} == set(expected)
    per_sale: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        per_sale[row.document_ref][row.sku] -= row.qty
    assert per_sale == expected
    tripe_rows = ok(t.get("/ledger", document_ref="DS-001", sku="BEEF-TRIPE"), 200)["items"]
    assert [(r["document_type"], D(r["qty"])) for r in tripe_rows] == [
        ("dish_sale", -D("0.300"))]

    after = balances(t, STORE)
    for sku, qty in opening.items():
        arrived = D(5) if sku == "BEEF-TRIPE" else D(0)
        assert after[sku] == qty + arrived - consumed[sku], sku
    pool_after = {p["sku"]: D(p["qty"]) for p in ok(t.get(
        "/channel-pools", channel="HOTPOT", warehouse=STORE), 200)["items"]}
    assert {sku: pool_before[sku] - pool_after[sku] for sku in pool_before} == {
        sku: consumed[sku] for sku in pool_before}
    by_channel = Counter(s["channel"] for s in ok(t.get("/recipes/sales", store=STORE,
                                                        limit=100), 200)["items"])
    assert by_channel == {"dine_in": 14, "delivery": 13, "group_meal": 13}

    # Waste against the day's consumption: the loss rate.
    waste = ok(t.post("/recipes/waste", {"store": STORE, "reason": "毛肚变质",
                                         "lines": [{"sku": "BEEF-TRIPE", "qty": "0.450"}]},
                      role="warehouse", **{"Idempotency-Key": "waste-1"}))
    rate = (D("0.450") / consumed["BEEF-TRIPE"]).quantize(D("0.0001"))
    assert D(waste["max_loss_rate"]) == rate
    losses = ok(t.get("/recipes/loss-rates", store=STORE, date_from=first_day.isoformat(),
                      date_to=first_day.isoformat()), 200)["items"]
    tripe = [x for x in losses if x["sku"] == "BEEF-TRIPE"]
    assert [(D(x["consumed_qty"]), D(x["wasted_qty"]), D(x["loss_rate"])) for x in tripe] == [
        (consumed["BEEF-TRIPE"], D("0.450"), rate)]
    on_hand = balances(t, STORE)

    # No list before 04:00; advancing past 04:00 (store time) makes tomorrow's.
    assert ok(t.get("/recipes/purchase-lists"), 200)["count"] == 0
    moved = ok(t.post("/sandbox/clock/advance", {"hours": 12, "minutes": 5}), 200)
    assert moved["offset_seconds"] == 12 * 3600 + 300
    lists = ok(t.get("/recipes/purchase-lists", store=STORE), 200)
    assert lists["count"] == 1
    [plan] = lists["items"]
    business_day = first_day + timedelta(days=2)
    assert plan["business_date"] == business_day.isoformat()
    booked = sum(b["covers"] for b in DEMO["booking"]
                 if first_day + timedelta(days=b["day"]) == business_day)
    [reading] = DEMO["temperature"]
    factor = 1 + (D("20") - D(reading["temperature_c"])) * D("0.02")
    weather = int((covers * factor / 7).to_integral_value(ROUND_CEILING))
    expected_covers = max(booked, weather)
    assert plan["inputs"]["recent_covers"] == covers == 199
    assert D(plan["inputs"]["weather_factor"]) == factor
    assert (plan["inputs"]["booked_covers"], plan["expected_covers"]) == (booked,
                                                                          expected_covers)
    used = consumed + Counter({"BEEF-TRIPE": D("0.450")})
    want = {}
    for sku, qty in sorted(used.items()):
        needed = ceil3(expected_covers * qty / covers)
        want[sku] = (qty, needed, on_hand[sku], max(D(0), needed - on_hand[sku]))
    assert {x["sku"]: (D(x["used_qty"]), D(x["needed_qty"]), D(x["on_hand"]),
                       D(x["to_buy_qty"])) for x in plan["lines"]} == want
    assert any(v[3] > 0 for v in want.values())  # something is actually to buy

    # Running the job again (the worker, or the next advance) makes nothing twice.
    made = ok(t.get("/recipes/purchase-lists"), 200)["count"]
    assert made == len(DEMO["store"])  # the other demo store got its list too
    assert ok(t.post("/recipes/purchase-lists/generate", {}), 200) == {"generated": 0}
    ok(t.post("/sandbox/clock/advance", {"minutes": 30}), 200)
    assert ok(t.get("/recipes/purchase-lists"), 200)["count"] == made

    # Another tenant: nothing changed, and the module is not on for it.
    assert tenant_rows(other) == other_before  # type: ignore[arg-type]
    assert_problem(other.get("/recipes/purchase-lists"), 404, "module.not_installed")


def test_a_refused_sale_says_why_in_both_languages_and_changes_nothing(
        make_tenant: TenantFactory) -> None:
    t = make_tenant(roles=("admin",))
    ok(t.post("/packs/jxc.catering/install", {}), 200)
    load_demo(t, date(2026, 11, 23))
    share_one_pool(t)
    ok(t.client.put("/api/v1/channels/HOTPOT/pools/CD-CHUNXI/BEEF-TRIPE",
                    json={"target_qty": "1", "threshold_qty": "0"}, headers=t.headers()), 200)
    ok(t.post("/channel-pools/rebalance", {}))  # the shared pool holds 1 kg of tripe
    before = t.snapshot()

    def sale(store: str, dish: str, portions: int) -> Any:
        return t.post("/recipes/sales", {"store": store, "channel": "delivery", "covers": 1,
                                         "lines": [{"dish": dish, "portions": portions}]})

    assert_problem(sale(STORE, "NO-SUCH-DISH", 1), 404, "recipes.unknown_dish")
    assert_problem(sale(KITCHEN, "TRIPE", 1), 404, "recipes.unknown_store")
    short = assert_problem(sale(STORE, "TRIPE", 10), 409, "planning.pool_short")
    assert "BEEF-TRIPE" in short["message"]["en"] and "1.500" in short["message"]["en"]
    stock = assert_problem(sale(STORE, "BEEF", 100), 409, "inventory.insufficient_stock")
    assert "BEEF-SLICE" in stock["message"]["zh-CN"]
    assert_problem(t.post("/recipes/sales", {"store": STORE, "channel": "drive_through",
                                             "covers": 1, "lines": [{"dish": "TRIPE",
                                                                     "portions": 1}]}), 422)
    assert t.snapshot() == before
    assert ok(t.get("/recipes/sales"), 200)["count"] == 0
