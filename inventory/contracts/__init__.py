"""Contracts and metering for trades without stock (进销存·无库存版): contracts with
deliverables and milestones, usage-based billing per customer and month, invoice drafts.

The ``contracts`` and ``metering`` product modules; nothing here imports the stock ledger,
its commands or documents, so a tenant that only runs these never writes a ledger row.
"""

from __future__ import annotations

from inventory.contracts.errors import ContractsError
from inventory.contracts.service import (
    Caller,
    ContractsService,
    NewContract,
    NewDeliverable,
    NewMilestone,
    NewUsage,
)

__all__ = ["Caller", "ContractsError", "ContractsService", "NewContract", "NewDeliverable",
           "NewMilestone", "NewUsage"]
