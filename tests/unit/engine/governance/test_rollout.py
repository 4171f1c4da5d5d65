"""Gray release: stable hash shares, warehouses and channels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.decision import Event
from engine.governance.errors import BadRollout
from engine.governance.rollout import bucket, matches, validate_rollout

AT = datetime(2026, 11, 23, tzinfo=UTC)


def event(key: str, **payload) -> Event:
    return Event(id=f"e-{key}", type="sales_order.confirmed", tenant_id=1, occurred_at=AT,
                 payload=payload, key=key)


def test_30_percent_of_10000_keys_is_30_percent_plus_minus_2_and_stable():
    rollout = validate_rollout({"percent": 30})
    keys = [f"sku-{n}:WH-{n % 7}" for n in range(10_000)]
    first = [matches("pricing", rollout, event(k)) for k in keys]
    share = sum(first) / len(keys)
    assert 0.28 <= share <= 0.32, share
    again = [matches("pricing", rollout, event(k)) for k in keys]
    assert again == first  # each key always gets the same version


def test_widening_keeps_every_key_already_on_the_new_version():
    keys = [f"order-{n}" for n in range(5_000)]
    at_30 = {k for k in keys if matches("r", {"percent": 30.0}, event(k))}
    at_50 = {k for k in keys if matches("r", {"percent": 50.0}, event(k))}
    assert at_30 <= at_50 and len(at_50) > len(at_30)


def test_buckets_depend_on_the_rule_set_so_two_rollouts_are_independent():
    same = sum(bucket("a", str(n)) == bucket("b", str(n)) for n in range(1_000))
    assert same < 10


def test_warehouses_and_channels_must_all_match():
    rollout = validate_rollout({"warehouses": ["WH-HZ"], "channels": ["tmall"]})
    assert matches("r", rollout, event("k", order={"warehouse": "WH-HZ", "channel_id": "tmall"}))
    assert not matches("r", rollout, event("k", order={"warehouse": "WH-SZ",
                                                       "channel_id": "tmall"}))
    assert not matches("r", rollout, event("k", warehouse="WH-HZ"))  # no channel


@pytest.mark.parametrize("spec", [
    {},  # no criterion
    {"percent": 0},  # nothing
    {"percent": 101},  # more than everyone
])
def test_bad_rollouts_are_refused(spec):
    with pytest.raises(BadRollout):
        validate_rollout(spec)


def test_100_percent_is_everyone():
    assert validate_rollout({"percent": 100}) is None
