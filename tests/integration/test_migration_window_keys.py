"""Migration 0024 moves window rows and armed rule timers written before rule sets keyed them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from kernel.db import normalise_url
from migrations.runner import downgrade, upgrade

AT = datetime(2026, 11, 23, 8, tzinfo=UTC)


def _ir(*rules: dict) -> str:
    return json.dumps({"node": "RuleSet", "rules": list(rules)})


SCAN_RULE = {"node": "Rule", "id": "triple_scan_flagged", "condition": {
    "node": "CountWithin", "id": "triple_scan_flagged/when", "within_ms": 100}}
SHARED_RULE = {"node": "Rule", "id": "shared", "condition": None}


def _legacy_rows(conn: sa.Connection) -> int:
    tenant = conn.execute(sa.text("INSERT INTO tenant (code, name, created_at) "
                                  "VALUES ('m24', '迁移', :at) RETURNING id"),
                          {"at": AT}).scalar_one()
    for name, digest, ir in [("scans", "h-scans", _ir(SCAN_RULE)),
                             ("one", "h-one", _ir(SHARED_RULE)),
                             ("two", "h-two", _ir(SHARED_RULE))]:
        conn.execute(sa.text(
            "INSERT INTO rule_set_version (tenant_id, name, version_hash, source, ir, state, "
            "author, created_at) VALUES (:t, :n, :h, '', :ir, 'production', 'a', :at)"),
            {"t": tenant, "n": name, "h": digest, "ir": ir, "at": AT})
    for rule_id, key, state in [("triple_scan_flagged", "TEA-1", [1000, 1040]),
                                ("shared", "K", [5]), ("gone", "K", [5]),
                                ("triple_scan_flagged", "EMPTY", [])]:
        conn.execute(sa.text("INSERT INTO window_state (tenant_id, rule_id, key, state, "
                             "updated_at) VALUES (:t, :r, :k, :s, :at)"),
                     {"t": tenant, "r": rule_id, "k": key, "s": json.dumps(state), "at": AT})
    for key, payload in [("unshipped:SO-1", {"rule_id": "unshipped", "key": "SO-1",
                                             "version": "h-one", "scope": {}}),
                         ("reservation:R-1:expiry", {"reservation": "R-1"})]:
        conn.execute(sa.text("INSERT INTO durable_timer (tenant_id, key, fire_at, payload, "
                             "status, armed_at) VALUES (:t, :k, :at, :p, 'armed', :at)"),
                     {"t": tenant, "k": key, "at": AT, "p": json.dumps(payload)})
    return int(tenant)


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_0024_moves_windows_to_their_rule_set_and_names_armed_timers(empty_database_url):
    url = empty_database_url
    upgrade(url, "0024-1")
    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            _legacy_rows(conn)
        upgrade(url, "0024")
        with engine.connect() as conn:
            windows = {(r.rule_set, r.rule_id, r.key): r.expires_at for r in conn.execute(
                sa.text("SELECT rule_set, rule_id, key, expires_at FROM window_state"))}
            timers = sorted(tuple(r) for r in conn.execute(
                sa.text("SELECT key, payload FROM durable_timer")))
        assert set(windows) == {("scans", "triple_scan_flagged", "TEA-1"),  # its one owner
                                ("", "shared", "K"),  # in two rule sets: whose is unknown
                                ("", "gone", "K")}  # in none
        moved = windows[("scans", "triple_scan_flagged", "TEA-1")]
        assert str(moved).startswith("1970-01-01 00:00:01.14")  # last scan 1,040 ms + 100 ms
        assert str(windows[("", "gone", "K")]).startswith("2026-11-23 08:00:00")  # swept next
        payloads = {key: json.loads(p) if isinstance(p, str) else p for key, p in timers}
        assert set(payloads) == {"one:unshipped:SO-1", "reservation:R-1:expiry"}
        assert payloads["one:unshipped:SO-1"]["rule_set"] == "one"
        downgrade(url, "0024-1")
        with engine.connect() as conn:
            keys = set(conn.execute(sa.text("SELECT key FROM durable_timer")).scalars())
            rows = conn.execute(sa.text("SELECT count(*) FROM window_state")).scalar_one()
        assert keys == {"unshipped:SO-1", "reservation:R-1:expiry"} and rows == 3
    finally:
        engine.dispose()
        upgrade(url)
