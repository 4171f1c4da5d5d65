"""The marketplace as the API and CLI use it: one call per action, one transaction each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from packaging.version import Version
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import guarantees
from kernel.db import Database
from templates_marketplace.archive import load
from templates_marketplace.catalogue import builtin_packs
from templates_marketplace.errors import PackIdReserved, PackNotFound
from templates_marketplace.installer import (
    Choice,
    install,
    installed,
    plan_upgrade,
    uninstall,
    upgrade,
)
from templates_marketplace.models import InstalledPack, StoredPack
from templates_marketplace.pack import Pack
from templates_marketplace.trust import decide


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, in which tenant, and whether they are an admin."""

    tenant_id: int
    name: str
    is_admin: bool


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A pack the tenant can install, and what it has installed of it."""

    pack: Pack
    source: str  # builtin | file
    installed_version: str | None
    installed_state: str | None


class Marketplace:
    """Catalogue, trust and installs for the tenants of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def catalogue(self, tenant_id: int) -> list[CatalogueEntry]:
        """The shipped packs and the tenant's stored packs (newest version of each)."""
        with self.db.read(tenant_id) as session:
            packs = {p.manifest.id: (p, "builtin") for p in builtin_packs()}
            for pack in _stored(session):
                current = packs.get(pack.manifest.id)
                if current is None or (current[1] == "file" and Version(
                        pack.manifest.version) > Version(current[0].manifest.version)):
                    packs[pack.manifest.id] = (pack, "file")
            rows = {r.pack_id: r for r in session.scalars(select(InstalledPack))}
        return [CatalogueEntry(p, src, rows[i].version if i in rows else None,
                               rows[i].state if i in rows else None)
                for i, (p, src) in sorted(packs.items())]

    def find(self, tenant_id: int, pack_id: str, version: str | None = None) -> CatalogueEntry:
        """One pack of the catalogue (a stored file's exact ``version`` if given)."""
        if version is not None:
            with self.db.read(tenant_id) as session:
                for pack in _stored(session):
                    if (pack.manifest.id, pack.manifest.version) == (pack_id, version):
                        return CatalogueEntry(pack, "file", None, None)
        for entry in self.catalogue(tenant_id):
            if entry.pack.manifest.id == pack_id and version in (None, entry.pack.manifest
                                                                  .version):
                return entry
        raise PackNotFound(pack=pack_id if version is None else f"{pack_id} {version}")

    def add_file(self, actor: Actor, data: bytes, now: datetime) -> Pack:
        """Validate an uploaded ``.jxcpack`` and keep it in the tenant's catalogue."""
        pack = load(data)
        if any(p.manifest.id == pack.manifest.id for p in builtin_packs()):
            raise PackIdReserved(pack=pack.manifest.id)
        with self.db.write(actor.tenant_id) as session:
            row = session.scalar(select(StoredPack).where(
                StoredPack.pack_id == pack.manifest.id,
                StoredPack.version == pack.manifest.version))
            if row is None:
                session.add(StoredPack(tenant_id=actor.tenant_id, pack_id=pack.manifest.id,
                                       version=pack.manifest.version, digest=pack.digest,
                                       archive=data, added_by=actor.name, created_at=now))
            else:
                row.digest, row.archive, row.added_by = pack.digest, data, actor.name
        return pack

    def install(self, actor: Actor, pack_id: str, version: str | None, allow_untrusted: bool,
                now: datetime, key: str | None = None) -> dict[str, Any]:
        """Install a pack (its rules arrive in sandbox)."""
        entry = self.find(actor.tenant_id, pack_id, version)

        def work(session: Session) -> dict[str, Any]:
            trust = decide(session, entry.pack, is_builtin=entry.source == "builtin",
                           allow_untrusted=allow_untrusted, actor_is_admin=actor.is_admin)
            row = install(session, actor.tenant_id, entry.pack, trust=trust, actor=actor.name,
                          now=now)
            return installation(row)

        return self._once(actor, "pack.install", {"pack": pack_id, "version": version,
                                                  "untrusted": allow_untrusted}, key, now, work)

    def plan_upgrade(self, actor: Actor, pack_id: str, version: str | None) -> dict[str, Any]:
        """What upgrading to the catalogue's (or the given) version would change."""
        entry = self.find(actor.tenant_id, pack_id, version)
        with self.db.read(actor.tenant_id) as session:
            plan = plan_upgrade(session, entry.pack)
        return {**asdict(plan), "conflicts": plan.conflicts}

    def upgrade(self, actor: Actor, pack_id: str, version: str | None, allow_untrusted: bool,
                choices: dict[str, Choice], now: datetime, key: str | None = None
                ) -> dict[str, Any]:
        """Upgrade; conflicts with the tenant's own edits need a choice each."""
        entry = self.find(actor.tenant_id, pack_id, version)

        def work(session: Session) -> dict[str, Any]:
            trust = decide(session, entry.pack, is_builtin=entry.source == "builtin",
                           allow_untrusted=allow_untrusted, actor_is_admin=actor.is_admin)
            plan = upgrade(session, actor.tenant_id, entry.pack, trust=trust, actor=actor.name,
                           now=now, choices=choices)
            row = installed(session, pack_id)
            assert row is not None
            return {**installation(row), "changes": [asdict(c) for c in plan.changes]}

        return self._once(actor, "pack.upgrade", {"pack": pack_id, "version": version,
                                                  "choices": choices}, key, now, work)

    def uninstall(self, actor: Actor, pack_id: str, now: datetime,
                  key: str | None = None) -> dict[str, Any]:
        """Retire the pack's rules; keep every document and ledger row."""
        return self._once(actor, "pack.uninstall", {"pack": pack_id}, key, now,
                          lambda s: installation(uninstall(s, pack_id, actor=actor.name,
                                                           now=now)))

    def _once(self, actor: Actor, command: str, request: dict[str, Any], key: str | None,
              now: datetime, work: Callable[[Session], dict[str, Any]]) -> dict[str, Any]:
        with self.db.write(actor.tenant_id) as session:
            if key is not None:
                digest = guarantees.request_fingerprint(command, request)
                first = guarantees.claim_key(session, actor.tenant_id, key, command, digest,
                                             now)
                if first is not None:
                    return first
            result = work(session)
            if key is not None:
                guarantees.store_response(session, actor.tenant_id, key, result)
            return result


def installation(row: InstalledPack) -> dict[str, Any]:
    """An installation as the API shows it."""
    return {"pack_id": row.pack_id, "version": row.version, "state": row.state,
            "trust": row.trust, "digest": row.digest,
            "rule_sets": sorted(row.contents.get("rule_sets", {})),
            "events": row.contents.get("events", []), "installed_by": row.installed_by}


def _stored(session: Session) -> list[Pack]:
    return [load(r.archive) for r in session.scalars(select(StoredPack).order_by(StoredPack.id))]
