"""Connectors: signed webhooks in and out, MQTT devices, HTTP calls, field mapping.

Inbound messages become domain events in the outbox (``inbound``, ``mqtt``); rules'
connector actions and event subscriptions become durable deliveries (``port``,
``deliveries``) that the runtime in the worker process sends (``runtime``), only to
allow-listed hosts (``egress``), signed per Standard Webhooks (``signing``).
Definitions and their encrypted secrets: ``definitions``, ``secrets``; mapping: ``mapping``.
"""

from __future__ import annotations

from connectors.errors import ConnectorError
from connectors.port import ConnectorNames, ConnectorPort, SubscribingHandler
from connectors.runtime import ConnectorRuntime
from connectors.secrets import SecretBox

__all__ = ["ConnectorError", "ConnectorNames", "ConnectorPort", "ConnectorRuntime", "SecretBox",
           "SubscribingHandler"]
