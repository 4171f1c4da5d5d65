"""The pure side of window and timer state: which keys an event touches, whose timer fires."""

from __future__ import annotations

from datetime import timedelta

from engine import ir
from engine.compiler import compile_rule_set
from engine.evaluate import (
    TIMER_FIRED,
    evaluate,
    window_expiry_ms,
    window_is_empty,
    window_keys,
)
from tests.unit.engine.test_evaluate import NOW, PLAN, SCANS, UNSHIPPED, event, lit

#: Counts shipments per customer, triggered by an order: the shipment only enters the window.
BUSY = ir.Rule(
    id="busy_customer", trigger="sales_order.confirmed",
    condition=ir.CountWithin(id="busy_customer/when", event_type="shipment.shipped", op=">=",
                             threshold=lit(5), key_path=("customer", "id"), within_ms=60_000),
    actions=(ir.Action(id="busy_customer/then/0", kind="alert", args=(
        ("message", ir.Template(parts=("忙碌客户",))),)),),
)
WARM = ir.Rule(
    id="warm", trigger="scanner.scanned",
    condition=ir.Sustained(id="warm/when", condition=ir.Binary(
        op=">", left=ir.Field(path=("scan", "temp")), right=lit(0)),
        key_path=("scanner", "id"), for_ms=600_000),
    actions=(ir.Action(id="warm/then/0", kind="alert", args=(
        ("message", ir.Template(parts=("warm",))),)),),
)
MORE = compile_rule_set(ir.RuleSet(rules=(SCANS, UNSHIPPED, BUSY, WARM)))


def test_window_keys_are_the_event_s_own_keys_of_each_windowed_rule_sorted():
    scanned = event("scanner.scanned", {"scan": {"sku": "MAG-36", "temp": 3},
                                        "scanner": {"id": "SC-1"}})
    assert window_keys(MORE, scanned) == (("triple_scan", "MAG-36"), ("warm", "SC-1"))
    # A counted event that is not the trigger enters its window: its key is read too.
    shipped = event("shipment.shipped", {"customer": {"id": "C9"}, "order_id": "SO-1"})
    assert window_keys(MORE, shipped) == (("busy_customer", "C9"),)
    # Absence waits in a timer, not a window; an event no rule hears touches nothing.
    confirmed = event("sales_order.confirmed", {"customer": {"id": "C9"}, "order_id": "S"})
    assert window_keys(MORE, confirmed) == (("busy_customer", "C9"),)
    assert window_keys(MORE, event("item.reviewed", {})) == ()
    # Facts take part as in evaluate (the payload wins over a fact of the same name).
    assert window_keys(MORE, event("shipment.shipped", {}), {"customer": {"id": "C7"}}) == (
        ("busy_customer", "C7"),)


def test_expiry_and_emptiness_of_saved_state():
    assert window_expiry_ms(PLAN, "triple_scan", (1_000, 1_040)) == 1_140
    assert window_expiry_ms(MORE, "warm", (1_000, True)) is None  # holds until broken
    assert window_expiry_ms(PLAN, "gone", (1_000,)) is None
    assert window_is_empty(()) and window_is_empty((None, False)) and window_is_empty([])
    assert not window_is_empty((1_000,)) and not window_is_empty((1_000, False))


def test_timers_carry_their_rule_set_and_fire_only_in_it():
    confirmed = evaluate(PLAN, event("sales_order.confirmed", {"order": {
        "no": "SO-1", "deposit_amount": 0}, "order_id": "SO-1"}), {}, NOW, rule_set="shop")
    arm = next(a for a in confirmed.actions if a.kind == "arm_timer")
    assert arm.arg("rule_set") == "shop" and arm.arg("key") == "SO-1"
    shipped = evaluate(PLAN, event("shipment.shipped", {"shipment": {"order_id": "SO-1"}}),
                       {}, NOW, rule_set="shop")
    assert [(a.kind, a.arg("rule_set")) for a in shipped.actions] == [("cancel_timer", "shop")]

    def fired(timer_rule_set: str | None, plan_rule_set: str) -> list[str]:
        timer = {"rule_id": "unshipped_48h", "key": "SO-1",
                 "scope": {"order": {"customer_id": "C9"}}}
        if timer_rule_set is not None:
            timer["rule_set"] = timer_rule_set
        return [a.kind for a in evaluate(PLAN, event(TIMER_FIRED, {"timer": timer}), {},
                                         NOW + timedelta(hours=48),
                                         rule_set=plan_rule_set).actions]

    assert fired("shop", "shop") == ["freeze"]
    assert fired("other", "shop") == []  # same rule id, another rule set's timer
    assert fired(None, "shop") == ["freeze"]  # armed before timers named their rule set
