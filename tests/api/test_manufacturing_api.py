"""The discrete-manufacturing pack (jxc.manufacturing) end to end over HTTP, on SQLite and
PostgreSQL: installed into a fresh tenant with its rule tests green in sandbox, the
machining-shop demo loaded through the API, a work order that issues its components and
receives its finished goods (ledger rows name it), the plated-part return rule walked to
production through governance (author ≠ reviewer) and freezing a too-heavy return, the
carbon footprint of a known bill exactly, and another tenant left exactly as it was."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from typing import Any

from engine import Worker
from engine.rule_handler import RuleHandler
from templates_marketplace.catalogue import BUILTIN_DIR
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem
from tests.integration.marketplace.test_install import tenant_rows

PACK = BUILTIN_DIR / "manufacturing"
DEMO: dict[str, Any] = tomllib.loads((PACK / "demo" / "machining_shop.toml").read_text("utf-8"))
WH = DEMO["shop"]["warehouse"]["code"]
D = Decimal


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def install(tenant: ApiTenant) -> dict[str, int]:
    """Install the pack as the author; its rule sets' version ids by rule-set name."""
    done = ok(tenant.post("/packs/jxc.manufacturing/install", {}, "author",
                          **{"Idempotency-Key": "install-mfg"}))
    assert done["rule_sets"] == ["plated_return", "work_orders"]
    versions = ok(tenant.get("/rule-versions", "author"))["items"]
    return {v["name"].removeprefix("jxc.manufacturing:"): v["id"] for v in versions
            if v["name"].startswith("jxc.manufacturing:")}


def load_demo(tenant: ApiTenant) -> None:
    """The machining-shop demo, through the API as a user would enter it."""
    shop = DEMO["shop"]["warehouse"]
    tenant.warehouse(shop["code"], name_zh=shop["name_zh"], name_en=shop["name_en"])
    for item in DEMO["item"]:
        tenant.item(item["sku"], **{k: v for k, v in item.items() if k != "sku"})
    for factor in DEMO["emission_factor"]:
        ok(tenant.client.put("/api/v1/emission-factors", json=factor,
                             headers=tenant.headers("admin")))
    for bom in DEMO["bom"]:
        ok(tenant.post("/boms", bom, "admin", **{"Idempotency-Key": f"bom-{bom['sku']}"}), 201)
    for line in DEMO["stock"]:
        tenant.receive(line["sku"], WH, line["qty"])


def on_hand(tenant: ApiTenant) -> dict[str, Decimal]:
    rows = ok(tenant.get("/stock", warehouse=WH, limit=500))["items"]
    return {r["sku"]: D(r["on_hand"]) for r in rows}


def to_production(tenant: ApiTenant, version_id: int, tests: str) -> dict[str, Any]:
    """Walk a pack version from sandbox to production like the users do."""
    run = ok(tenant.post(f"/rule-versions/{version_id}/tests", {"source": tests}, "author"))
    assert run["is_passed"] and run["failed"] == 0, run
    ok(tenant.post(f"/rule-versions/{version_id}/transitions", {"to": "shadow"}, "author"))
    job = ok(tenant.post(f"/rule-versions/{version_id}/replays", {"hours": 72}, "author"), 202)
    assert ok(tenant.get(f"/replays/{job['id']}", "author"))["status"] == "done"
    ok(tenant.post(f"/rule-versions/{version_id}/transitions", {"to": "awaiting_review"},
                   "author"))
    assert_problem(tenant.post(f"/rule-versions/{version_id}/approve", {}, "author"), 403)
    approved = ok(tenant.post(f"/rule-versions/{version_id}/approve", {"comment": "电镀校验上线"},
                              "reviewer"))
    assert approved["state"] == "production" and approved["author"] != "user:reviewer"
    return approved


def test_the_pack_installs_with_green_rule_tests_and_changes_no_other_tenant(
        make_tenant: TenantFactory) -> None:
    tenant, other = make_tenant(), make_tenant()
    other.item("OTHER-1")
    before = tenant_rows(other)
    assert_problem(tenant.get("/boms"), 404, "module.not_installed")
    versions = install(tenant)
    assert ok(tenant.get("/boms"))["count"] == 0
    for name, version_id in versions.items():
        version = ok(tenant.get(f"/rule-versions/{version_id}", "author"))
        assert version["state"] == "sandbox"
        assert version["author"] == "pack:jxc.manufacturing@1.0.0"
        tests = (PACK / "tests" / f"{name}.toml").read_text("utf-8")
        run = ok(tenant.post(f"/rule-versions/{version_id}/tests", {"source": tests}, "author"))
        assert run["is_passed"] and run["total"] >= 3 and run["failed"] == 0, run
    assert tenant_rows(other) == before
    assert_problem(other.get("/boms"), 404, "module.not_installed")
    assert_problem(other.get("/work-orders"), 404, "module.not_installed")
    # Uninstalling switches the module off again; the tenant's bills stay.
    load_demo(tenant)
    ok(tenant.post("/packs/jxc.manufacturing/uninstall", {}, "author"))
    assert_problem(tenant.get("/boms"), 404, "module.not_installed")
    assert tenant_rows(tenant)["bom"] and tenant_rows(other) == before


def test_a_bill_closing_a_cycle_is_refused_and_the_known_bill_has_its_exact_footprint(
        make_tenant: TenantFactory) -> None:
    tenant = make_tenant()
    install(tenant)
    load_demo(tenant)
    body = ok(tenant.get("/boms/VB-BODY"))
    refused = assert_problem(tenant.client.put(
        "/api/v1/boms/VB-BODY", json={"lines": [{"sku": "VB-ASSY", "qty": "1"}]},
        headers=tenant.headers()), 422, "manufacturing.bom_cycle")
    assert refused["context"]["path"] == "VB-BODY → VB-ASSY → VB-BODY"
    assert ok(tenant.get("/boms/VB-BODY")) == body
    footprint = ok(tenant.get("/boms/VB-ASSY/carbon-footprint"))
    # VB-BODY  = 1.350 kg × 8.240 + (2.400 + 0.150) kWh × 0.5703          = 12.578265
    # SHAFT-20 = 0.420 kg × 2.100 + 0.800 kWh × 0.5703 + 0.050 m³ × 2.162 =  1.44634
    # VB-ASSY  = 12.578265 + 2 × 1.44634 + 4 × 0.045 + 2 × 0.012
    #            + (0.300 + 0.120) kWh × 0.5703                           = 15.914471
    assert footprint["per_unit_kg_co2e"] == "15.914471" and not footprint["is_rounded"]
    assert footprint["unit"] == "kg CO2e"
    assert sum(D(c["kg_co2e"]) for c in footprint["contributions"]) == D("15.914471")
    assert {tuple(c["path"]) for c in footprint["contributions"]} >= {
        ("VB-ASSY", "VB-BODY", "AL-6061-BAR"), ("VB-ASSY", "SHAFT-20", "STL-45-BAR")}
    tenant.item("NO-FACTOR")
    ok(tenant.post("/boms", {"sku": "NO-FACTOR", "lines": [{"sku": "BOLT-M8", "qty": "1"}],
                             "operations": [{"name": "喷涂", "energy_carrier": "lpg",
                                             "energy_per_unit": "0.5"}]}), 201)
    missing = assert_problem(tenant.get("/boms/NO-FACTOR/carbon-footprint"), 422,
                             "manufacturing.missing_emission_factor")
    assert missing["context"]["name"] == "lpg"


def test_a_work_order_issues_and_receives_and_a_heavy_plated_return_is_frozen(
        make_tenant: TenantFactory) -> None:
    tenant = make_tenant()
    versions = install(tenant)
    load_demo(tenant)
    [order] = DEMO["work_order"]
    created = ok(tenant.post("/work-orders", {k: order[k] for k in ("no", "sku", "qty")}
                             | {"warehouse": WH}, "warehouse",
                             **{"Idempotency-Key": "wo-create"}), 201)
    no = created["no"]
    assert [(x["sku"], D(x["qty"])) for x in created["lines"]] == [
        ("VB-BODY", D(10)), ("SHAFT-20", D(20)), ("BOLT-M8", D(40)), ("ORING-20", D(20))]
    ok(tenant.post(f"/work-orders/{no}/release", {}, "warehouse"))
    before = on_hand(tenant)
    issued = ok(tenant.post(f"/work-orders/{no}/issue", {}, "warehouse",
                            **{"Idempotency-Key": "wo-issue"}))
    again = ok(tenant.post(f"/work-orders/{no}/issue", {}, "warehouse",
                           **{"Idempotency-Key": "wo-issue"}))
    assert again["replayed"] is True and again["event_id"] == issued["event_id"]
    after = on_hand(tenant)
    for line in created["lines"]:
        assert before[line["sku"]] - after[line["sku"]] == D(line["qty"]), line
    ledger = ok(tenant.get("/ledger", document_ref=no))["items"]
    assert sorted((r["sku"], D(r["qty"])) for r in ledger) == sorted(
        (x["sku"], -D(x["qty"])) for x in created["lines"])
    assert {r["document_type"] for r in ledger} == {"work_order"}
    for reading in order["energy"]:
        ok(tenant.post(f"/work-orders/{no}/energy-readings", reading, "warehouse"), 201)
    received = ok(tenant.post(f"/work-orders/{no}/receive", {}, "warehouse"))
    assert received["status"] == "received" and received["lot_no"] == no
    assert on_hand(tenant)["VB-ASSY"] == before.get("VB-ASSY", D(0)) + D(order["qty"])
    footprint = ok(tenant.get(f"/work-orders/{no}/carbon-footprint"))
    # 10 × 12.578265 + 20 × 1.44634 + 40 × 0.045 + 20 × 0.012 + (4.2 + 1.2) × 0.5703
    #   = 125.78265 + 28.9268 + 1.8 + 0.24 + 3.07962 = 159.82907 kg, 15.982907 per unit
    assert (footprint["total_kg_co2e"], footprint["per_unit_kg_co2e"]) == ("159.82907",
                                                                           "15.982907")
    assert ok(tenant.post(f"/work-orders/{no}/close", {}, "warehouse"))["status"] == "closed"

    # The plated-part return: the pack's rule walked to production, then judged by it.
    to_production(tenant, versions["plated_return"],
                  (PACK / "tests" / "plated_return.toml").read_text("utf-8"))
    [sub] = DEMO["subcontract"]
    ok(tenant.post("/purchase-orders", {"supplier": sub["supplier"], "warehouse": WH,
                                        "no": sub["no"], "lines": [
                                            {"sku": sub["sku"], "qty": sub["qty"]}]}), 201)
    ok(tenant.post(f"/purchase-orders/{sub['no']}/approve", {}))
    for back in sub["returns"]:
        ok(tenant.post("/receipts", {"purchase_order_no": sub["no"], "no": back["no"],
                                     "expected_weight_kg": back["expected_weight_kg"],
                                     "lines": [{"order_line_no": 1, "qty": back["qty"]}]}),
           201)
        ok(tenant.post(f"/receipts/{back['no']}/report-return", {
            "process": "plating", "is_scanned": back["is_scanned"],
            "photo_count": back["photo_count"],
            "measured_weight_kg": back["measured_weight_kg"]}, "warehouse"))
    app = tenant.client.app  # type: ignore[attr-defined]
    Worker(tenant.db, app.state.clock, handler=RuleHandler()).run_once()
    good, heavy = (ok(tenant.get(f"/receipts/{b['no']}")) for b in sub["returns"])
    assert good["status"] == "inspected"  # 6.780 kg of 6.750: +0.44 %
    assert heavy["status"] == "frozen"  # 6.950 kg of 6.750: +2.96 %
    assert "plated_return_check" in heavy["frozen_reason"]
    inbox = ok(tenant.get("/inbox"))["items"]
    assert ("role:quality_manager", "回厂校验未通过: RC-NI-02") in [
        (m["recipient"], m["message"]) for m in inbox]
    assert_problem(tenant.post("/receipts/RC-NI-02/put-away", {}), 409)


def test_the_work_order_state_machine_over_http(make_tenant: TenantFactory) -> None:
    tenant = make_tenant()
    install(tenant)
    load_demo(tenant)
    created = ok(tenant.post("/work-orders", {"sku": "VB-BODY", "qty": "2", "warehouse": WH},
                             "warehouse"), 201)
    no = created["no"]
    assert created["status"] == "draft" and created["allowed_actions"] == ["release", "cancel"]
    ledger_before = tenant.ledger_rows()
    for action in ("issue", "receive", "close"):
        refused = assert_problem(tenant.post(f"/work-orders/{no}/{action}", {}, "warehouse"),
                                 409, "document.invalid_transition")
        assert refused["context"]["allowed"] == "release, cancel"
        assert "生产工单" in refused["message"]["zh-CN"]
    assert_problem(tenant.post(f"/work-orders/{no}/energy-readings",
                               {"operation": "CNC 铣削", "qty": "1"}, "warehouse"), 409,
                   "manufacturing.reading_not_allowed")
    ok(tenant.post(f"/work-orders/{no}/release", {}, "warehouse"))
    assert_problem(tenant.post(f"/work-orders/{no}/energy-readings",
                               {"operation": "磨削", "qty": "1"}, "warehouse"), 422,
                   "manufacturing.unknown_operation")
    cancelled = ok(tenant.post(f"/work-orders/{no}/cancel", {}, "warehouse"))
    assert cancelled["status"] == "cancelled" and cancelled["allowed_actions"] == []
    final = assert_problem(tenant.post(f"/work-orders/{no}/release", {}, "warehouse"), 409)
    assert final["context"]["allowed"] == "—"
    assert tenant.ledger_rows() == ledger_before  # nothing was issued or received
    assert_problem(tenant.post(f"/work-orders/{no}/release", {}, "viewer"), 403)
    listed = ok(tenant.get("/work-orders", status="cancelled"))
    assert [w["no"] for w in listed["items"]] == [no]
    assert ok(tenant.get("/work-orders", status="draft"))["count"] == 0
