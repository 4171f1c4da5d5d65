"""The pure rebalance plan of one SKU × warehouse."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from inventory.planning.rebalance import PoolState, plan

D = Decimal


def pool(pool_id: int, qty: str = "0", *, target: str | None = None, share: str | None = None,
         threshold: str = "0") -> PoolState:
    return PoolState(pool_id=pool_id, qty=D(qty),
                     target_qty=None if target is None else D(target),
                     target_share_pct=None if share is None else D(share),
                     threshold_qty=D(threshold))


def test_targets_that_fit_are_met():
    steps = plan(D(100), [pool(1, "10", target="60"), pool(2, "50", share="30")])
    assert [(s.target, s.qty_after) for s in steps] == [(D(60), D(60)), (D(30), D(30))]
    assert not any(s.is_below_threshold for s in steps)


def test_targets_beyond_available_are_scaled_down_alike():
    steps = plan(D(45), [pool(1, target="60", threshold="20"), pool(2, target="30",
                                                                      threshold="5")])
    assert [s.qty_after for s in steps] == [D(30), D(15)]  # each half of its target
    assert [s.is_below_threshold for s in steps] == [False, False]


def test_a_pool_left_below_its_threshold_is_flagged():
    steps = plan(D(15), [pool(1, "15", target="60", threshold="20"),
                         pool(2, "30", share="30", threshold="5")])
    # 64 wanted of 15: 60 → 14.06 and 4 → 0.94; the unit left over goes to the larger
    # remainder, so 14 and 1.
    assert [s.qty_after for s in steps] == [D(14), D(1)]
    assert [s.is_below_threshold for s in steps] == [True, True]


def test_no_stock_empties_every_pool():
    steps = plan(D(-3), [pool(1, "9", target="5", threshold="1")])
    assert steps[0].qty_after == 0 and steps[0].is_below_threshold


@given(available=st.integers(-50, 1000),
       targets=st.lists(st.one_of(st.tuples(st.just("qty"), st.integers(0, 500)),
                                  st.tuples(st.just("share"), st.integers(0, 100))),
                        min_size=1, max_size=6))
def test_pools_never_hold_more_than_is_available(available, targets):
    pools = [pool(i, target=str(v)) if kind == "qty" else pool(i, share=str(v))
             for i, (kind, v) in enumerate(targets)]
    steps = plan(D(available), pools)
    assert sum(s.qty_after for s in steps) <= max(available, 0)
    assert all(0 <= s.qty_after <= s.target for s in steps)
    assert all(s.qty_after == s.qty_after.to_integral_value() for s in steps)
