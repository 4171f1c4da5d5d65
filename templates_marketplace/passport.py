"""A pack's passport before it is installed: what each of its rule sets reads, writes,
touches and notifies — derived from the compiled IR (``engine.governance.passport``),
never typed by the publisher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dsl import EventType, parse_and_check
from dsl.schema_defaults import default_registry
from engine.canonical import version_hash
from engine.governance.passport import passport
from engine.lowering_rules import lower_rule_file
from templates_marketplace.pack import Pack


def pack_passport(pack: Pack, extra_events: Sequence[EventType] = ()
                  ) -> dict[str, dict[str, Any]]:
    """Rule set name → its passport. ``extra_events`` are those of the packs it depends on
    (a validated pack's rules check against them)."""
    registry = default_registry().extended([*extra_events, *pack.parts.events])
    found: dict[str, dict[str, Any]] = {}
    for name, text in sorted(pack.parts.rule_sets.items()):
        rule_set = lower_rule_file(parse_and_check(text, registry))
        found[name] = passport(rule_set, version_hash(rule_set))
    return found


def summary(passports: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The union over a pack's rule sets, for a card: events, reads, writes, notifies."""
    keys = ("events", "fields_read", "fields_written", "balances_written",
            "documents_touched", "connectors", "roles_notified")
    return {k: sorted({v for p in passports.values() for v in p[k]}) for k in keys}
