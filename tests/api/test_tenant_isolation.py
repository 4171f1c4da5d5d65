"""One tenant can never see or touch another's rows, whatever URL or body it sends.

Tenant A owns an item, a warehouse with a bin, stock, a reservation, ledger rows and an
API token. Tenant B's admin (who holds every permission) calls every route of the OpenAPI
document that takes a path parameter with A's value in it; every call must answer 404 as
a problem and leave both tenants' rows exactly as they were. New routes are covered on
their own: a path parameter or request body this file does not know fails the test.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from connectors import deliveries
from connectors.models import Connector
from inventory.documents import take_due_snapshots
from templates_marketplace import builtin, new_private_key, pack_bytes, public_key_of, sign
from tests.api.conftest import API, ApiTenant, TenantFactory, assert_problem

#: Path parameter name → which of a tenant's values it takes. Add a row for every new one.
PATH_PARAMETERS: dict[str, str] = {
    "sku": "sku",  # /items/{sku}, /stock/lots/{sku}
    "code": "warehouse",  # /warehouses/{code}, /warehouses/{code}/bins
    "reservation_id": "reservation_id",  # /reservations/{reservation_id}
    "entry_id": "entry_id",  # /ledger/{entry_id}
    "token_id": "token_id",  # /api-tokens/{token_id}
    "no": "document_no",  # /sales-orders/{no}, /purchase-orders/{no}, /receipts/{no}, …
    "event_id": "event_id",  # /events/{event_id}/retry, /lineage/events/{event_id}
    "version_id": "version_id",  # /rule-versions/{version_id}[/tests|/approve|…]
    "job_id": "job_id",  # /replays/{job_id}
    "name": "rule_set",  # /rule-sets/{name}/rollback, /rule-sets/{name}/policy
    "pack_id": "pack_id",  # /packs/{pack_id}, /packs/{pack_id}/install, … (a pack from a file)
    "channel": "channel",  # /channels/{channel}, /channels/{channel}/pools/{code}/{sku}, …
    "run_id": "run_id",  # /channel-pools/rebalance-runs/{run_id}
    "connector": "connector",  # /connectors/{connector}, …/test-mapping, …/subscriptions
    "delivery_id": "delivery_id",  # /connector-deliveries/{delivery_id}, …/resend
    "public_id": "public_id",  # /hooks/{public_id} (signed, see SIGNED_PATHS)
    "customer": "customer",  # /customers/{customer}/freeze, /customers/{customer}/unfreeze
    "supplier": "supplier",  # /suppliers/{supplier}, /suppliers/{supplier}/qualifications
    "snapshot_id": "snapshot_id",  # /shift-snapshots/{snapshot_id}
    "dish": "dish",  # /recipes/dishes/{dish} (the catering pack's recipes module)
    # Product modules of the services pack (contracts, metering).
    "contract_no": "contract_no",  # /contracts/{contract_no}, …/deliverables/…, …/milestones/…
    "deliverable": "deliverable",  # /contracts/{contract_no}/deliverables/{deliverable}/deliver
    "milestone": "milestone",  # /contracts/{contract_no}/milestones/{milestone}/reach
    "invoice_no": "invoice_no",  # /invoice-drafts/{invoice_no}
}

#: Routes authenticated by a signature instead of the bearer token: anyone's token (A's or
#: B's) is no signature, so both calls answer 401 and change nothing.
SIGNED_PATHS = {"/api/v1/hooks/{public_id}"}

#: Request body schema (components/schemas name) → a valid body. Add a row for every new one.
BODIES: dict[str, dict[str, Any]] = {
    "BinCreate": {"code": "BIN-NEW"},  # POST /warehouses/{code}/bins
    "ConfirmationCodeIn": {"code": "4711"},  # PUT /warehouses/{code}/confirmation-code
    "InspectionIn": {"is_scanned": True, "photo_count": 1},  # POST /receipts/{no}/inspect
    "FreezeIn": {"reason": "rule"},  # POST /receipts/{no}/freeze
    "ReturnCheckIn": {"process": "plating", "is_scanned": True,
                      "photo_count": 1},  # POST /receipts/{no}/report-return
    "ShipIn": {"confirmation_code": "4711", "tracking_no": "SF1"},  # POST /shipments/{no}/ship
    "InstallIn": {},  # POST /packs/{pack_id}/install
    "UpgradeIn": {},  # POST /packs/{pack_id}/upgrade
    "PauseIn": {"reason": "rule"},  # POST /channels/{channel}/pause
    "PoolSettingIn": {"target_qty": "5", "threshold_qty": "1"},  # PUT …/pools/{code}/{sku}
    # POST /stocktakes/{no}/counts: B's SKU (A's stocktake is not found before it is read)
    "CountsIn": {"counts": [{"sku": "B-SKU-1", "counted_qty": "39"}]},
    "StocktakePostIn": {"photo_refs": ["sheet-1.jpg"]},  # POST /stocktakes/{no}/post
    "CustomerFreezeIn": {"reason": "overdue"},  # POST /customers/{customer}/freeze
    # POST /suppliers/{supplier}/qualifications
    "QualificationIn": {"kind": "business_licence", "number": "91330100", "expiry_date":
                        "2030-01-01"},
    "MappingSample": {"sample": {"body": {}}},  # POST /connectors/{connector}/test-mapping
    "SubscriptionIn": {"event_type": "stock.received"},  # POST /connectors/{connector}/subscr…
    "ConnectorUpdate": {"options": {"note": "x"}},  # PATCH /connectors/{connector}
    # POST /rule-versions/{version_id}/tests
    "RuleTestsIn": {"source": '[[test]]\nname = "n"\nevent = "price.changed"\nexpect = []'},
    "TransitionIn": {"to": "retired"},  # POST /rule-versions/{version_id}/transitions
    "ReplayIn": {"hours": 72},  # POST /rule-versions/{version_id}/replays
    "ApproveIn": {"comment": "ok"},  # POST /rule-versions/{version_id}/approve
    "studio__schemas_warehouse__RejectIn": {"reason": "no"},  # POST /adjustments/{no}/reject
    # POST /rule-versions/{version_id}/reject
    "studio__schemas_governance__RejectIn": {"comment": "no"},
    # POST /rule-versions/{version_id}/conflicts/acknowledge (the pricing example's pair)
    "AcknowledgeIn": {"key": "below_cost|price.change_requested|TOY-1|double11_toy_promotion|"
                             "key_account_rebate", "comment": "seen"},
    "RolloutIn": {"percent": 50},  # POST /rule-versions/{version_id}/rollout
    "RollbackIn": {"reason": "r"},  # POST /rule-sets/{name}/rollback
    # PUT /rule-sets/{name}/policy
    "studio__schemas_governance__PolicyIn": {"approvals_required": 2},
    # The manufacturing module (jxc.manufacturing): every tenant has its own PART-COMMON.
    "BomBody": {"lines": [{"sku": "PART-COMMON", "qty": "2"}]},  # PUT /boms/{sku}
    # POST /work-orders/{no}/energy-readings
    "EnergyReadingIn": {"operation": "assemble", "qty": "1.5"},
    # The catering pack's recipes module: PUT /recipes/dishes/{dish}, PUT /recipes/stores/{code}
    "DishUpdate": {"name_zh": "改名", "recipe": [{"sku": "B-SKU-1", "qty_per_portion": "1"}]},
    "StoreIn": {},
}

#: List routes with required query parameters → B's own values for them (``{b.x}``).
LIST_QUERIES: dict[str, dict[str, str]] = {
    "/api/v1/lots/fefo": {"sku": "{b.sku}", "warehouse": "{b.warehouse}", "qty": "1"},
    "/api/v1/recall": {"sku": "{b.sku}", "lot_no": "B-LOT-1"},
    "/api/v1/recall.csv": {"sku": "{b.sku}", "lot_no": "B-LOT-1"},
}

#: Rule text every tenant stores as a version (it has one conflict, acknowledged above).
PRICING = (Path(__file__).parents[2] / "examples/governance/promotion_and_rebate.rule"
           ).read_text("utf-8")


@dataclass(frozen=True, slots=True)
class Owned:
    """The ids and codes of one tenant's rows, by kind."""

    sku: str
    warehouse: str
    bin: str
    reservation_id: str
    entry_id: int
    token_id: int
    token_name: str
    document_no: str
    event_id: str
    pack_id: str
    channel: str
    run_id: int
    customer: str
    supplier: str
    snapshot_id: int
    connector: str
    delivery_id: str
    public_id: str
    version_id: int
    job_id: int
    rule_set: str
    dish: str
    contract_no: str
    deliverable: str
    milestone: str
    invoice_no: str

    def value(self, kind: str) -> str:
        """The value of ``kind`` as it goes into a URL."""
        return str(getattr(self, kind))


def populate(tenant: ApiTenant, tag: str) -> Owned:
    """Give ``tenant`` one of everything, with codes no other tenant uses."""
    sku, warehouse, bin_code = f"{tag}-SKU-1", f"{tag}-WH-1", f"{tag}-BIN-1"
    tenant.item(sku)
    tenant.warehouse(warehouse)
    tenant.bin(warehouse, bin_code)
    received = tenant.receive(sku, warehouse, 40, lot_no=f"{tag}-LOT-1")
    reservation = tenant.reserve(sku, warehouse, 5, ttl_seconds=7200)["reservation"]
    token_name = f"{tag} scanner"
    token = tenant.api_token(["stock:read", "stock:write"], name=token_name)
    no = f"{tag}-DOC-1"
    tenant.client.put(f"{API}/warehouses/{warehouse}/confirmation-code", json={"code": "4711"},
                      headers=tenant.headers())
    tenant._created("/customers", {"code": f"{tag}-C", "name": "客户"})
    tenant._created("/purchase-orders", {"supplier": "S", "warehouse": warehouse, "no": no,
                                         "lines": [{"sku": sku, "qty": "5"}]})
    tenant.post(f"/purchase-orders/{no}/approve", None)
    tenant._created("/receipts", {"purchase_order_no": no, "no": no,
                                  "lines": [{"order_line_no": 1, "qty": "5"}]})
    tenant._created("/sales-orders", {"customer": f"{tag}-C", "warehouse": warehouse, "no": no,
                                      "lines": [{"sku": sku, "qty": "4"}]})
    tenant.post(f"/sales-orders/{no}/confirm", None)
    first = tenant._created("/shipments", {"sales_order_no": no, "no": f"{tag}-SH-0",
                                           "lines": [{"order_line_no": 1, "qty": "1"}]})
    for step in ("pick", "pack"):
        tenant.post(f"/shipments/{first['no']}/{step}", None)
    tenant.post(f"/shipments/{first['no']}/ship", {"confirmation_code": "4711",
                                                   "tracking_no": "T"})
    tenant._created("/shipments", {"sales_order_no": no, "no": no})
    tenant._created("/sales-returns", {"sales_order_no": no, "no": no, "reason": "other",
                                       "lines": [{"order_line_no": 1, "qty": "1"}]})
    pack_id = add_private_pack(tenant, tag)
    # The food pack switches the lots, cold-chain and recall routes on (#11).
    assert tenant.post("/packs/jxc.food/install", {}).status_code == 200
    # A toy with its list and cost price: the pricing rules stack it below cost (a conflict).
    tenant.item("TOY-1", category="toys", list_price="100.00", cost_price="70.00")
    version = tenant._created("/rule-versions", {"name": f"{tag}-pricing", "source": PRICING})
    job = tenant.post(f"/rule-versions/{version['id']}/replays", {"hours": 72})
    assert job.status_code == 202, job.text
    channel = f"{tag}-CH"
    tenant._created("/channels", {"code": channel, "name": "渠道"})
    tenant.client.put(f"{API}/channels/{channel}/pools/{warehouse}/{sku}",
                      json={"target_qty": "3", "threshold_qty": "1"}, headers=tenant.headers())
    run = tenant._created("/channel-pools/rebalance", {})
    tenant._created("/supplier-invoices", {"purchase_order_no": no, "no": no,
                                           "invoiced_at": "2026-11-23T08:00:00+00:00",
                                           "lines": [{"order_line_no": 1, "qty": "5",
                                                      "amount": "0.00"}]})
    tenant.client.put(f"{API}/replenishment/policies", json={
        "sku": sku, "warehouse": warehouse, "mode": "static", "supplier": "S",
        "lead_time_days": 2, "reorder_point": "100"}, headers=tenant.headers())
    tenant._created("/replenishment/suggestions/run", {})
    tenant.warehouse(f"{tag}-WH-3")
    tenant._created("/transfers", {"from_warehouse": warehouse, "to_warehouse": f"{tag}-WH-3",
                                   "no": no, "lines": [{"sku": sku, "qty": "1"}]})
    tenant._created("/adjustments", {"warehouse": warehouse, "reason": "found", "no": no,
                                     "photo_refs": ["p.jpg"], "lines": [{"sku": sku,
                                                                         "qty": "1"}]})
    tenant._created("/stocktakes", {"warehouse": warehouse, "no": no})
    tenant._created("/suppliers", {"code": f"{tag}-SUP", "name": f"{tag} 供应商"})
    add_manufacturing(tenant, sku, warehouse, no)
    clock = tenant.client.app.state.clock  # type: ignore[attr-defined]
    tenant._created("/shifts", {"warehouse": warehouse, "name": "day", "timezone": "UTC",
                                "end_time": clock.now().strftime("%H:%M")})
    take_due_snapshots(tenant.db, clock.now())
    snapshot_id = tenant.get("/shift-snapshots").json()["items"][0]["id"]
    connector = f"{tag}-erp"
    tenant._created("/connectors", {"name": connector, "kind": "webhook_out",
                                    "endpoint": f"https://{tag.lower()}.example.com/hook"})
    hook = tenant._created("/connectors", {"name": f"{tag}-asn", "kind": "webhook_in", "config": {
        "mapping": {"event_type": "supplier.asn_received", "fields": {"asn.no": "body.no"}}}})
    with tenant.db.write(tenant.tenant_id) as session:  # a delivery, as a worker would queue
        connector_id = session.scalar(select(Connector.id).where(Connector.name == connector))
        assert connector_id is not None
        delivery = deliveries.enqueue(session, tenant.tenant_id, connector_id, "https://x",
                                      {"n": 1}, received["event_id"], datetime.now(UTC))
        delivery_id = delivery.delivery_id
    contract_no, invoice_no = add_packs_with_modules(tenant, tag, sku, warehouse)
    return Owned(channel=channel, run_id=run["id"], sku=sku, warehouse=warehouse, bin=bin_code,
                 reservation_id=reservation["id"], pack_id=pack_id,
                 entry_id=received["entries"][0]["id"], token_id=token["id"],
                 token_name=token_name, document_no=no, event_id=received["event_id"],
                 version_id=version["id"], job_id=job.json()["id"],
                 rule_set=f"{tag}-pricing", customer=f"{tag}-C", supplier=f"{tag}-SUP",
                 snapshot_id=snapshot_id, connector=connector, delivery_id=delivery_id,
                 public_id=hook["inbound_path"].rsplit("/", 1)[1], dish=catering(tenant, tag),
                 contract_no=contract_no, deliverable=f"{tag}-DLV", milestone=f"{tag}-MS",
                 invoice_no=invoice_no)


def catering(tenant: ApiTenant, tag: str) -> str:
    """The catering pack installed: a store, a dish and a dish sale numbered like the rest."""
    assert tenant.post("/packs/jxc.catering/install", {}).status_code == 200
    sku, warehouse, dish = f"{tag}-SKU-1", f"{tag}-WH-1", f"{tag}-DISH"
    assert tenant.client.put(f"{API}/recipes/stores/{warehouse}", json={},
                             headers=tenant.headers()).status_code == 200
    tenant._created("/recipes/dishes", {"code": dish, "name_zh": "菜品", "recipe": [
        {"sku": sku, "qty_per_portion": "1"}]})
    tenant._created("/recipes/sales", {"store": warehouse, "channel": "dine_in", "covers": 2,
                                       "no": f"{tag}-DOC-1", "lines": [
                                           {"dish": dish, "portions": 1}]})
    return dish


def add_packs_with_modules(tenant: ApiTenant, tag: str, sku: str, warehouse: str
                           ) -> tuple[str, str]:
    """The production and services packs with a day of demand, a contract with a
    deliverable and a milestone, metered usage and an invoice draft (contract and invoice
    numbers returned)."""
    for pack in ("jxc.production", "jxc.services"):
        assert tenant.post(f"/packs/{pack}/install", {}).status_code == 200
    tenant._created("/forecast/demand", {"records": [{"sku": sku, "warehouse": warehouse,
                                                      "day": "2026-11-01", "qty": "3"}]})
    contract_no = f"{tag}-SVC-1"
    tenant._created("/contracts", {
        "no": contract_no, "customer": f"{tag}-C", "title": "运维", "starts_on": "2026-10-01",
        "prices": {"api_calls": {"pricing": "per_unit", "tiers": [{"unit_price": "0.01"}]}},
        "deliverables": [{"code": f"{tag}-DLV", "title": "手册"}],
        "milestones": [{"code": f"{tag}-MS", "title": "上线", "amount": "100.00"}]})
    tenant._created("/metering/usage", {"contract": contract_no, "metric": "api_calls",
                                        "qty": "10", "event_id": f"{tag}-meter-1",
                                        "occurred_at": "2026-10-05T00:00:00+00:00"})
    invoice = tenant._created("/invoice-drafts", {"contract": contract_no, "period": "2026-10"})
    return contract_no, invoice["no"]


def add_private_pack(tenant: ApiTenant, tag: str) -> str:
    """A signed pack only ``tenant`` has in its catalogue, installed, with its key trusted."""
    pack_id = f"{tag.lower()}.private"
    files = dict(builtin("jxc.standard").files)
    files["pack.toml"] = files["pack.toml"].replace(b'"jxc.standard"', f'"{pack_id}"'.encode())
    key = new_private_key()
    files["SIGNATURE.json"] = sign(files, pack_id, "1.0.0", key)
    added = tenant.client.post(f"{API}/packs", content=pack_bytes(files),
                               headers={**tenant.headers(),
                                        "Content-Type": "application/octet-stream"})
    assert added.status_code == 201, added.text
    tenant._created("/pack-publishers", {"name": f"{tag} publisher",
                                         "public_key": base64.b64encode(
                                             public_key_of(key)).decode()})
    installed = tenant.post(f"/packs/{pack_id}/install", {})
    assert installed.status_code == 200, installed.text
    return pack_id


def add_manufacturing(tenant: ApiTenant, sku: str, warehouse: str, no: str) -> None:
    """The manufacturing pack installed; ``sku`` made of PART-COMMON by work order ``no``."""
    installed = tenant.post("/packs/jxc.manufacturing/install", {})
    assert installed.status_code == 200, installed.text
    tenant.item("PART-COMMON")
    tenant.receive("PART-COMMON", warehouse, 10)
    tenant.client.put(f"{API}/emission-factors", headers=tenant.headers(), json={
        "kind": "material", "code": "PART-COMMON", "unit": "pc", "kg_co2e_per_unit": "0.2"})
    tenant._created("/boms", {"sku": sku, "lines": [{"sku": "PART-COMMON", "qty": "2"}],
                              "operations": [{"name": "assemble", "energy_carrier": "power",
                                              "energy_per_unit": "0.1"}]})
    tenant.client.put(f"{API}/emission-factors", headers=tenant.headers(), json={
        "kind": "energy", "code": "power", "unit": "kWh", "kg_co2e_per_unit": "0.5"})
    tenant._created("/work-orders", {"sku": sku, "qty": "1", "warehouse": warehouse, "no": no})


@dataclass(frozen=True, slots=True)
class TwoTenants:
    """Tenant A (the victim) and tenant B (the caller), each with its own rows."""

    a: ApiTenant
    b: ApiTenant
    a_owns: Owned
    b_owns: Owned


@pytest.fixture
def two_tenants(make_tenant: TenantFactory) -> TwoTenants:
    """Tenants A and B, populated alike but with different codes."""
    a = make_tenant(roles=("admin",))
    b = make_tenant(roles=("admin",))
    return TwoTenants(a=a, b=b, a_owns=populate(a, "A"), b_owns=populate(b, "B"))


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path of the OpenAPI document."""

    method: str
    path: str
    parameters: tuple[str, ...]
    body: dict[str, Any] | None

    def url(self, owned: Owned) -> str:
        """The path with every parameter filled from ``owned``."""
        return re.sub(r"\{(\w+)\}", lambda m: owned.value(PATH_PARAMETERS[m.group(1)]),
                      self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _body_for(path: str, method: str, spec: dict[str, Any]) -> dict[str, Any] | None:
    request_body = spec.get("requestBody")
    if request_body is None:
        return None
    schema = request_body["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert name in BODIES, (
        f"{method.upper()} {path} takes a {name} body: add a valid one to BODIES")
    return BODIES[name]


def operations_with_path_parameters(openapi: dict[str, Any]) -> list[Operation]:
    """Every (method, path) of the document that names a row in its path."""
    found = []
    for path, item in openapi["paths"].items():
        names = tuple(re.findall(r"\{(\w+)\}", path))
        if not names:
            continue
        unknown = [n for n in names if n not in PATH_PARAMETERS]
        assert not unknown, f"{path}: add path parameter(s) {unknown} to PATH_PARAMETERS"
        for method, spec in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            required = [p["name"] for p in spec.get("parameters", [])
                        if p.get("required") and p["in"] != "path"]
            assert not required, f"{method.upper()} {path} requires {required}: teach this test"
            found.append(Operation(method, path, names, _body_for(path, method, spec)))
    return found


def call(client: TestClient, tenant: ApiTenant, op: Operation, owned: Owned) -> Any:
    """Call ``op`` as ``tenant``'s admin with the values of ``owned`` in the URL."""
    # A signed route takes JSON only (415 before anything else): send JSON, so that the
    # token is what is judged (and refused: it is no signature).
    body = {} if op.body is None and op.path in SIGNED_PATHS else op.body
    return client.request(op.method.upper(), op.url(owned), json=body,
                          headers=tenant.headers())


def test_every_path_parameter_of_the_api_is_known_here(api):
    """A new route with a new kind of path parameter must be added to the walk below."""
    operations = operations_with_path_parameters(api.app.openapi())
    seen = {name for op in operations for name in op.parameters}
    assert seen == set(PATH_PARAMETERS), "PATH_PARAMETERS lists a name no route uses any more"


def test_no_route_reaches_another_tenants_row_through_its_path(api, two_tenants):
    a, b, a_owns, b_owns = (two_tenants.a, two_tenants.b, two_tenants.a_owns,
                            two_tenants.b_owns)
    operations = operations_with_path_parameters(api.app.openapi())
    assert len(operations) >= 8, [str(op) for op in operations]
    before_a, before_b = a.snapshot(), b.snapshot()

    answers = {}
    for op in operations:
        response = call(api, b, op, a_owns)
        answers[str(op)] = (response.status_code, response.headers.get("content-type"))
        expected = 401 if op.path in SIGNED_PATHS else 404
        assert response.status_code == expected, (str(op), op.url(a_owns), response.text)
        body = assert_problem(response, expected)
        for secret in (a_owns.token_name, a.code):
            assert secret not in response.text, (str(op), body)

    assert a.snapshot() == before_a, "B's calls changed tenant A"
    assert b.snapshot() == before_b, "B's refused calls changed tenant B"
    # A's API token still works: B's DELETE did not revoke it.
    tokens = a.get("/api-tokens").json()
    assert [t["revoked_at"] for t in tokens if t["id"] == a_owns.token_id] == [None]

    # Control: the same calls with B's own values succeed, so each 404 above was the
    # tenant boundary speaking, not a malformed request. Deletions go last (a deleted
    # connector would make the calls after it 404).
    for op in sorted(operations, key=lambda o: o.method == "delete"):
        response = call(api, b, op, b_owns)
        if op.path in SIGNED_PATHS:  # B's own hook, B's token: still no signature
            assert_problem(response, 401, "connector.signature_rejected")
            continue
        # A document action may find its own document in a status that refuses it (409),
        # B's own event is not parked (409), and B's own rule version may be in a state
        # that refuses the step (governance 409, or 403 for approving its own version):
        # that answer proves the row was found, which is all this control needs (so does a
        # closed work order refusing an energy reading, manufacturing.reading_not_allowed).
        refused = (response.status_code in (409, 422, 403)
                   and response.json()["code"].startswith(("document.",
                                                           "engine.event_not_parked",
                                                           "governance.",
                                                           "pack.already_installed",
                                                           "manufacturing.")))
        assert 200 <= response.status_code < 300 or refused, (str(op), response.text)
    assert a.snapshot() == before_a


#: A's values in B's command bodies. B has its own B-SKU-1 and B-WH-1 with stock, so the
#: only thing wrong with each body is the foreign name. ``{a.x}`` is A's, ``{b.x}`` is B's.
FOREIGN_BODIES = [
    pytest.param("/transfers", {"from_warehouse": "{b.warehouse}", "to_warehouse": "B-WH-2",
                                "lines": [{"sku": "{a.sku}", "qty": "1"}]},
                 "inventory.unknown_item", id="transfer of A's SKU"),
    pytest.param("/transfers", {"from_warehouse": "{a.warehouse}", "to_warehouse": "{b.warehouse}",
                                "lines": [{"sku": "{b.sku}", "qty": "1"}]},
                 "inventory.unknown_warehouse", id="transfer out of A's warehouse"),
    pytest.param("/transfers", {"from_warehouse": "{b.warehouse}", "to_warehouse": "{a.warehouse}",
                                "lines": [{"sku": "{b.sku}", "qty": "1"}]},
                 "inventory.unknown_warehouse", id="transfer into A's warehouse"),
    pytest.param("/adjustments", {"warehouse": "{b.warehouse}", "reason": "found",
                                  "photo_refs": ["p.jpg"],
                                  "lines": [{"sku": "{a.sku}", "qty": "1"}]},
                 "inventory.unknown_item", id="adjustment of A's SKU"),
    pytest.param("/adjustments", {"warehouse": "{a.warehouse}", "reason": "found",
                                  "photo_refs": ["p.jpg"],
                                  "lines": [{"sku": "{b.sku}", "qty": "1"}]},
                 "inventory.unknown_warehouse", id="adjustment in A's warehouse"),
    pytest.param("/stocktakes", {"warehouse": "{a.warehouse}"},
                 "inventory.unknown_warehouse", id="stocktake of A's warehouse"),
    pytest.param("/stocktakes", {"warehouse": "{b.warehouse}", "scope": "selected",
                                 "skus": ["{a.sku}"]},
                 "inventory.unknown_item", id="stocktake of A's SKU"),
    pytest.param("/reservations", {"sku": "{a.sku}", "warehouse": "{b.warehouse}", "qty": "1"},
                 "inventory.unknown_item", id="reservation of A's SKU"),
    pytest.param("/reservations", {"sku": "{b.sku}", "warehouse": "{a.warehouse}", "qty": "1"},
                 "inventory.unknown_warehouse", id="reservation in A's warehouse"),
]


def _fill(template: Any, a_owns: Owned, b_owns: Owned, control: bool = False) -> Any:
    """The body of ``template``; with ``control``, B's own values stand where A's were."""

    def one(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: one(v) for k, v in value.items()}
        if isinstance(value, list):
            return [one(v) for v in value]
        match = re.fullmatch(r"\{([ab])\.(\w+)\}", value)
        if match is None:
            return value
        owner, kind = match.groups()
        if owner == "b":
            return b_owns.value(kind)
        if not control:
            return a_owns.value(kind)
        # B-WH-2 (with stock), so a transfer's control never names one warehouse twice.
        return "B-WH-2" if kind == "warehouse" else b_owns.value(kind)

    return one(template)


@pytest.mark.parametrize(("path", "template", "code"), FOREIGN_BODIES)
def test_commands_naming_another_tenants_rows_are_404_and_change_nothing(
        api, two_tenants, path, template, code):
    a, b = two_tenants.a, two_tenants.b
    b.warehouse("B-WH-2")
    b.receive(two_tenants.b_owns.sku, "B-WH-2", 10)
    before_a, before_b = a.snapshot(), b.snapshot()
    response = b.post(path, _fill(template, two_tenants.a_owns, two_tenants.b_owns))
    assert_problem(response, 404, code)
    assert a.snapshot() == before_a
    assert b.snapshot() == before_b
    # Control: with B's own names in their place the same command goes through.
    own = _fill(template, two_tenants.a_owns, two_tenants.b_owns, control=True)
    assert b.post(path, own).status_code == 201, own
    assert a.snapshot() == before_a


def test_lists_never_show_another_tenants_rows(api, two_tenants):
    """Every list of the API, read by B, holds nothing of A's (and filters by A's names miss)."""
    a_owns = two_tenants.a_owns
    b = two_tenants.b
    markers = [a_owns.sku, a_owns.warehouse, a_owns.bin, a_owns.reservation_id,
               a_owns.token_name, "A-LOT-1", "A-DOC-1", a_owns.channel,
               a_owns.connector, a_owns.delivery_id, a_owns.public_id, "a.example.com",
               a_owns.contract_no, a_owns.invoice_no, "A-meter-1"]
    # Module routes (e.g. /stock-board of the General pack) answer only where a pack
    # switched them on: switch them on in both tenants, so they are walked too.
    for tenant in (two_tenants.a, b):
        assert tenant.post("/packs/jxc.general/install", {}).status_code == 200
    openapi = api.app.openapi()
    lists = [path for path, item in openapi["paths"].items()
             if "get" in item and "{" not in path]
    assert len(lists) >= 6, lists
    for path in lists:
        query = {k: v.replace("{b.sku}", two_tenants.b_owns.sku)
                 .replace("{b.warehouse}", two_tenants.b_owns.warehouse)
                 for k, v in LIST_QUERIES.get(path, {}).items()}
        response = api.get(path, params=query, headers=b.headers())
        assert response.status_code == 200, (path, response.text)
        for marker in markers:
            assert marker not in response.text, (path, marker)
    # Filters that name A's rows find nothing of A's either.
    for path, params in [
        ("/stock", {"sku": a_owns.sku}),  # balances of A's SKU
        ("/stock", {"warehouse": a_owns.warehouse}),  # balances in A's warehouse
        ("/ledger", {"sku": a_owns.sku}),  # A's movements
        ("/ledger", {"warehouse": a_owns.warehouse}),
        ("/ledger", {"document_ref": "A-DOC-1"}),  # A's document reference
        ("/reservations", {"sku": a_owns.sku}),  # A's holds
        ("/items", {"q": a_owns.sku}),  # search by A's SKU
        ("/channel-pools", {"channel": a_owns.channel}),  # A's channel's pools
        ("/channel-pools", {"sku": a_owns.sku, "warehouse": a_owns.warehouse}),
        ("/replenishment-tasks", {"channel": a_owns.channel}),  # A's channel's tasks
        ("/supplier-invoices", {"purchase_order_no": "A-DOC-1"}),  # A's order's invoices
        ("/replenishment/policies", {"sku": a_owns.sku}),  # A's SKU's policy
        ("/stock-board", {"sku": a_owns.sku}),  # A's SKU across locations
        ("/forecast/demand", {"sku": a_owns.sku}),  # A's SKU's recorded demand
        ("/forecast/runs", {"sku": a_owns.sku}),
        ("/contracts", {"customer": "A-C"}),  # A's customer's contracts
        ("/metering/usage", {"contract": a_owns.contract_no}),  # A's contract's usage
        ("/invoice-drafts", {"contract": a_owns.contract_no}),
        ("/recall", {"sku": a_owns.sku, "lot_no": "A-LOT-1"}),  # receivers of A's lot
        ("/lots/fefo", {"sku": a_owns.sku, "warehouse": a_owns.warehouse, "qty": "1"}),
    ]:
        response = api.get(API + path, params=params, headers=b.headers())
        assert response.status_code in (200, 404), (path, params, response.text)
        if response.status_code == 404:  # "no such SKU here" (it echoes the name asked for)
            assert_problem(response, 404)
            continue
        assert response.json()["count"] == 0, (path, params, response.text)
        for marker in markers:
            assert marker not in response.text, (path, params, marker)


def test_an_idempotency_key_belongs_to_its_tenant(api, two_tenants):
    """B sending the key A used gets its own fresh result, never A's stored response."""
    a, b, a_owns, b_owns = (two_tenants.a, two_tenants.b, two_tenants.a_owns,
                            two_tenants.b_owns)
    key = "adjust-0001"

    def adjust(owns: Owned, tenant: ApiTenant, qty: str) -> Any:
        created = tenant.post("/adjustments", {
            "warehouse": owns.warehouse, "reason": "found", "photo_refs": ["p.jpg"],
            "no": "ADJ-SAME", "lines": [{"sku": owns.sku, "qty": qty}]})
        assert created.status_code == 201, created.text
        return tenant.post("/adjustments/ADJ-SAME/submit", None, **{"Idempotency-Key": key})
    first = adjust(a_owns, a, "3")
    assert first.status_code == 200, first.text
    before_a = a.snapshot()
    theirs = adjust(b_owns, b, "7")
    assert theirs.status_code == 200, theirs.text
    body = theirs.json()
    assert body["replayed"] is False
    assert body["event_id"] != first.json()["event_id"]
    assert [line["sku"] for line in body["lines"]] == [b_owns.sku]
    assert a_owns.sku not in theirs.text
    assert a.snapshot() == before_a


@pytest.mark.parametrize(("path", "body", "code"), [
    ("/cold-chain/readings", {"freezer": "FZ-1", "location": "{a.warehouse}", "celsius": "-9"},
     "inventory.unknown_warehouse"),
    ("/lots/freezes/release", {"sku": "{a.sku}", "lot_no": "A-LOT-1",
                               "warehouse": "{b.warehouse}"}, "inventory.unknown_item"),
    ("/lots/freezes/release", {"sku": "{b.sku}", "lot_no": "B-LOT-1",
                               "warehouse": "{a.warehouse}"}, "inventory.unknown_warehouse"),
])
def test_lot_commands_naming_another_tenants_rows_are_404(api, two_tenants, path, body, code):
    """The food pack's commands (#11) with A's names in B's body: 404, nothing changes."""
    a, b = two_tenants.a, two_tenants.b
    names = {"{a.warehouse}": two_tenants.a_owns.warehouse, "{a.sku}": two_tenants.a_owns.sku,
             "{b.warehouse}": two_tenants.b_owns.warehouse, "{b.sku}": two_tenants.b_owns.sku}
    filled = {k: names.get(v, v) for k, v in body.items()}
    before_a, before_b = a.snapshot(), b.snapshot()
    assert_problem(b.post(path, filled), 404, code)
    assert a.snapshot() == before_a
    assert b.snapshot() == before_b
