"""The no-stock services pack (进销存·无库存版) over HTTP, on SQLite and PostgreSQL: it installs
into a fresh tenant with green rule tests in sandbox and changes nothing in another tenant;
a metered month becomes an invoice draft with exact amounts; the tenant never writes a
single stock row, and the stock-needing modules stay switched off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from inventory.models import LedgerEntry, StockBalance
from kernel.clock import VirtualClock
from kernel.models import OutboxEvent
from templates_marketplace import builtin
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem
from tests.api.pack_flow import install_into_a_fresh_tenant, ok

PACK = "jxc.services"


def demo() -> dict[str, Any]:
    """The pack's own demo data."""
    return builtin(PACK).parts.demo["cloud_support"]


def graduated(qty: Decimal, tiers: list[dict[str, Any]]) -> list[tuple[Decimal, Decimal]]:
    """(units, amount) of each tier ``qty`` reaches, by the documented rule: each tier's
    price on the units inside it, each amount half-up to the cent."""
    bands, low = [], Decimal(0)
    for tier in tiers:
        high = Decimal(tier["up_to"]) if "up_to" in tier else qty
        units = min(qty, high) - low
        if units <= 0:
            break
        amount = (units * Decimal(tier["unit_price"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        bands.append((units, amount))
        low = high
    return bands


def rows_of(t: ApiTenant, model: Any) -> int:
    with t.db.read(None) as session:
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.tenant_id == t.tenant_id)) or 0


def test_services_pack_installs_with_green_rule_tests_and_leaves_others_alone(
        make_tenant: TenantFactory) -> None:
    installed = install_into_a_fresh_tenant(make_tenant, PACK, [
        "/contracts", "/metering/usage", "/invoice-drafts"])
    assert installed["events"] == ["metering.usage_recorded", "contract.milestone_reached",
                                   "invoice_draft.created"]


def test_a_metered_month_becomes_an_invoice_draft_without_a_stock_row(
        make_tenant: TenantFactory, clock: VirtualClock) -> None:
    data = demo()
    t = make_tenant()
    ok(t.post(f"/packs/{PACK}/install", {}, "author"))
    # The stock-needing modules are not installed here.
    assert_problem(t.get("/forecast/runs"), 404, "module.not_installed")

    contract = ok(t.post("/contracts", data["contract"], "admin",
                         **{"Idempotency-Key": "contract-1"}), 201)
    no = contract["no"]
    assert [m["status"] for m in contract["milestones"]] == ["open"]
    again = ok(t.post("/contracts", data["contract"], "admin",
                      **{"Idempotency-Key": "contract-1"}), 201)
    assert again["replayed"] and again["no"] == no
    assert_problem(t.post("/contracts", data["contract"], "admin"), 409,
                   "contracts.duplicate_contract")

    # The milestone waits for its deliverables.
    waiting = assert_problem(t.post(f"/contracts/{no}/milestones/GO-LIVE/reach", {},
                                    "warehouse"), 409, "contracts.milestone_not_ready")
    assert "HANDBOOK" in waiting["message"]["en"] and "SETUP" in waiting["message"]["en"]
    for code in ("SETUP", "HANDBOOK"):
        ok(t.post(f"/contracts/{no}/deliverables/{code}/deliver", {}, "warehouse",
                  **{"Idempotency-Key": f"deliver-{code}"}))
    reached = ok(t.post(f"/contracts/{no}/milestones/GO-LIVE/reach", {}, "warehouse",
                        **{"Idempotency-Key": "reach-1"}))
    assert reached["milestones"][0]["status"] == "reached"

    # The month is not over yet: no invoice for it.
    assert clock.now().strftime("%Y-%m") == data["period"]
    assert_problem(t.post("/invoice-drafts", {"contract": no, "period": data["period"]},
                          "warehouse"), 422, "contracts.invalid_period")
    month_end = datetime.strptime(data["period"] + "-01", "%Y-%m-%d").replace(
        tzinfo=UTC) + timedelta(days=31)
    # The meter (and the billing job) call with an API token: it outlives the week's sessions.
    meter = t.api_token(["stock:read", "stock:write"], name="meter")["token"]
    clock.advance(month_end.replace(day=1, hour=1) - clock.now())
    t.tokens["meter"] = meter

    # Metered usage, one meter event each; a meter that sends an event twice records once.
    ids = [ok(t.post("/metering/usage", {"contract": no, **usage}, "meter"), 201)
           for usage in data["usage"]]
    assert [u["duplicate"] for u in ids] == [False] * len(data["usage"])
    repeat = ok(t.post("/metering/usage", {"contract": no, **data["usage"][0]}, "meter"),
                201)
    assert repeat["duplicate"] is True and repeat["id"] == ids[0]["id"]
    assert_problem(t.post("/metering/usage", {"contract": no, **data["usage"][0],
                                              "qty": "1"}, "meter"), 409,
                   "contracts.usage_event_reused")
    assert_problem(t.post("/metering/usage", {"contract": no, **data["usage"][0],
                                              "metric": "gpu_hours", "event_id": "x-1"},
                          "meter"), 422, "contracts.unknown_metric")
    in_period = [u for u in data["usage"] if u["occurred_at"].startswith(data["period"])]
    usage_page = ok(t.get("/metering/usage", "meter", contract=no, period=data["period"]))
    assert usage_page["count"] == len(in_period) < len(data["usage"])

    invoice = ok(t.post("/invoice-drafts", {"contract": no, "period": data["period"]},
                        "meter", **{"Idempotency-Key": "invoice-1"}), 201)

    # The amounts, computed here from the demo's usage and prices by the documented rule.
    expected: list[tuple[str, str, Decimal, Decimal]] = []
    for metric in sorted({u["metric"] for u in in_period}):
        used = sum((Decimal(u["qty"]) for u in in_period if u["metric"] == metric), Decimal(0))
        for units, amount in graduated(used, data["contract"]["prices"][metric]["tiers"]):
            expected.append(("usage", metric, units, amount))
    milestone = data["contract"]["milestones"][0]
    expected.append(("milestone", None, Decimal(1), Decimal(milestone["amount"])))  # type: ignore[arg-type]
    got = [(ln["kind"], ln["metric"], Decimal(ln["qty"]), Decimal(ln["amount"]))
           for ln in invoice["lines"]]
    assert got == expected
    assert Decimal(invoice["total"]) == sum((e[3] for e in expected), Decimal(0))
    assert invoice["total"] == str(Decimal(invoice["total"]).quantize(Decimal("0.01")))
    assert (invoice["status"], invoice["period"], invoice["customer"]) == (
        "draft", data["period"], data["contract"]["customer"])
    # A band that lands on half a cent is rounded up (19 583 calls × ¥0.0125 = ¥244.7875).
    assert any(ln["amount"] == "244.79" for ln in invoice["lines"])

    replay = ok(t.post("/invoice-drafts", {"contract": no, "period": data["period"]},
                       "meter", **{"Idempotency-Key": "invoice-1"}), 201)
    assert replay["replayed"] and replay["no"] == invoice["no"]
    assert_problem(t.post("/invoice-drafts", {"contract": no, "period": data["period"]},
                          "meter"), 409, "contracts.invoice_already_drafted")
    assert ok(t.get(f"/invoice-drafts/{invoice['no']}", "meter"))["total"] == invoice["total"]
    assert ok(t.get(f"/contracts/{no}", "meter"))["milestones"][0]["status"] == "invoiced"

    with t.db.read(None) as session:
        types = sorted(session.scalars(select(OutboxEvent.type).where(
            OutboxEvent.tenant_id == t.tenant_id)).all())
    assert types.count("metering.usage_recorded") == len(data["usage"])
    assert types.count("contract.milestone_reached") == 1
    assert types.count("invoice_draft.created") == 1
    assert rows_of(t, LedgerEntry) == 0 and rows_of(t, StockBalance) == 0


def test_bad_contracts_are_refused_and_change_nothing(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    ok(t.post(f"/packs/{PACK}/install", {}, "author"))
    base = demo()["contract"]
    falling = {**base, "prices": {"api_calls": {"pricing": "tiered", "tiers": [
        {"up_to": "100", "unit_price": "1"}, {"up_to": "50", "unit_price": "0.5"},
        {"unit_price": "0.1"}]}}}
    bad = assert_problem(t.post("/contracts", falling), 422, "contracts.invalid_pricing")
    assert "rising" in bad["message"]["en"]
    open_top = {**base, "prices": {"api_calls": {"pricing": "per_unit", "tiers": [
        {"up_to": "100", "unit_price": "1"}]}}}
    assert_problem(t.post("/contracts", open_top), 422, "contracts.invalid_pricing")
    ghost = {**base, "milestones": [{"code": "M1", "title": "验收", "amount": "1.00",
                                     "deliverables": ["NOPE"]}]}
    assert_problem(t.post("/contracts", ghost), 404, "contracts.unknown_part")
    assert_problem(t.post("/contracts", base, "warehouse"), 403, "auth.forbidden")
    assert_problem(t.post("/invoice-drafts", {"contract": "NOPE", "period": "2026-10"},
                          "warehouse"), 404, "contracts.unknown_contract")
    assert_problem(t.post("/invoice-drafts", {"contract": "NOPE", "period": "2026-13"},
                          "warehouse"), 422)
    assert ok(t.get("/contracts"))["count"] == 0
    with t.db.read(None) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)
                              .where(OutboxEvent.tenant_id == t.tenant_id)) == 0
