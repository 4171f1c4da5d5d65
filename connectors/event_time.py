"""Event time from the source: a device's or payload's own timestamp as the event's time.

An inbound mapping may name it (``"occurred_at": "body.scanned_at"``): the event's
``occurred_at`` is then when the scanner scanned, not when the message arrived, so windows
such as "3 scans within 100 ms" judge what the device saw, whatever the network jitter.

Accepted values: ISO-8601 text with a UTC offset (``2026-11-23T08:00:00.050+08:00``), or a
number of seconds since 1970 (``time_unit: "ms"`` for milliseconds). A time without an
offset, or one that does not parse, refuses the message.

The lateness bound: a time more than ``max_lateness_seconds`` (default
:data:`DEFAULT_MAX_LATENESS`) before the tenant clock's now, or more than
``max_lead_seconds`` (default :data:`DEFAULT_MAX_LEAD`) after it, refuses the message into
the rejection list with the reason (``late_event`` / ``future_event``): a window that has
long closed is not re-opened by a late reading, and a device with a wrong clock cannot
date events into the future.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.errors import InvalidMapping

#: How late (by the tenant clock) a source time may be, when the mapping sets no bound.
DEFAULT_MAX_LATENESS = timedelta(minutes=5)
#: How far ahead of the tenant clock a source time may be (device clock skew).
DEFAULT_MAX_LEAD = timedelta(seconds=30)
_MAX_BOUND_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeRule:
    """How a mapping reads and bounds its source time."""

    unit: str = "iso"
    max_lateness: timedelta = DEFAULT_MAX_LATENESS
    max_lead: timedelta = DEFAULT_MAX_LEAD

    @classmethod
    def of(cls, spec: Mapping[str, Any]) -> TimeRule:
        """The rule of an inbound mapping's ``time_unit`` / ``max_lateness_seconds`` /
        ``max_lead_seconds``.

        Raises:
            InvalidMapping: an unknown unit or a bound outside 0 s – 7 days.
        """
        unit = spec.get("time_unit", "iso")
        if unit not in ("iso", "s", "ms"):
            raise InvalidMapping(field="time_unit", reason="expected iso, s or ms")
        bounds = []
        for name, default in (("max_lateness_seconds", DEFAULT_MAX_LATENESS),
                              ("max_lead_seconds", DEFAULT_MAX_LEAD)):
            value = spec.get(name)
            if value is None:
                bounds.append(default)
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) \
                    or not 0 <= value <= _MAX_BOUND_SECONDS:
                raise InvalidMapping(field=name,
                                     reason=f"expected seconds between 0 and {_MAX_BOUND_SECONDS}")
            bounds.append(timedelta(seconds=value))
        return cls(unit=unit, max_lateness=bounds[0], max_lead=bounds[1])

    def parse(self, value: Any) -> datetime:
        """The UTC time of a source value.

        Raises:
            InvalidMapping: missing, not a time, or without a UTC offset.
        """
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and self.unit in ("s", "ms", "iso"):
            seconds = value / 1000 if self.unit == "ms" else value
            try:
                return datetime.fromtimestamp(seconds, UTC)
            except (OverflowError, OSError, ValueError) as exc:
                raise InvalidMapping(field="occurred_at", reason=str(exc)) from exc
        if isinstance(value, str) and self.unit == "iso":
            try:
                moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError as exc:
                raise InvalidMapping(field="occurred_at",
                                     reason=f"not an ISO-8601 time: {value[:40]!r}") from exc
            if moment.tzinfo is None:
                raise InvalidMapping(field="occurred_at",
                                     reason=f"{value[:40]!r} has no UTC offset")
            return moment.astimezone(UTC)
        raise InvalidMapping(field="occurred_at",
                             reason=f"expected a time ({self.unit}), got {str(value)[:40]!r}")

    def refusal(self, occurred_at: datetime, now: datetime) -> tuple[str, str] | None:
        """``(reason, detail)`` when ``occurred_at`` is outside the bound around ``now``."""
        if occurred_at < now - self.max_lateness:
            return "late_event", (f"source time {occurred_at.isoformat()} is "
                                  f"{(now - occurred_at).total_seconds():.3f} s before now, "
                                  f"beyond the {self.max_lateness.total_seconds():g} s "
                                  "lateness bound")
        if occurred_at > now + self.max_lead:
            return "future_event", (f"source time {occurred_at.isoformat()} is "
                                    f"{(occurred_at - now).total_seconds():.3f} s after now, "
                                    f"beyond the {self.max_lead.total_seconds():g} s bound")
        return None


__all__ = ["DEFAULT_MAX_LATENESS", "DEFAULT_MAX_LEAD", "TimeRule"]
