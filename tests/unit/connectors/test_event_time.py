"""Source times: parsed in the units a device sends, bounded around the tenant clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import InvalidMapping
from connectors.mapping import InboundMap

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def mapped(value: object, **spec: object) -> InboundMap:
    return InboundMap({"event_type": "freezer.temperature_reported", "occurred_at": "body.ts",
                       "fields": {"freezer.temperature": "body.t"}, **spec})


def test_epoch_milliseconds_iso_with_offset_and_the_bounds():
    ms = mapped(None, time_unit="ms")
    event = ms.apply({"body": {"ts": NOW.timestamp() * 1000 + 50, "t": -18}}, "k")
    assert event.occurred_at == NOW + timedelta(milliseconds=50)
    iso = mapped(None)
    event = iso.apply({"body": {"ts": "2026-11-23T16:00:00.090+08:00", "t": -18}}, "k")
    assert event.occurred_at == NOW + timedelta(milliseconds=90)
    assert iso.time_refusal(event, NOW) is None
    assert iso.time_refusal(event, NOW + timedelta(minutes=6))[0] == "late_event"
    assert iso.time_refusal(event, NOW - timedelta(minutes=1))[0] == "future_event"
    strict = mapped(None, max_lateness_seconds=1)
    assert strict.time_refusal(event, NOW + timedelta(seconds=2))[0] == "late_event"


@pytest.mark.parametrize("ts", ["2026-11-23T08:00:00", "yesterday", None, True])
def test_a_time_without_offset_or_not_a_time_refuses_the_message(ts):
    with pytest.raises(InvalidMapping):
        mapped(None).apply({"body": {"ts": ts, "t": 1}}, "k")


@pytest.mark.parametrize("spec", [{"time_unit": "hours"}, {"max_lateness_seconds": -1},
                                  {"max_lead_seconds": "5"}])
def test_bad_time_options_are_refused_when_saved(spec):
    with pytest.raises(InvalidMapping):
        mapped(None, **spec)
