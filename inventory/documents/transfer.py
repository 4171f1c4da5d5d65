"""The transfer (调拨单) state machine: statuses, transitions, events. Pure: no I/O.

draft → in_transit (dispatched: the goods leave the source into its transit location,
where they stay visible and counted) → received (they arrive at the destination).
A draft can be cancelled; goods in transit can be returned to the source instead of
received. Once received, a transfer is final (move goods back with a new transfer).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "transfer"


class TransferStatus(StrEnum):
    """Where a transfer stands."""

    DRAFT = "draft"  # written; nothing has moved
    IN_TRANSIT = "in_transit"  # left the source; on hand in the source's transit location
    RECEIVED = "received"  # arrived at the destination
    RETURNED = "returned"  # came back from transit to the source (never arrived)
    CANCELLED = "cancelled"  # abandoned before dispatch


class TransferAction(StrEnum):
    """What can happen to a transfer."""

    DISPATCH = "dispatch"  # goods leave the source (调出)
    RECEIVE = "receive"  # goods arrive at the destination (调入)
    RETURN = "return"  # goods in transit go back to the source
    CANCEL = "cancel"  # abandon a draft


S, A = TransferStatus, TransferAction

TRANSITIONS: Transitions[TransferStatus, TransferAction] = {
    S.DRAFT: {A.DISPATCH: S.IN_TRANSIT, A.CANCEL: S.CANCELLED},
    S.IN_TRANSIT: {A.RECEIVE: S.RECEIVED, A.RETURN: S.RETURNED},
}


def transition(status: TransferStatus, action: TransferAction, no: str = "") -> TransferStatus:
    """The status a transfer reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[TransferAction, str] = {
    A.DISPATCH: "transfer.dispatched",
    A.RECEIVE: "transfer.received",
    A.RETURN: "transfer.returned",
    A.CANCEL: "transfer.cancelled",
}


class TransferLinePayload(TypedDict):
    """One line that moved, with the lots it moved in."""

    line_no: int
    sku: str
    qty: str
    lots: list[list[str]]


class _TransferEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    from_warehouse: str
    to_warehouse: str
    transit_warehouse: str | None
    actor: str


class TransferDispatched(_TransferEvent):
    """``transfer.dispatched``: the goods left the source into its transit location."""

    type: Literal["transfer.dispatched"]
    lines: list[TransferLinePayload]


class TransferReceived(_TransferEvent):
    """``transfer.received``: the goods arrived at the destination."""

    type: Literal["transfer.received"]
    lines: list[TransferLinePayload]


class TransferReturned(_TransferEvent):
    """``transfer.returned``: the goods came back from transit to the source."""

    type: Literal["transfer.returned"]
    lines: list[TransferLinePayload]


class TransferCancelled(_TransferEvent):
    """``transfer.cancelled``: a draft was abandoned; nothing moved."""

    type: Literal["transfer.cancelled"]
