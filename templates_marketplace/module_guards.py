"""The checks product modules add to commands, switched on per tenant by installed packs.

:class:`ModuleGuards` is the :class:`inventory.StockGuard` the studio wires in: it runs the
checks of the modules the tenant's packs switched on (``lots``: perishable receipt lines need
a lot and an expiry date), then the tenant's guard rules. A tenant without the module is
not checked, so installing a pack in one tenant changes nothing for another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inventory import StockGuard
from inventory.lots import RECEIPT_REQUESTED, check_receipt_lines
from templates_marketplace.modules import enabled_modules


class ModuleGuards:
    """Module checks first, then ``inner`` (the engine's guard rules), in one transaction."""

    def __init__(self, inner: StockGuard | None = None) -> None:
        self.inner = inner

    def check(self, session: Session, tenant_id: int, event_type: str,
              entities: dict[str, Any], now: datetime) -> None:
        """Raise the first refusal of a switched-on module, else ask the inner guard.

        Raises:
            LotRequired: the ``lots`` module is on and a perishable line lacks lot or expiry.
            DomainError: the inner guard's refusal.
        """
        if event_type == RECEIPT_REQUESTED:
            # Not an event the rule language declares, so no guard rule can name it: the
            # rules' guard is not asked (a receipt pays one query, not two).
            if "lots" in enabled_modules(session):
                check_receipt_lines(session, entities.get("lines") or [])
            return
        if self.inner is not None:
            self.inner.check(session, tenant_id, event_type, entities, now)
