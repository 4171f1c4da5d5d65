"""Per-device rate limits of inbound MQTT: a token bucket per (connector, device).

A device is the topic it publishes on (``jxc/<tenant>/scanner/SC-7/scan``). Each has a
bucket of ``burst`` tokens refilled at ``per_second``; a message takes one token, and a
message finding none is dropped (acknowledged, not made into an event). Time is the link's
clock (the tenant clock; virtual in tests, so a test's burst is exact).

The connector's option ``rate_limit: {"per_second": 10, "burst": 100}`` sets the limit
(these are the defaults). Rejections are not written one per dropped message — a flood must
not become a flood of writes — but once per device per minute, with the count so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.errors import InvalidConnector

DEFAULT_PER_SECOND = 10.0
DEFAULT_BURST = 100
#: Buckets kept per link; beyond it, full (idle) buckets are forgotten.
_MAX_DEVICES = 10_000
_REPORT_EVERY = timedelta(minutes=1)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: datetime
    dropped: int = 0
    reported_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Whether a message may pass, and whether its drop should be written down now."""

    is_allowed: bool
    report: str | None = None


def check_option(config: Mapping[str, Any]) -> None:
    """Raise :class:`InvalidConnector` unless ``rate_limit`` is absent or valid."""
    option = config.get("rate_limit")
    if option is None:
        return
    if not isinstance(option, Mapping) or set(option) - {"per_second", "burst"}:
        raise InvalidConnector(reason="rate_limit is {per_second, burst}",
                               reason_zh="rate_limit 的格式为 {per_second, burst}")
    rate, burst = option.get("per_second", DEFAULT_PER_SECOND), \
        option.get("burst", DEFAULT_BURST)
    if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0.01 <= rate <= 10_000:
        raise InvalidConnector(reason="rate_limit.per_second must be between 0.01 and 10000",
                               reason_zh="rate_limit.per_second 必须在 0.01 到 10000 之间")
    if not isinstance(burst, int) or isinstance(burst, bool) or not 1 <= burst <= 100_000:
        raise InvalidConnector(reason="rate_limit.burst must be whole messages, 1 to 100000",
                               reason_zh="rate_limit.burst 必须是 1 到 100000 之间的整数")


class DeviceThrottle:
    """Token buckets of one link's devices."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        option = config.get("rate_limit") or {}
        self.per_second = float(option.get("per_second", DEFAULT_PER_SECOND))
        self.burst = int(option.get("burst", DEFAULT_BURST))
        self._buckets: dict[str, _Bucket] = {}

    def take(self, device: str, now: datetime) -> Verdict:
        """Take a token for a message of ``device`` at ``now``."""
        bucket = self._buckets.get(device)
        if bucket is None:
            if len(self._buckets) >= _MAX_DEVICES:
                self._forget_idle(now)
            bucket = self._buckets[device] = _Bucket(tokens=float(self.burst), updated=now)
        elapsed = max((now - bucket.updated).total_seconds(), 0.0)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict(is_allowed=True)
        bucket.dropped += 1
        if bucket.reported_at is not None and now - bucket.reported_at < _REPORT_EVERY:
            return Verdict(is_allowed=False)
        bucket.reported_at = now
        return Verdict(is_allowed=False, report=(
            f"{device[:200]}: over {self.per_second:g} messages/s (burst {self.burst}); "
            f"{bucket.dropped} dropped so far, further drops this minute are not written"))

    def _forget_idle(self, now: datetime) -> None:
        for device, bucket in list(self._buckets.items()):
            refilled = bucket.tokens + (now - bucket.updated).total_seconds() * self.per_second
            if refilled >= self.burst:
                del self._buckets[device]


__all__ = ["DEFAULT_BURST", "DEFAULT_PER_SECOND", "DeviceThrottle", "Verdict", "check_option"]
