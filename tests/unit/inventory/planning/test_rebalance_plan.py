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
    steps = plan(D(100), [pool(1, "10", target="60"), pool(2, "20", share="30")])
    assert [(s.target, s.qty_after) for s in steps] == [(D(60), D(60)), (D(30), D(30))]
    assert not any(s.is_below_threshold for s in steps)


def test_a_channel_that_sold_down_is_not_refilled_from_the_others():
    """The issue's case: 300/150/150 of 600; douyin sold 260, stores 20: 320 available."""
    steps = plan(D(320), [pool(1, "40", target="300", threshold="50"),
                          pool(2, "150", target="150", threshold="30"),
                          pool(3, "130", target="150", threshold="30")])
    assert [s.qty_after for s in steps] == [D(40), D(150), D(130)]  # nothing moves
    assert [s.is_below_threshold for s in steps] == [True, False, False]


def test_what_is_distributable_goes_below_threshold_first_each_up_to_its_target():
    # 820 available after a receipt of 500: douyin (below threshold) first, then stores.
    steps = plan(D(820), [pool(1, "130", target="150", threshold="30"),
                          pool(2, "40", target="300", threshold="50")])
    assert [s.qty_after for s in steps] == [D(150), D(300)]
    # Only 100 distributable: douyin is below its threshold and takes it all.
    steps = plan(D(270), [pool(1, "130", target="150", threshold="30"),
                          pool(2, "40", target="300", threshold="50")])
    assert [s.qty_after for s in steps] == [D(130), D(140)]


def test_a_pool_above_its_lowered_target_gives_back_to_central_only():
    steps = plan(D(100), [pool(1, "80", target="50"), pool(2, "0", target="40")])
    # 20 distributable goes to pool 2; the 30 above pool 1's target go back to central.
    assert [s.qty_after for s in steps] == [D(50), D(20)]


def test_pools_holding_more_than_is_available_shrink_above_target_then_threshold():
    steps = plan(D(50), [pool(1, "40", target="30", threshold="20"),
                         pool(2, "30", target="30", threshold="10")])
    # 20 too many: 10 above pool 1's target, then 10 above its threshold (pool 1, the
    # fullest share of its target, is last in priority order and gives first).
    assert [s.qty_after for s in steps] == [D(20), D(30)]


def test_no_stock_empties_every_pool():
    steps = plan(D(-3), [pool(1, "9", target="5", threshold="1")])
    assert steps[0].qty_after == 0 and steps[0].is_below_threshold


@given(available=st.integers(-50, 1000),
       targets=st.lists(st.tuples(st.one_of(st.tuples(st.just("qty"), st.integers(0, 500)),
                                            st.tuples(st.just("share"), st.integers(0, 100))),
                                  st.integers(0, 400)),
                        min_size=1, max_size=6))
def test_pools_never_hold_more_than_is_available(available, targets):
    pools = [pool(i, str(held), target=str(v)) if kind == "qty" else
             pool(i, str(held), share=str(v))
             for i, ((kind, v), held) in enumerate(targets)]
    steps = plan(D(available), pools)
    assert sum(s.qty_after for s in steps) <= max(available, 0)
    assert all(s.qty_after >= 0 for s in steps)
    assert all(s.qty_after == s.qty_after.to_integral_value() for s in steps)
    fits = sum(p.qty for p in pools) <= max(available, 0)
    for before, step in zip(pools, steps, strict=True):
        if fits:  # no pool loses stock except down to its own target
            assert step.qty_after >= min(before.qty, step.target)
        if step.qty_after > before.qty:  # a pool is only ever filled up to its target
            assert step.qty_after <= step.target
