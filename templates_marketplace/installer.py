"""Install, upgrade and uninstall a pack in one tenant, in one transaction each.

A pack's rule sets arrive as governance versions: created as drafts by the pack (its
author), tested with the pack's own rule tests (a failing test refuses the whole install),
then moved to ``sandbox`` — never into production: shadow and review follow like for any
other version. Its schema extensions and
settings are applied in the same transaction. Upgrades never overwrite a rule set the
tenant edited: they list the conflict and wait for a choice. Uninstalling retires the
pack's rules and keeps every document and ledger row.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.governance.versions import advance, create_version, run_tests, set_state
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache
from engine.schema_store import SchemaExtension, tenant_registry
from templates_marketplace.errors import (
    PackAlreadyInstalled,
    PackDependencyMissing,
    PackNotInstalled,
    PackRuleTestsFailed,
    PackSchemaClash,
    PackUpgradeConflict,
)
from templates_marketplace.models import InstalledPack
from templates_marketplace.pack import Pack
from templates_marketplace.parts import schema_declarations

Choice = Literal["mine", "pack"]
#: Plans compiled to run packs' rule tests (a version's plan never changes).
_PLANS = PlanCache(size=64)


def rule_set_name(pack_id: str, name: str) -> str:
    """The tenant-wide name of a pack's rule set, e.g. ``jxc.food:cold_chain``."""
    return f"{pack_id}:{name}"


def pack_author(pack: Pack) -> str:
    """Who versions a pack brings are authored by (never the installing user)."""
    return f"pack:{pack.manifest.id}@{pack.manifest.version}"


def installed(session: Session, pack_id: str) -> InstalledPack | None:
    """The session tenant's installation of ``pack_id`` (installed or uninstalled)."""
    return session.scalar(select(InstalledPack).where(InstalledPack.pack_id == pack_id))


def install(session: Session, tenant_id: int, pack: Pack, *, trust: str, actor: str,
            now: datetime) -> InstalledPack:
    """Install ``pack``: schema, settings and rule sets (as sandbox versions).

    Raises:
        PackAlreadyInstalled, PackDependencyMissing, PackSchemaClash.
    """
    m = pack.manifest
    row = installed(session, m.id)
    if row is not None and row.state == "installed":
        raise PackAlreadyInstalled(pack=m.id, version=row.version)
    _check_dependencies(session, pack)
    _apply_schema(session, tenant_id, pack, now)
    versions = {name: _save(session, tenant_id, pack, name, text, now).version_hash
                for name, text in sorted(pack.parts.rule_sets.items())}
    contents = _contents(pack, versions)
    if row is None:
        row = InstalledPack(tenant_id=tenant_id, pack_id=m.id, installed_at=now)
        session.add(row)
    row.version, row.digest, row.state, row.trust = m.version, pack.digest, "installed", trust
    row.is_untrusted = trust == "untrusted"
    row.contents, row.installed_by, row.updated_at = contents, actor, now
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class RuleSetChange:
    """What an upgrade does to one rule set."""

    name: str
    #: unchanged, added, removed, pack_changed (tenant did not edit), tenant_edited (pack
    #: did not change it: the tenant's stays), conflict (both changed).
    status: str
    diff_pack: str = ""
    diff_tenant: str = ""


@dataclass(frozen=True, slots=True)
class UpgradePlan:
    """The difference between what the tenant runs and what the new pack brings."""

    pack_id: str
    from_version: str
    to_version: str
    changes: list[RuleSetChange] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        """Rule sets edited by the tenant and changed by the pack."""
        return [c.name for c in self.changes if c.status == "conflict"]


def plan_upgrade(session: Session, pack: Pack) -> UpgradePlan:
    """Compare the installed pack, the tenant's current rule sets and the new pack."""
    row = _installed_row(session, pack.manifest.id)
    base: dict[str, dict[str, str]] = row.contents.get("rule_sets", {})
    changes: list[RuleSetChange] = []
    for name in sorted(set(base) | set(pack.parts.rule_sets)):
        new_text = pack.parts.rule_sets.get(name)
        old = base.get(name)
        if old is None:
            changes.append(RuleSetChange(name, "added", _diff("", new_text or "", name)))
            continue
        if new_text is None:
            changes.append(RuleSetChange(name, "removed", _diff(old["source"], "", name)))
            continue
        mine = _latest(session, rule_set_name(pack.manifest.id, name))
        edited = mine is not None and mine.version_hash != old["hash"]
        changed = new_text != old["source"]
        status = ("conflict" if edited and changed else "tenant_edited" if edited
                  else "pack_changed" if changed else "unchanged")
        changes.append(RuleSetChange(
            name, status, _diff(old["source"], new_text, name) if changed else "",
            _diff(old["source"], mine.source, name) if edited and mine else ""))
    return UpgradePlan(pack.manifest.id, row.version, pack.manifest.version, changes)


def upgrade(session: Session, tenant_id: int, pack: Pack, *, trust: str, actor: str,
            now: datetime, choices: dict[str, Choice] | None = None) -> UpgradePlan:
    """Upgrade to ``pack``; every conflict needs a choice (``mine`` keeps the tenant's).

    Raises:
        PackNotInstalled, PackDependencyMissing, PackSchemaClash,
        PackUpgradeConflict: a conflict has no choice; nothing was changed.
    """
    plan = plan_upgrade(session, pack)
    choices = choices or {}
    open_conflicts = [n for n in plan.conflicts if n not in choices]
    if open_conflicts:
        raise PackUpgradeConflict(pack=pack.manifest.id, rule_sets=", ".join(open_conflicts))
    _check_dependencies(session, pack)
    _apply_schema(session, tenant_id, pack, now)
    row = _installed_row(session, pack.manifest.id)
    kept: dict[str, dict[str, str]] = dict(row.contents.get("rule_sets", {}))
    for change in plan.changes:
        full = rule_set_name(pack.manifest.id, change.name)
        take = change.status in ("added", "pack_changed") or (
            change.status == "conflict" and choices.get(change.name) == "pack")
        if take:
            text = pack.parts.rule_sets[change.name]
            saved = _save(session, tenant_id, pack, change.name, text, now)
            kept[change.name] = {"hash": saved.version_hash, "source": text}
        elif change.status == "removed":
            _retire(session, full, actor, now)
            kept.pop(change.name, None)
        elif change.status == "conflict":  # the tenant keeps theirs; the base moves on
            kept[change.name] = {"hash": kept[change.name]["hash"],
                                 "source": pack.parts.rule_sets[change.name]}
    row.version, row.digest, row.trust = pack.manifest.version, pack.digest, trust
    row.is_untrusted = trust == "untrusted"
    row.contents = {**_contents(pack, {}), "rule_sets": kept}
    row.installed_by, row.updated_at = actor, now
    session.flush()
    return plan


def uninstall(session: Session, pack_id: str, *, actor: str, now: datetime) -> InstalledPack:
    """Retire the pack's rule sets; documents, ledger rows and schema stay."""
    row = _installed_row(session, pack_id)
    for name in row.contents.get("rule_sets", {}):
        _retire(session, rule_set_name(pack_id, name), actor, now)
    row.state, row.installed_by, row.updated_at = "uninstalled", actor, now
    session.flush()
    return row


def _installed_row(session: Session, pack_id: str) -> InstalledPack:
    row = installed(session, pack_id)
    if row is None or row.state != "installed":
        raise PackNotInstalled(pack=pack_id)
    return row


def _check_dependencies(session: Session, pack: Pack) -> None:
    for dep, wanted in pack.manifest.depends.items():
        row = installed(session, dep)
        have = row.version if row is not None and row.state == "installed" else None
        if have is None or Version(have) not in SpecifierSet(wanted):
            raise PackDependencyMissing(pack=pack.manifest.id, dependency=dep, wanted=wanted,
                                        installed=have or "—")


def _apply_schema(session: Session, tenant_id: int, pack: Pack, now: datetime) -> None:
    source = f"pack:{pack.manifest.id}"
    for kind, name, definition in schema_declarations(pack.parts):
        row = session.scalar(select(SchemaExtension).where(SchemaExtension.kind == kind,
                                                           SchemaExtension.name == name))
        if row is None:
            session.add(SchemaExtension(tenant_id=tenant_id, kind=kind, name=name,
                                        source=source, definition=definition, created_at=now))
        elif row.source == source:
            row.definition = definition
        elif row.definition != definition:
            raise PackSchemaClash(kind=kind, name=name, source=row.source)
    session.flush()


def _save(session: Session, tenant_id: int, pack: Pack, name: str, text: str,
          now: datetime) -> RuleSetVersion:
    """Create the version, run the pack's rule tests on it and move it to sandbox.

    Raises:
        PackRuleTestsFailed: a rule test of the pack fails (the install rolls back).
    """
    author = pack_author(pack)
    version = create_version(session, tenant_id, rule_set_name(pack.manifest.id, name), text,
                             tenant_registry(session), author, now)
    if version.state != "draft":  # the same text is already further along (or retired)
        return version
    run = run_tests(session, version, pack.parts.tests[name], author, now, _PLANS)
    if not run.is_passed:
        first = next(r for r in run.results if not r["is_passed"])
        raise PackRuleTestsFailed(pack=pack.manifest.id, rule_set=name, failed=run.failed,
                                  total=run.total, test=first["name"], reason=first["message"])
    return advance(session, version, "sandbox", author, now)


def _latest(session: Session, name: str) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).where(
        RuleSetVersion.name == name, RuleSetVersion.state != "retired")
        .order_by(RuleSetVersion.id.desc()).limit(1))


def _retire(session: Session, name: str, actor: str, now: datetime) -> None:
    """Retire every live version of ``name``, each with its audit row."""
    for version in session.scalars(select(RuleSetVersion).where(
            RuleSetVersion.name == name, RuleSetVersion.state != "retired")):
        set_state(session, version, "retired", actor, now, comment="pack uninstalled",
                  act="retire")


def _contents(pack: Pack, versions: dict[str, str]) -> dict[str, Any]:
    parts = pack.parts
    return {
        "rule_sets": {n: {"hash": h, "source": parts.rule_sets[n]} for n, h in versions.items()},
        "modules": list(pack.manifest.modules),
        "events": [e.name for e in parts.events],
        "item_attributes": [a.name for a in parts.item_attributes],
        "settings": parts.settings.model_dump(),
        "tiles": [t.model_dump() for t in parts.tiles],
        "connectors": {n: c.model_dump() for n, c in parts.connectors.items()},
    }


def _diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        f"{name} (before)", f"{name} (after)"))
