"""The conflict check on a catalogue bigger than its limit: the first SKUs by code are checked,
the rest counted and reported, the same way every time — on both databases."""

from __future__ import annotations

from decimal import Decimal

from engine.governance import conflict_check, versions

REBATE = """
rule deep_rebate "返利十元"
  when price.change_requested
  then
    set price.final_price to price.final_price - ¥10
end
"""


def test_only_the_first_skus_are_checked_and_the_rest_are_reported(gov):
    # Every SKU costs 18 and lists at 25: ¥10 off is below cost for each of them.
    for n in (4, 1, 3, 2):
        gov.world.item(f"SKU-{n}", list_price=Decimal("25.00"), cost_price=Decimal("18.00"))
    v = gov.version(REBATE, name="rebate")
    with gov.db.read(gov.tenant_id) as s:
        version = versions.get_version(s, v)
        first = conflict_check.check(s, version, max_skus=2)
        again = conflict_check.check(s, version, max_skus=2)
    assert [c.sku for c in first.conflicts] == ["SKU-1", "SKU-2"]
    assert [c.key for c in again.conflicts] == [c.key for c in first.conflicts]
    coverage = first.coverage
    assert (coverage["skus_priced"], coverage["skus_checked"], coverage["max_skus"]) == (4, 2, 2)
    assert coverage["is_truncated"] is True
    # TEA-1 (the fixture's item) has no prices; the rebate applies to every SKU, so it is
    # reported as not checked rather than passed.
    assert [n["sku"] for n in coverage["not_checked"]] == ["TEA-1"]
    assert coverage["not_checked"][0]["reason_en"] == "no list price or cost price: not checked"
