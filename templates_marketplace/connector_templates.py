"""A pack's connector templates (``connectors/*.toml``) turned into connector definitions.

A template carries everything but what belongs to the tenant — its secret, its endpoint
(an outbound URL, a broker), its username. :func:`definition` reads the template the
tenant INSTALLED (the installation's contents, not the catalogue's newer copy) and returns
the kind and config a connector is created with; the studio route adds the tenant's own
parts and creates it through ``connectors.definitions`` (this layer does not import the
connectors: they are siblings).

Template options are split: ``key`` and ``message_id`` go into the inbound mapping, ``schema``
into the MQTT subscription (or the webhook's config), every other option into the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from templates_marketplace.errors import ConnectorTemplateNotFound, PackNotInstalled
from templates_marketplace.installer import installed

_MAPPING_OPTIONS = ("key", "message_id")


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateDefinition:
    """What a connector made from a template is created with."""

    kind: str
    config: dict[str, Any]
    #: Outbound templates: the event type the new connector subscribes to.
    subscribe_to: str | None
    #: The template's label, for the answer and the studio.
    label: dict[str, str]


def _inbound_mapping(template: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    mapping: dict[str, Any] = {"event_type": template["event_type"],
                               "fields": dict(template["mapping"])}
    for name in _MAPPING_OPTIONS:
        if options.get(name):
            mapping[name] = options[name]
    return mapping


def _config(template: Mapping[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    kind = template["kind"]
    rest = {k: v for k, v in options.items() if k not in _MAPPING_OPTIONS}
    if kind == "webhook_in":
        return {**rest, "mapping": _inbound_mapping(template, options)}
    if kind == "mqtt":
        if not template.get("topic"):
            return rest  # a publisher only
        schema = rest.pop("schema", None)
        subscription: dict[str, Any] = {"topic": template["topic"],
                                        "mapping": _inbound_mapping(template, options)}
        if schema:
            subscription["schema"] = schema
        return {**rest, "subscriptions": [subscription]}
    fields = dict(template.get("mapping") or {})
    return {**rest, **({"mapping": {"fields": fields}} if fields else {})}


def definition(session: Session, pack_id: str, name: str,
               overrides: Mapping[str, Any] | None = None) -> TemplateDefinition:
    """The connector definition of template ``name`` of the installed pack ``pack_id``;
    ``overrides`` (the tenant's options, e.g. ``username``) win over the template's.

    Raises:
        PackNotInstalled: the pack is not installed in the session's tenant.
        ConnectorTemplateNotFound: it has no such template.
    """
    row = installed(session, pack_id)
    if row is None or row.state != "installed":
        raise PackNotInstalled(pack=pack_id)
    template = (row.contents.get("connectors") or {}).get(name)
    if not isinstance(template, Mapping):
        raise ConnectorTemplateNotFound(pack=pack_id, template=name)
    options = {**dict(template.get("options") or {}), **dict(overrides or {})}
    kind = str(template["kind"])
    return TemplateDefinition(
        kind=kind, config=_config(template, options),
        subscribe_to=template.get("event_type") if kind in ("webhook_out", "http") else None,
        label=dict(template["name"]))


__all__ = ["TemplateDefinition", "definition"]
