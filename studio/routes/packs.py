"""Industry packs: the catalogue, trusted publishers, install, upgrade and uninstall."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kernel.security import Permission, Principal
from studio.deps import Admin, ClockDep, DbDep, IdempotencyKey, StockReader, require
from templates_marketplace.service import Actor, CatalogueEntry, Marketplace
from templates_marketplace.trust import add_publisher, list_publishers

router = APIRouter(tags=["packs"])
RulesWriter = Annotated[Principal, Depends(require(Permission.RULES_WRITE))]
PackId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$", max_length=64)]
VersionQuery = Annotated[str | None, Query(max_length=40, pattern=r"^[0-9A-Za-z.\-]+$")]


class Label(BaseModel):
    """A label in both languages."""

    zh: str
    en: str


class PackOut(BaseModel):
    """A pack in the catalogue."""

    id: str
    version: str
    name: Label
    description: Label
    tags: list[str]
    source: Literal["builtin", "file"]
    digest: str
    rule_sets: list[str]
    events: list[str]
    item_attributes: list[str]
    tiles: list[str]
    connectors: list[str]
    depends: dict[str, str]
    installed_version: str | None
    installed_state: str | None


class PackDetail(PackOut):
    """A pack with its rule text."""

    rules: dict[str, str]


class InstallIn(BaseModel):
    """Which version to install, and whether an admin accepts an unsigned or unknown pack."""

    model_config = ConfigDict(extra="forbid")
    version: str | None = Field(default=None, max_length=40)
    allow_untrusted: bool = False


class UpgradeIn(InstallIn):
    """Upgrade: for each conflicting rule set, keep ``mine`` or take the ``pack``'s."""

    choices: dict[str, Literal["mine", "pack"]] = Field(default_factory=dict, max_length=200)


class PublisherIn(BaseModel):
    """A publisher whose packs this tenant trusts."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    public_key: str = Field(min_length=40, max_length=64, description="base64 Ed25519 key")


class PublisherOut(BaseModel):
    """A trusted publisher key."""

    model_config = ConfigDict(from_attributes=True)
    key_id: str
    name: str
    public_key: str
    added_by: str
    created_at: datetime


def _out(entry: CatalogueEntry, detail: bool = False) -> PackOut:
    p = entry.pack
    m = p.manifest
    fields: dict[str, Any] = dict(
        id=m.id, version=m.version, name=Label(**m.name.model_dump()),
        description=Label(**m.description.model_dump()), tags=list(m.tags),
        source=entry.source, digest=p.digest, rule_sets=sorted(p.parts.rule_sets),
        events=[e.name for e in p.parts.events],
        item_attributes=[a.name for a in p.parts.item_attributes],
        tiles=[t.id for t in p.parts.tiles], connectors=sorted(p.parts.connectors),
        depends=dict(m.depends), installed_version=entry.installed_version,
        installed_state=entry.installed_state)
    return PackDetail(**fields, rules=dict(p.parts.rule_sets)) if detail else PackOut(**fields)


def _actor(principal: Principal) -> Actor:
    return Actor(principal.tenant_id, principal.actor, Permission.ADMIN in principal.permissions)


@router.get("/packs", response_model=list[PackOut])
def catalogue(principal: StockReader, db: DbDep) -> list[PackOut]:
    """The packs this tenant can install: shipped ones and those added from a file."""
    return [_out(e) for e in Marketplace(db).catalogue(principal.tenant_id)]


@router.get("/packs/{pack_id}", response_model=PackDetail)
def show(pack_id: PackId, principal: StockReader, db: DbDep,
         version: VersionQuery = None) -> PackOut:
    """One pack with its rules."""
    return _out(Marketplace(db).find(principal.tenant_id, pack_id, version), detail=True)


@router.post("/packs", response_model=PackOut, status_code=201,
             openapi_extra={"requestBody": {"content": {"application/octet-stream": {
                 "schema": {"type": "string", "format": "binary"}}}, "required": True}})
async def add_pack_file(request: Request, principal: Admin, db: DbDep, clock: ClockDep
                        ) -> PackOut:
    """Add a ``.jxcpack`` file to this tenant's catalogue (its signature is checked on install)."""
    data = await request.body()
    pack = Marketplace(db).add_file(_actor(principal), data, clock.now())
    return _out(CatalogueEntry(pack, "file", None, None))


@router.post("/packs/{pack_id}/install")
def install_pack(pack_id: PackId, body: InstallIn, principal: RulesWriter, db: DbDep,
                 clock: ClockDep, key: IdempotencyKey = None) -> dict[str, object]:
    """Install a pack: its rule sets arrive as sandbox versions that still need review."""
    return Marketplace(db).install(_actor(principal), pack_id, body.version,
                                   body.allow_untrusted, clock.now(), key)


@router.get("/packs/{pack_id}/upgrade-plan")
def upgrade_plan(pack_id: PackId, principal: RulesWriter, db: DbDep,
                 version: VersionQuery = None) -> dict[str, object]:
    """What an upgrade changes, including conflicts with the tenant's own edits."""
    return Marketplace(db).plan_upgrade(_actor(principal), pack_id, version)


@router.post("/packs/{pack_id}/upgrade")
def upgrade_pack(pack_id: PackId, body: UpgradeIn, principal: RulesWriter, db: DbDep,
                 clock: ClockDep, key: IdempotencyKey = None) -> dict[str, object]:
    """Upgrade; answers 409 listing conflicts until each has a choice."""
    return Marketplace(db).upgrade(_actor(principal), pack_id, body.version,
                                   body.allow_untrusted, dict(body.choices), clock.now(), key)


@router.post("/packs/{pack_id}/uninstall")
def uninstall_pack(pack_id: PackId, principal: RulesWriter, db: DbDep, clock: ClockDep,
                   key: IdempotencyKey = None) -> dict[str, object]:
    """Retire the pack's rules; documents and ledger rows stay."""
    return Marketplace(db).uninstall(_actor(principal), pack_id, clock.now(), key)


@router.get("/pack-publishers", response_model=list[PublisherOut])
def publishers(principal: Admin, db: DbDep) -> list[PublisherOut]:
    """Publisher keys this tenant trusts."""
    with db.read(principal.tenant_id) as session:
        return [PublisherOut.model_validate(r) for r in list_publishers(session)]


@router.post("/pack-publishers", response_model=PublisherOut, status_code=201)
def trust_publisher(body: PublisherIn, principal: Admin, db: DbDep, clock: ClockDep
                    ) -> PublisherOut:
    """Trust packs signed by this key."""
    with db.write(principal.tenant_id) as session:
        row = add_publisher(session, principal.tenant_id, body.name, body.public_key,
                            principal.actor, clock.now())
        return PublisherOut.model_validate(row)
