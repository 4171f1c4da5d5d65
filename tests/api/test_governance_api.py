"""The governance and lineage API over HTTP: roles, the lifecycle with its refusals as
problems, replay progress, review, rollback, passports, conflicts, lineage and the PDF."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from tests.api.conftest import API, assert_problem, walk_to_review

ROOT = Path(__file__).parents[2]
RULES = (ROOT / "examples/rules/deposit_locks_stock.rule").read_text("utf-8")
TESTS = (ROOT / "examples/rules/deposit_locks_stock.tests.toml").read_text("utf-8")


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def test_author_writes_reviewer_approves_and_roles_are_checked(make_tenant):
    t = make_tenant()
    assert_problem(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "reviewer"),
                   403, "auth.forbidden")
    assert_problem(t.get("/rule-versions", "viewer"), 403, "auth.forbidden")
    version = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "author"), 201)
    assert version["state"] == "draft" and version["author"] == "user:author"
    assert version["allowed_next"] == ["sandbox", "retired"]
    # A refused step is a 409 problem naming the allowed next states; nothing changes.
    refused = assert_problem(t.post(f"/rule-versions/{version['id']}/transitions",
                                    {"to": "shadow"}, "author"), 409,
                             "governance.invalid_transition")
    assert "sandbox, retired" in refused["message"]["en"]
    assert_problem(t.post(f"/rule-versions/{version['id']}/transitions", {"to": "sandbox"},
                          "author"), 409, "governance.rule_tests_not_passed")
    walk_to_review(t, version["id"])
    assert_problem(t.post(f"/rule-versions/{version['id']}/approve", {}, "author"), 403,
                   "auth.forbidden")
    approved = ok(t.post(f"/rule-versions/{version['id']}/approve", {"comment": "好"},
                         "reviewer"))
    assert approved["state"] == "production" and approved["allowed_next"] == ["retired"]
    audit = ok(t.get(f"/rule-versions/{version['id']}/audit", "reviewer"))
    assert [a["act"] for a in audit["items"]][-2:] == ["approve", "promote"]
    passport = ok(t.get(f"/rule-versions/{version['id']}/passport", "author"))
    assert passport["balances_written"] == ["reserved"]
    assert passport["author"] == "user:author"
    assert [r["reviewer"] for r in passport["reviews"]] == ["user:reviewer"]


def test_an_author_cannot_approve_their_own_version_even_as_admin(make_tenant):
    t = make_tenant()
    version = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "admin"), 201)
    walk_to_review(t, version["id"], "admin")
    assert_problem(t.post(f"/rule-versions/{version['id']}/approve", {}, "admin"), 403,
                   "governance.self_approval")
    assert ok(t.get(f"/rule-versions/{version['id']}", "admin"))["state"] == "awaiting_review"


def test_commands_repeat_under_an_idempotency_key(make_tenant):
    t = make_tenant()
    version = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "author"), 201)
    ok(t.post(f"/rule-versions/{version['id']}/tests", {"source": TESTS}, "author"))
    body = {"to": "sandbox"}
    first = ok(t.post(f"/rule-versions/{version['id']}/transitions", body, "author",
                      **{"Idempotency-Key": "step-1"}))
    again = ok(t.post(f"/rule-versions/{version['id']}/transitions", body, "author",
                      **{"Idempotency-Key": "step-1"}))
    assert again == first
    audit = ok(t.get(f"/rule-versions/{version['id']}/audit", "author"))
    assert [a["act"] for a in audit["items"]].count("transition") == 1


def test_rollback_diff_and_conflicts_over_the_api(make_tenant):
    t = make_tenant()
    v1 = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "author"), 201)
    walk_to_review(t, v1["id"])
    ok(t.post(f"/rule-versions/{v1['id']}/approve", {}, "reviewer"))
    extra = ('\nrule shipped_note "发货提醒"\n  when shipment.shipped\n  then\n'
             '    notify role:sales_manager "已发货 {shipment.no}"\nend\n')
    v2 = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES + extra}, "author"),
            201)
    diff = ok(t.get(f"/rule-versions/{v2['id']}/diff", "reviewer"))
    assert diff["from_version_id"] == v1["id"] and diff["added"] == ["shipped_note"]
    assert diff["changed"] == [] and "+rule shipped_note" in diff["text"]
    walk_to_review(t, v2["id"])
    ok(t.post(f"/rule-versions/{v2['id']}/approve", {"rollout": {"percent": 30}}, "reviewer"))
    assert ok(t.get(f"/rule-versions/{v1['id']}", "author"))["state"] == "production"
    widened = ok(t.post(f"/rule-versions/{v2['id']}/rollout", {"percent": 100}, "reviewer"))
    assert widened["rollout"] is None
    assert ok(t.get(f"/rule-versions/{v1['id']}", "author"))["state"] == "retired"
    back = ok(t.post("/rule-sets/deposit/rollback", {"reason": "投诉"}, "reviewer"))
    assert back["id"] == v1["id"] and back["state"] == "production"
    assert_problem(t.post("/rule-sets/nothing/rollback", {"reason": "x"}, "reviewer"), 404,
                   "governance.rule_set_not_found")

    pricing = (ROOT / "examples/governance/promotion_and_rebate.rule").read_text("utf-8")
    t.item("TOY-1", category="toys", list_price="100.00", cost_price="70.00")
    v3 = ok(t.post("/rule-versions", {"name": "pricing", "source": pricing}, "author"), 201)
    [conflict] = ok(t.get(f"/rule-versions/{v3['id']}/conflicts", "reviewer"))
    assert conflict["is_below_cost"] is True and conflict["acknowledged_by"] is None
    assert conflict["sku"] == "TOY-1" and conflict["certainty"] == "definite"
    assert float(conflict["values"]["stacked"]) < float(conflict["values"]["cost"])
    [acked] = ok(t.post(f"/rule-versions/{v3['id']}/conflicts/acknowledge",
                        {"key": conflict["key"], "comment": "已知"}, "reviewer"))
    assert acked["acknowledged_by"] == "user:reviewer"


def test_lineage_of_a_ledger_row_as_json_and_pdf(make_tenant):
    t = make_tenant()
    t.item("TEA-1")
    t.warehouse("WH-A")
    received = t.receive("TEA-1", "WH-A", 10)
    entry_id = received["entries"][0]["id"]
    traced = ok(t.get(f"/lineage/ledger/{entry_id}", "viewer"))
    assert [n["kind"] for n in traced["chain"]] == ["ledger_entry"]  # no rule: its own origin
    assert {"source": f"ledger:{entry_id}", "target": f"event:{received['event_id']}"} in [
        {"source": e["source"], "target": e["target"]} for e in traced["graph"]["edges"]]
    pdf = t.client.get(f"{API}/lineage/ledger/{entry_id}/report.pdf", headers=t.headers())
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert received["event_id"] in text.replace("\n", "") and "审计报告" in text
    forward = ok(t.get(f"/lineage/events/{received['event_id']}", "viewer"))
    assert forward["caused"] == []
    assert_problem(t.get("/lineage/ledger/999999999", "viewer"), 404)
