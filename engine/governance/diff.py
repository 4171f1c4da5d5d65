"""The difference between two versions: a unified text diff and per rule added / removed /
changed (rules compared by id on their canonical IR, so formatting alone changes nothing)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from engine.canonical import to_data
from engine.ir import RuleSet


def _rules(rule_set: RuleSet) -> dict[str, str]:
    return {r.id: json.dumps(to_data(r), sort_keys=True, ensure_ascii=False)
            for r in rule_set.rules}


def diff_versions(old_name: str, old_source: str, old: RuleSet, new_name: str,
                  new_source: str, new: RuleSet) -> dict[str, Any]:
    """Text diff of the sources and the per-rule changes from ``old`` to ``new``."""
    before, after = _rules(old), _rules(new)
    text = "".join(difflib.unified_diff(
        old_source.splitlines(keepends=True), new_source.splitlines(keepends=True),
        fromfile=old_name, tofile=new_name))
    return {
        "text": text,
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(k for k in before.keys() & after.keys() if before[k] != after[k]),
        "unchanged": sorted(k for k in before.keys() & after.keys() if before[k] == after[k]),
    }
