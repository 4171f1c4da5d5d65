"""The shipment (出库单) state machine: statuses, transitions, events. Pure: no I/O.

draft → picked → packed → shipped. Shipping needs the warehouse's confirmation code
and a carrier tracking number, and consumes the sales order's reservations.
Cancelled from draft, picked or packed (nothing has left yet).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "shipment"


class ShipmentStatus(StrEnum):
    """Where a shipment stands."""

    DRAFT = "draft"  # written against a sales order; nothing picked
    PICKED = "picked"  # goods taken from their bins (拣货)
    PACKED = "packed"  # goods packed and labelled (打包)
    SHIPPED = "shipped"  # handed to the carrier; stock has left
    CANCELLED = "cancelled"  # abandoned before anything left


class ShipmentAction(StrEnum):
    """What can happen to a shipment."""

    PICK = "pick"  # goods are picked
    PACK = "pack"  # goods are packed
    SHIP = "ship"  # goods leave: consumes the reservations
    CANCEL = "cancel"  # abandon the shipment


S, A = ShipmentStatus, ShipmentAction

TRANSITIONS: Transitions[ShipmentStatus, ShipmentAction] = {
    S.DRAFT: {A.PICK: S.PICKED, A.CANCEL: S.CANCELLED},
    S.PICKED: {A.PACK: S.PACKED, A.CANCEL: S.CANCELLED},
    S.PACKED: {A.SHIP: S.SHIPPED, A.CANCEL: S.CANCELLED},
}


def transition(status: ShipmentStatus, action: ShipmentAction, no: str = "") -> ShipmentStatus:
    """The status a shipment reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[ShipmentAction, str] = {
    A.PICK: "shipment.picked",
    A.PACK: "shipment.packed",
    A.SHIP: "shipment.shipped",
    A.CANCEL: "shipment.cancelled",
}


class _ShipmentEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    sales_order_no: str
    warehouse: str
    actor: str


class ShipmentPicked(_ShipmentEvent):
    """``shipment.picked``."""

    type: Literal["shipment.picked"]


class ShipmentPacked(_ShipmentEvent):
    """``shipment.packed``."""

    type: Literal["shipment.packed"]


class ShipmentLinePayload(TypedDict):
    """One shipped line."""

    line_no: int
    order_line_no: int
    sku: str
    qty: str
    reservation_id: str | None


class ShipmentShipped(_ShipmentEvent):
    """``shipment.shipped``: goods left with ``carrier`` under ``tracking_no``."""

    type: Literal["shipment.shipped"]
    carrier: str
    tracking_no: str
    lines: list[ShipmentLinePayload]


class ShipmentCancelled(_ShipmentEvent):
    """``shipment.cancelled``."""

    type: Literal["shipment.cancelled"]
