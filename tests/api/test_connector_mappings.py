"""Mappings a business user can trust, over the API: functions integrators need, unknown
functions refused at save with a did-you-mean, a preview before saving, never a 500."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import assert_problem

PO = {"event_type": "purchase_order.received", "key": "body.po_no",
      "fields": {"po.no": 'replace(body.po_no, `"-"`, `""`)',
                 "po.amount": "to_number(body.amount)",
                 "po.supplier": "upper(body.supplier)"}}


def test_a_preview_before_saving_turns_a_po_number_into_the_erps_form(make_tenant):
    tenant = make_tenant(roles=("admin",))
    answer = tenant.post("/connectors/preview-mapping", {
        "kind": "webhook_in", "config": {"mapping": PO},
        "sample": {"body": {"po_no": "PO-2026-0126-001", "amount": "1130.50",
                            "supplier": "sup-7"}}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["payload"] == {
        "po": {"no": "PO20260126001", "amount": 1130.5, "supplier": "SUP-7"}}
    assert tenant.get("/connectors").json()["count"] == 0  # nothing saved


def test_an_unknown_function_is_refused_at_save_and_in_preview_with_a_did_you_mean(
        make_tenant):
    tenant = make_tenant(roles=("admin",))
    typo = {**PO, "fields": {**PO["fields"], "po.no": 'replac(body.po_no, `"-"`, `""`)'}}
    for path, body in (("/connectors", {"name": "po", "kind": "webhook_in",
                                        "config": {"mapping": typo}}),
                       ("/connectors/preview-mapping", {"kind": "webhook_in",
                                                        "config": {"mapping": typo},
                                                        "sample": {"body": {}}})):
        refused = assert_problem(tenant.post(path, body), 422, "connector.unknown_function")
        assert "replac()" in refused["message"]["en"]
        assert "did you mean replace()?" in refused["message"]["en"]
        assert "是否想用 replace()" in refused["message"]["zh-CN"]
    assert tenant.get("/connectors").json()["count"] == 0
    made = tenant.post("/connectors", {"name": "po", "kind": "webhook_in",
                                       "config": {"mapping": PO}})
    assert made.status_code == 201, made.text
    assert_problem(tenant.client.patch("/api/v1/connectors/po", json={"mapping": typo},
                                       headers=tenant.headers()),
                   422, "connector.unknown_function")
    # A mapping that does not apply to a sample answers 422 with the reason, never 500.
    tried = tenant.post("/connectors/po/test-mapping",
                        {"sample": {"body": {"po_no": 7, "supplier": "x"}}})
    problem = assert_problem(tried, 422, "connector.invalid_mapping")
    assert "replace()" in problem["message"]["en"]


def test_an_outbound_schemas_required_field_must_be_filled_by_the_mapping(make_tenant):
    tenant = make_tenant(roles=("admin",))
    schema: dict[str, Any] = {"type": "object", "required": ["order_no", "buyer"],
                              "properties": {"buyer": {
                                  "type": "object", "required": ["code"],
                                  "properties": {"code": {"type": "string"}}}}}
    body = {"kind": "webhook_out", "config": {
        "mapping": {"fields": {"order_no": "data.order.no", "buyer.name": "data.c.name"}},
        "outbound_schema": schema}, "sample": {"data": {"order": {"no": "SO-1"}}}}
    refused = assert_problem(tenant.post("/connectors/preview-mapping", body), 422,
                             "connector.invalid_mapping")
    assert "buyer.code" in refused["message"]["en"]
    body["config"]["mapping"]["fields"]["buyer.code"] = "data.c.code"
    shown = tenant.post("/connectors/preview-mapping", body)
    assert shown.status_code == 200, shown.text
    assert shown.json()["body"] == {"order_no": "SO-1", "buyer": {"name": None, "code": None}}
    assert "buyer/code" in shown.json()["outbound_schema_violation"]
