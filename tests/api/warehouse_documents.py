"""Drive transfers, adjustments and stocktakes over HTTP into any status of their machines.

Each document type has a :class:`Machine`: how to write one (``create``), the HTTP call
of each action, and its transition table (the module's own ``TRANSITIONS``), from which
:func:`path_to` finds the shortest walk to a status. The creator is the ``warehouse``
user; a decision that needs someone else (approve, reject, post a count, reopen) is made
by ``admin``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from inventory.documents import adjustment, stocktake, transfer
from tests.api.conftest import ApiTenant

SKU, SOURCE, TARGET = "MOVE-1", "WH-A", "WH-B"
PHOTO = ["oss://photos/evidence-1.jpg"]
#: An adjustment this size posts at once; ``LARGE`` is above the default threshold (100).
SMALL, LARGE = "2", "150"

Call = Callable[[ApiTenant, str, dict[str, str]], httpx.Response]


def stocked(t: ApiTenant, qty: int = 40) -> None:
    """``SKU`` with ``qty`` on hand in ``SOURCE`` (received against a purchase order), and
    a second warehouse ``TARGET``."""
    t.item(SKU)
    t.warehouse(SOURCE)
    t.warehouse(TARGET)
    t.receive(SKU, SOURCE, qty)


def _act(action: str, role: str = "warehouse", body: Any = None) -> Call:
    def call(t: ApiTenant, path: str, key: dict[str, str]) -> httpx.Response:
        return t.post(f"{path}/{action}", body, role, **key)
    return call


@dataclass(frozen=True)
class Machine:
    """One document type as the API drives it."""

    name: str
    collection: str
    table: Mapping[Any, Mapping[Any, Any]]
    initial: StrEnum
    create: Callable[[ApiTenant, str, bool], dict[str, Any]]
    actions: Mapping[str, Call]

    def path_to(self, status: StrEnum) -> list[StrEnum]:
        """The shortest list of actions from the initial status to ``status``."""
        seen: dict[StrEnum, list[StrEnum]] = {self.initial: []}
        queue = deque([self.initial])
        while queue:
            here = queue.popleft()
            for action, there in self.table.get(here, {}).items():
                if there not in seen:
                    seen[there] = [*seen[here], action]
                    queue.append(there)
        return seen[status]

    def status_of(self, t: ApiTenant, no: str) -> str:
        """The document's status as the API shows it."""
        response = t.get(f"/{self.collection}/{no}", "warehouse")
        assert response.status_code == 200, response.text
        found: str = response.json()["status"]
        return found

    def reach(self, t: ApiTenant, no: str, status: StrEnum, then: StrEnum | None = None
              ) -> None:
        """Write document ``no`` and walk it to ``status`` (sized for ``then`` next)."""
        path = self.path_to(status)
        self.create(t, no, any(a.value == "submit" for a in [*path, *([then] if then else [])]))
        for action in path:
            response = self.actions[action.value](t, f"/{self.collection}/{no}", {})
            assert response.status_code == 200, (action, response.text)
        assert self.status_of(t, no) == status.value


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _transfer(t: ApiTenant, no: str, large: bool) -> dict[str, Any]:
    return _created(t.post("/transfers", {
        "from_warehouse": SOURCE, "to_warehouse": TARGET, "no": no,
        "lines": [{"sku": SKU, "qty": "3"}]}, "warehouse"))


def _adjustment(t: ApiTenant, no: str, large: bool) -> dict[str, Any]:
    return _created(t.post("/adjustments", {
        "warehouse": SOURCE, "reason": "found", "photo_refs": PHOTO, "no": no,
        "lines": [{"sku": SKU, "qty": LARGE if large else SMALL}]}, "warehouse"))


def _stocktake(t: ApiTenant, no: str, large: bool) -> dict[str, Any]:
    """A count of ``SKU`` with one count recorded (so that it may be closed)."""
    created = _created(t.post("/stocktakes", {"warehouse": SOURCE, "scope": "selected",
                                              "skus": [SKU], "no": no}, "warehouse"))
    counted = t.post(f"/stocktakes/{no}/counts", COUNTS, "warehouse")
    assert counted.status_code == 200, counted.text
    return created


COUNTS = {"counts": [{"sku": SKU, "counted_qty": "38"}]}

TRANSFER = Machine(
    "transfer", "transfers", transfer.TRANSITIONS, transfer.TransferStatus.DRAFT, _transfer,
    {a: _act(a) for a in ("dispatch", "receive", "return", "cancel")})
ADJUSTMENT = Machine(
    "adjustment", "adjustments", adjustment.TRANSITIONS, adjustment.AdjustmentStatus.DRAFT,
    _adjustment, {
        "post": _act("submit"),  # within the threshold, submitting posts at once
        "submit": _act("submit"),  # above it, submitting asks for approval
        "approve": _act("approve", "admin"),
        "reject": _act("reject", "admin", {"reason": "照片看不清"}),
        "cancel": _act("cancel"),
    })
STOCKTAKE = Machine(
    "stocktake", "stocktakes", stocktake.TRANSITIONS, stocktake.StocktakeStatus.COUNTING,
    _stocktake, {
        "count": _act("counts", body=COUNTS),
        "close": _act("close"),
        "reopen": _act("reopen", "admin"),
        "post": _act("post", "admin", {"photo_refs": PHOTO}),
        "cancel": _act("cancel"),
    })
MACHINES = {m.name: m for m in (TRANSFER, ADJUSTMENT, STOCKTAKE)}
