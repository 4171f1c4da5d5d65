"""Connector definitions, the outbound allow-list, subscriptions and "test this mapping"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from connectors import SecretBox, definitions
from inventory.shop_orders import MODULE as SHOP_ORDERS
from studio.deps import Admin, ClockDep, DbDep, IdempotencyKey, PagingDep
from studio.schemas import Page, Strict
from templates_marketplace import connector_templates
from templates_marketplace.modules import require_module

router = APIRouter(tags=["connectors"])
ConnectorName = Annotated[str, Path(min_length=1, max_length=80)]


def _box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


class ConnectorCreate(Strict):
    """A new connector; ``secret`` is optional (webhooks get a fresh ``whsec_…``)."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["webhook_in", "webhook_out", "mqtt", "http"]
    endpoint: str | None = Field(default=None, max_length=500)
    config: dict[str, Any] = Field(default_factory=dict)
    secret: str | None = Field(default=None, min_length=1, max_length=500)
    max_attempts: int = Field(default=6, ge=1, le=50)


class ConnectorPublic(BaseModel):
    """A connector as stored; its secret is never shown here."""

    name: str
    kind: str
    endpoint: str | None
    config: dict[str, Any]
    max_attempts: int
    is_enabled: bool
    has_secret: bool
    #: Where the other system posts (inbound webhooks only).
    inbound_path: str | None
    created_at: datetime
    #: When the secret was last replaced (``null``: still the first one).
    secret_rotated_at: datetime | None = None
    #: Set on the answer to a deletion.
    deleted_at: datetime | None = None


class ConnectorCreated(ConnectorPublic):
    """The answer to a creation or a secret rotation: the only responses that ever hold the
    secret (a replay of the same ``Idempotency-Key`` answers without it)."""

    secret: str | None
    replayed: bool


class AllowEndpointHost(Strict):
    """Put the connector's endpoint host on the tenant's allow-list."""

    allow_private: bool = False


class ConnectorUpdate(Strict):
    """What to change; omitted parts stay. ``rotate_secret`` makes a fresh webhook secret,
    ``secret`` sets one of yours; either is shown once, in this answer."""

    name: str | None = Field(default=None, min_length=1, max_length=80,
                             pattern=r"^[A-Za-z0-9_.-]+$")
    endpoint: str | None = Field(default=None, max_length=500)
    mapping: dict[str, Any] | None = None
    #: Other options (MQTT subscriptions, HTTP method, headers, timeout …); ``null`` removes one.
    options: dict[str, Any] | None = None
    max_attempts: int | None = Field(default=None, ge=1, le=50)
    secret: str | None = Field(default=None, min_length=1, max_length=500)
    rotate_secret: bool = False
    allow_endpoint_host: AllowEndpointHost | None = None


class ConnectorFromTemplate(Strict):
    """A connector made from an installed pack's template, with the tenant's own parts."""

    pack_id: str = Field(min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")
    template: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    #: Defaults to the template's name.
    name: str | None = Field(default=None, min_length=1, max_length=80,
                             pattern=r"^[A-Za-z0-9_.-]+$")
    #: The tenant's URL or broker (outbound webhooks, HTTP, MQTT).
    endpoint: str | None = Field(default=None, max_length=500)
    #: The tenant's secret (MQTT password, API key); webhooks get a fresh one when omitted.
    secret: str | None = Field(default=None, min_length=1, max_length=500)
    #: Options that win over the template's (e.g. ``username``).
    options: dict[str, Any] = Field(default_factory=dict)
    max_attempts: int = Field(default=6, ge=1, le=50)


class MappingSample(Strict):
    """A sample payload to run through the connector's mapping."""

    sample: Any


class MappingPreview(Strict):
    """A connector definition not saved yet, and a sample to run through its mapping."""

    kind: Literal["webhook_in", "webhook_out", "mqtt", "http"]
    config: dict[str, Any] = Field(default_factory=dict)
    endpoint: str | None = Field(default=None, max_length=500)
    sample: Any


class SubscriptionIn(Strict):
    """Send every event of this type through the connector."""

    event_type: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


class SubscriptionOut(BaseModel):
    """One subscription."""

    event_type: str
    created_at: datetime


class AllowedHostIn(Strict):
    """A host connectors may reach; internal addresses only with ``allow_private``."""

    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.:\-\[\]]+$")
    allow_private: bool = False


class AllowedHostsIn(Strict):
    """The whole allow-list (it replaces the previous one)."""

    hosts: list[AllowedHostIn] = Field(max_length=500)


class AllowedHostOut(BaseModel):
    """One allowed host."""

    host: str
    allow_private: bool


@router.post("/connectors", response_model=ConnectorCreated,
             status_code=status.HTTP_201_CREATED)
def create_connector(body: ConnectorCreate, principal: Admin, db: DbDep, clock: ClockDep,
                     request: Request, key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a connector; the answer shows its secret once and never again."""
    with db.write(principal.tenant_id) as session:
        _require_creates_module(session, body.config)
        return definitions.create_once(session, principal.tenant_id, _box(request),
                                       definitions.NewConnector(**body.model_dump()),
                                       clock.now(), key)


def _require_creates_module(session: Session, config: dict[str, Any]) -> None:
    """A webhook that writes sales orders needs the ``shop_orders`` module switched on."""
    if config.get("creates") == "sales_order":
        require_module(session, SHOP_ORDERS)


@router.post("/connectors/from-template", response_model=ConnectorCreated,
             status_code=status.HTTP_201_CREATED)
def create_from_template(body: ConnectorFromTemplate, principal: Admin, db: DbDep,
                         clock: ClockDep, request: Request,
                         key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a connector from a template of an installed pack, adding the tenant's own
    secret, endpoint and options; an outbound template also subscribes it to its event
    type. The answer shows the secret once."""
    now = clock.now()
    with db.write(principal.tenant_id) as session:
        made = connector_templates.definition(session, body.pack_id, body.template,
                                              body.options)
        _require_creates_module(session, made.config)
        answer = definitions.create_once(
            session, principal.tenant_id, _box(request), definitions.NewConnector(
                name=body.name or body.template, kind=made.kind,  # type: ignore[arg-type]
                endpoint=body.endpoint, config=made.config, secret=body.secret,
                max_attempts=body.max_attempts), now, key)
        if made.subscribe_to and not answer["replayed"]:
            definitions.subscribe(session, principal.tenant_id, answer["name"],
                                  made.subscribe_to, now)
        return answer


@router.get("/connectors", response_model=Page[ConnectorPublic])
def list_connectors(principal: Admin, db: DbDep, paging: PagingDep) -> Page[ConnectorPublic]:
    """The company's connectors by name."""
    with db.read(principal.tenant_id) as session:
        rows, total = definitions.list_connectors(session, paging.offset, paging.limit)
        items = [ConnectorPublic(**definitions.public(r)) for r in rows]
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)


@router.get("/connectors/{connector}", response_model=ConnectorPublic)
def get_connector(connector: ConnectorName, principal: Admin, db: DbDep) -> dict[str, Any]:
    """One connector (without its secret)."""
    with db.read(principal.tenant_id) as session:
        return definitions.public(definitions.get(session, connector))


@router.patch("/connectors/{connector}", response_model=ConnectorCreated)
def update_connector(connector: ConnectorName, body: ConnectorUpdate, principal: Admin,
                     db: DbDep, clock: ClockDep, request: Request,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Change a connector's name, endpoint, mapping, options or secret (a new secret is shown
    once, here); optionally allow its endpoint's host in the same transaction."""
    allow = body.allow_endpoint_host
    change = definitions.ConnectorChange(
        **body.model_dump(exclude={"allow_endpoint_host"}),
        allow_endpoint_host=None if allow is None else allow.allow_private)
    with db.write(principal.tenant_id) as session:
        return definitions.update_once(session, principal.tenant_id, _box(request), connector,
                                       change, clock.now(), key)


@router.delete("/connectors/{connector}", response_model=ConnectorPublic)
def delete_connector(connector: ConnectorName, principal: Admin, db: DbDep, clock: ClockDep,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Delete a connector: it stops receiving and sending at once; its delivery log stays
    (pending deliveries become dead letters naming the deletion)."""
    with db.write(principal.tenant_id) as session:
        return definitions.delete_once(session, principal.tenant_id, connector, clock.now(),
                                       key)


@router.post("/connectors/preview-mapping", response_model=dict[str, Any])
def preview_mapping(body: MappingPreview, principal: Admin) -> dict[str, Any]:
    """Check a definition as saving would (unknown functions, required target fields, JSON
    Schemas) and show what its mapping makes of a sample, before anything is saved."""
    return definitions.preview(body.kind, body.config, body.sample, body.endpoint)


@router.post("/connectors/{connector}/test-mapping", response_model=dict[str, Any])
def test_mapping(connector: ConnectorName, body: MappingSample, principal: Admin,
                 db: DbDep) -> dict[str, Any]:
    """Show what the connector's mapping makes of a sample payload; nothing is stored."""
    with db.read(principal.tenant_id) as session:
        return definitions.try_mapping(definitions.get(session, connector), body.sample)


@router.post("/connectors/{connector}/subscriptions", response_model=SubscriptionOut,
             status_code=status.HTTP_201_CREATED)
def subscribe(connector: ConnectorName, body: SubscriptionIn, principal: Admin, db: DbDep,
              clock: ClockDep) -> SubscriptionOut:
    """Send every event of a type through this connector (idempotent)."""
    with db.write(principal.tenant_id) as session:
        row = definitions.subscribe(session, principal.tenant_id, connector, body.event_type,
                                    clock.now())
        return SubscriptionOut(event_type=row.event_type, created_at=row.created_at)


@router.get("/connectors/{connector}/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(connector: ConnectorName, principal: Admin,
                       db: DbDep) -> list[SubscriptionOut]:
    """The event types this connector sends."""
    with db.read(principal.tenant_id) as session:
        return [SubscriptionOut(event_type=r.event_type, created_at=r.created_at)
                for r in definitions.subscriptions(session, connector)]


@router.put("/connector-allowed-hosts", response_model=list[AllowedHostOut])
def set_allowed_hosts(body: AllowedHostsIn, principal: Admin, db: DbDep,
                      clock: ClockDep) -> list[AllowedHostOut]:
    """Replace the outbound allow-list: connectors reach only these hosts."""
    with db.write(principal.tenant_id) as session:
        rows = definitions.set_allowed_hosts(
            session, principal.tenant_id, [(h.host, h.allow_private) for h in body.hosts],
            clock.now())
        return [AllowedHostOut(host=r.host, allow_private=r.allow_private) for r in rows]


@router.get("/connector-allowed-hosts", response_model=list[AllowedHostOut])
def allowed_hosts(principal: Admin, db: DbDep) -> list[AllowedHostOut]:
    """The outbound allow-list."""
    with db.read(principal.tenant_id) as session:
        return [AllowedHostOut(host=r.host, allow_private=r.allow_private)
                for r in definitions.allowed_hosts(session)]
