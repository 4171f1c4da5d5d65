"""Installing, upgrading and uninstalling packs in a tenant, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from engine.models import RuleSetVersion
from engine.rulesets import save_version
from engine.schema_store import tenant_registry
from kernel.errors import Forbidden
from migrations.models import target_metadata
from templates_marketplace import (
    PackUnknownPublisher,
    PackUnsigned,
    build,
    builtin,
    load,
    new_private_key,
    public_key_of,
    read_folder,
    validate,
)
from templates_marketplace.catalogue import BUILTIN_DIR
from templates_marketplace.errors import (
    PackAlreadyInstalled,
    PackDependencyMissing,
    PackRuleTestsFailed,
    PackUpgradeConflict,
)
from templates_marketplace.installer import install, plan_upgrade, uninstall, upgrade
from templates_marketplace.trust import add_publisher, decide
from tests.conftest import TenantWorld

COLD_RULE = """# A probe above the limit alerts quality.
rule probe_warm "探头超温"
  when probe.reading_taken
  if probe.celsius > -15
  then
    alert role:quality_manager "探头 {probe.id} 温度过高"
end
"""


COLD_TESTS = """[[test]]
name = "a warm probe alerts"
event = "probe.reading_taken"
payload = { probe = { id = "P1", celsius = -10 } }
expect = [{ kind = "alert", rule = "probe_warm" }]

[[test]]
name = "a cold probe is quiet"
event = "probe.reading_taken"
payload = { probe = { id = "P1", celsius = -20 } }
expect = []
"""


def cold_pack(root: Path, version: str = "1.0.0", rule: str = COLD_RULE,
              tests: str = COLD_TESTS) -> Path:
    """A small pack that adds an event type and a rule reading it."""
    folder = root / f"cold-{version}"
    (folder / "schema").mkdir(parents=True)
    (folder / "rules").mkdir()
    (folder / "pack.toml").write_text(
        f'id = "test.cold"\nversion = "{version}"\njxcflow = ">=0.1,<1"\n'
        'depends = { "jxc.standard" = ">=1.0,<2" }\n'
        'name = { zh = "冷链测试", en = "Cold test" }\n'
        'description = { zh = "测试", en = "Test" }\n', encoding="utf-8")
    (folder / "schema" / "probe.toml").write_text(
        '[[event]]\nname = "probe.reading_taken"\nkey = "probe.id"\n'
        'label = { zh = "探头读数", en = "Probe reading" }\n'
        '[[event.field]]\npath = "probe.id"\ntype = "id"\nlabel = { zh = "探头", en = "Probe" }\n'
        '[[event.field]]\npath = "probe.celsius"\ntype = "number"\n'
        'label = { zh = "温度", en = "Celsius" }\n'
        '[[item_attribute]]\nname = "shelf_life_days"\ntype = "int"\n'
        'label = { zh = "保质期天数", en = "Shelf life (days)" }\n', encoding="utf-8")
    (folder / "rules" / "cold.rule").write_text(rule, encoding="utf-8")
    (folder / "tests").mkdir()
    (folder / "tests" / "cold.toml").write_text(tests, encoding="utf-8")
    return folder


def tenant_rows(world: TenantWorld) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tenant in every tenant-scoped table, sorted."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with world.db.read(None) as session:
        for table in target_metadata().sorted_tables:
            if "tenant_id" in table.c:
                found = session.execute(select(table).where(table.c.tenant_id == world.tenant_id))
                rows[table.name] = sorted(tuple(map(repr, r)) for r in found)
    return rows


def test_standard_pack_installs_its_rule_sets_into_sandbox(world: TenantWorld,
                                                          world_factory: Any) -> None:
    other = world_factory()
    other.item("OTHER-1")
    before = tenant_rows(other)
    pack = builtin("jxc.standard")
    with world.db.write(world.tenant_id) as session:
        row = install(session, world.tenant_id, pack, trust="builtin", actor="admin",
                      now=world.clock.now())
        assert row.state == "installed" and row.version == "1.0.0"
    with world.db.read(world.tenant_id) as session:
        versions = session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.name)).all()
        assert [(v.name, v.state, v.author) for v in versions] == [
            (f"jxc.standard:{n}", "sandbox", "pack:jxc.standard@1.0.0")
            for n in ("deposit_hold", "duplicate_scan", "unshipped_48h")]
    assert tenant_rows(other) == before
    with world.db.write(world.tenant_id) as session, pytest.raises(PackAlreadyInstalled):
        install(session, world.tenant_id, pack, trust="builtin", actor="admin",
                now=world.clock.now())


def test_schema_extension_lets_the_tenants_rules_read_the_new_event(
        world: TenantWorld, tmp_path: Path) -> None:
    cold = validate(read_folder(cold_pack(tmp_path)))
    with world.db.write(world.tenant_id) as session, pytest.raises(PackDependencyMissing):
        install(session, world.tenant_id, cold, trust="builtin", actor="admin",
                now=world.clock.now())
    with world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, builtin("jxc.standard"), trust="builtin",
                actor="admin", now=world.clock.now())
        install(session, world.tenant_id, cold, trust="builtin", actor="admin",
                now=world.clock.now())
    with world.db.write(world.tenant_id) as session:
        registry = tenant_registry(session)
        assert registry.field("probe.reading_taken", "probe.celsius") is not None
        mine = save_version(session, world.tenant_id, "my_probe", COLD_RULE, registry,
                            "author", world.clock.now())
        assert mine.state == "draft"


def test_a_pack_whose_rule_tests_fail_installs_nothing(world: TenantWorld,
                                                      tmp_path: Path) -> None:
    broken = validate(read_folder(cold_pack(tmp_path, tests=COLD_TESTS.replace(
        'celsius = -20 } }\nexpect = []', 'celsius = -20 } }\nexpect = [{ kind = "alert" }]'))))
    with world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, builtin("jxc.standard"), trust="builtin",
                actor="admin", now=world.clock.now())
    before = tenant_rows(world)
    with pytest.raises(PackRuleTestsFailed) as refused, \
            world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, broken, trust="builtin", actor="admin",
                now=world.clock.now())
    assert "a cold probe is quiet" in refused.value.render("en")
    assert tenant_rows(world) == before


def test_an_upgrade_over_a_tenant_edit_waits_for_a_choice(world: TenantWorld,
                                                         tmp_path: Path) -> None:
    now = world.clock.now()
    v1 = validate(read_folder(cold_pack(tmp_path)))
    v2 = validate(read_folder(cold_pack(tmp_path, "1.1.0",
                                        COLD_RULE.replace("> -15", "> -18"))))
    edited = COLD_RULE.replace("> -15", "> -12")
    with world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, builtin("jxc.standard"), trust="builtin",
                actor="admin", now=now)
        install(session, world.tenant_id, v1, trust="builtin", actor="admin", now=now)
        mine = save_version(session, world.tenant_id, "test.cold:cold", edited,
                            tenant_registry(session), "author", now)
        mine_hash = mine.version_hash
    with world.db.read(world.tenant_id) as session:
        plan = plan_upgrade(session, v2)
    assert plan.conflicts == ["cold"]
    change = plan.changes[0]
    assert "-if probe.celsius > -15" in change.diff_pack.replace("  ", "")
    assert "+if probe.celsius > -12" in change.diff_tenant.replace("  ", "")
    with world.db.write(world.tenant_id) as session, pytest.raises(PackUpgradeConflict):
        upgrade(session, world.tenant_id, v2, trust="builtin", actor="admin", now=now)
    with world.db.read(world.tenant_id) as session:
        names = session.scalars(select(RuleSetVersion.version_hash)
                                .where(RuleSetVersion.name == "test.cold:cold")).all()
        assert len(names) == 2  # the pack's 1.0.0 and the tenant's edit, nothing new
    with world.db.write(world.tenant_id) as session:
        upgrade(session, world.tenant_id, v2, trust="builtin", actor="admin", now=now,
                choices={"cold": "mine"})
    with world.db.read(world.tenant_id) as session:
        latest = session.scalars(select(RuleSetVersion).where(
            RuleSetVersion.name == "test.cold:cold").order_by(RuleSetVersion.id.desc())).first()
        assert latest is not None and latest.version_hash == mine_hash


def test_uninstall_retires_the_packs_rules_and_keeps_the_ledger(world: TenantWorld) -> None:
    world.item("SKU-1")
    world.receive("SKU-1", "WH-A", 5)
    with world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, builtin("jxc.standard"), trust="builtin",
                actor="admin", now=world.clock.now())
    with world.db.write(world.tenant_id) as session:
        uninstall(session, "jxc.standard", actor="admin", now=world.clock.now())
    with world.db.read(world.tenant_id) as session:
        states = set(session.scalars(select(RuleSetVersion.state)))
        ledger = session.scalar(text("select count(*) from ledger_entry where tenant_id = :t"),
                                {"t": world.tenant_id})
    assert states == {"retired"}
    assert ledger and ledger > 0


def test_only_trusted_or_explicitly_untrusted_packs_install(world: TenantWorld,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "standard"
    shutil.copytree(BUILTIN_DIR / "standard", folder)
    key = new_private_key()
    _, signed = build(folder, key)
    _, unsigned = build(folder)
    with world.db.write(world.tenant_id) as session:
        with pytest.raises(PackUnknownPublisher):
            decide(session, load(signed), is_builtin=False, allow_untrusted=False,
                   actor_is_admin=True)
        add_publisher(session, world.tenant_id, "Acme packs",
                      base64.b64encode(public_key_of(key)).decode(), "admin",
                      world.clock.now())
        assert decide(session, load(signed), is_builtin=False, allow_untrusted=False,
                      actor_is_admin=False) != "untrusted"
        with pytest.raises(PackUnsigned):
            decide(session, load(unsigned), is_builtin=False, allow_untrusted=False,
                   actor_is_admin=True)
        with pytest.raises(Forbidden):
            decide(session, load(unsigned), is_builtin=False, allow_untrusted=True,
                   actor_is_admin=False)
        assert decide(session, load(unsigned), is_builtin=False, allow_untrusted=True,
                      actor_is_admin=True) == "untrusted"
