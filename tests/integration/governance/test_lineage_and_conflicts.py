"""Lineage of a cascade traced both ways (with JSON and a Chinese PDF), and the conflict
gate before promotion — on both databases."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engine import Worker
from engine.governance import review, versions
from engine.governance.errors import ConflictsNotAcknowledged
from engine.lineage.graph import Lineage
from engine.lineage.report import audit_pdf, chain_json
from engine.rule_handler import RuleHandler
from inventory.models import LedgerEntry
from kernel.errors import NotFound
from tests.integration.governance.conftest import EXAMPLES, deposit_rules

SUGGEST_TRANSFER = """
# 预占后可用量低于安全线：建议从别的仓库调拨（调拨单由人确认）。
rule suggest_transfer "预占后建议调拨"
  when stock.reserved
  if reservation.qty >= 10 件
  then
    notify role:warehouse_manager "建议调拨 {reservation.sku}：预占 {reservation.qty}"
end
"""


def test_a_cascade_traced_back_from_the_ledger_and_forward_from_the_sale(gov):
    v = gov.version(deposit_rules(extra=SUGGEST_TRANSFER))
    gov.to_production(v)
    version_hash = gov.get(v).version_hash
    sale = gov.shop_order("SO-88", 12)
    worker = Worker(gov.db, gov.clock, handler=RuleHandler(gov.cache))
    worker.run_once()
    worker.run_once()
    with gov.db.read(gov.tenant_id) as s:
        hold = s.scalar(select(LedgerEntry).where(LedgerEntry.cause_event_id == sale))
        lineage = Lineage(s, gov.tenant_id)
        chain = lineage.back_from_ledger(hold.id)
        back = chain_json(lineage.graph, chain)
    # Back: sale event → rule version → rule → action → ledger row.
    assert [n["kind"] for n in back] == ["event", "rule_version", "rule", "action",
                                         "ledger_entry"]
    assert back[0]["event_id"] == sale and back[0]["type"] == "sales_order.confirmed"
    assert back[1]["version"] == version_hash
    assert back[3]["node_id"] == "deposit_locks_stock/then/0"
    assert (back[4]["sku"], Decimal(back[4]["qty"])) == ("TEA-1", 12)

    with gov.db.read(gov.tenant_id) as s:
        forward = Lineage(s, gov.tenant_id)
        caused = forward.forward_from_event(sale)
        graph, exported = forward.graph, forward.export()
    kinds = sorted(graph.nodes[n]["kind"] for n in caused)
    # Forward: … → ledger row → stock.reserved → version → rule → action → notification.
    assert kinds.count("ledger_entry") == 1 and kinds.count("notify") == 1
    assert kinds.count("event") == 1 and kinds.count("rule") == 2
    note = next(n for n in caused if graph.nodes[n]["kind"] == "notify")
    assert graph.nodes[note]["message"] .startswith("建议调拨 TEA-1：预占 12")
    assert {e["source"] for e in exported["edges"]} >= {f"event:{sale}"}

    pdf = audit_pdf(lineage.graph, chain, "库存变动审计报告", gov.world.code,
                    datetime(2026, 11, 23, tzinfo=UTC))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (sale, "deposit_locks_stock", version_hash, "库存变动审计报告", "规则版本"):
        assert expected in text.replace("\n", ""), expected


def test_a_ledger_row_without_a_rule_is_its_own_origin_and_other_tenants_are_404(gov):
    with gov.db.read(gov.tenant_id) as s:
        opening = s.scalar(select(LedgerEntry.id).order_by(LedgerEntry.id))
        lineage = Lineage(s, gov.tenant_id)
        chain = lineage.back_from_ledger(opening)
        assert [lineage.graph.nodes[n]["kind"] for n in chain] == ["ledger_entry"]
        with pytest.raises(NotFound):
            Lineage(s, gov.tenant_id + 10_000).back_from_ledger(opening)


def test_promotion_waits_until_each_conflict_is_acknowledged(gov):
    source = (EXAMPLES / "governance/promotion_and_rebate.rule").read_text("utf-8")
    gov.world.item("TOY-1", category="toys", list_price=Decimal("100.00"),
                   cost_price=Decimal("70.00"))
    v = gov.version(source, name="pricing")
    tests = ('[[test]]\nname = "stacked"\nevent = "price.change_requested"\n'
             'payload = { price = { list_price = 100, rebate_rate = 0.25, final_price = 100 } }\n'
             'facts = { item = { category = "toys" } }\n'
             'expect = [{ kind = "set", rule = "double11_toy_promotion" }, '
             '{ kind = "set", rule = "key_account_rebate" }]\n')
    assert gov.test(v, tests)
    gov.advance(v, "sandbox")
    gov.advance(v, "shadow")
    gov.replay(v)
    gov.advance(v, "awaiting_review")
    with pytest.raises(ConflictsNotAcknowledged) as refused:
        gov.approve(v)
    key = "below_cost|price.change_requested|TOY-1|double11_toy_promotion|key_account_rebate"
    assert key in str(refused.value) and gov.state(v) == "awaiting_review"
    with gov.db.write(gov.tenant_id) as s:
        review.acknowledge(s, versions.get_version(s, v), key, "user:reviewer",
                           "返利只对非促销品生效，下个版本修正", gov.clock.now())
    gov.approve(v)
    assert gov.state(v) == "production"
