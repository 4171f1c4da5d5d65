"""Barcode scans from warehouse devices (an API token with the ``scan:write`` scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, StringConstraints, model_validator

from inventory.scans import Scan, record_scan
from kernel.clock import tenant_now
from kernel.security import Permission, Principal
from studio.deps import ClockDep, DbDep, require
from studio.schemas import Strict

router = APIRouter(tags=["scans"])
Scanner = Annotated[Principal, Depends(require(Permission.SCAN_WRITE))]
_Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ScanIn(Strict):
    """What the device read: ``sku`` or ``barcode``, with its scanner id and its own time."""

    scanner_id: _Code
    sku: _Code | None = None
    barcode: _Code | None = None
    warehouse: _Code | None = None
    scanned_at: datetime | None = None

    @model_validator(mode="after")
    def _one_code(self) -> ScanIn:
        if not self.sku and not self.barcode:
            raise ValueError("give sku or barcode")
        return self


class ScanOut(BaseModel):
    """The ``scanner.scanned`` event the scan became."""

    event_id: str
    sku: str
    scanner_id: str
    warehouse: str | None


@router.post("/scans", response_model=ScanOut, status_code=status.HTTP_201_CREATED)
def post_scan(body: ScanIn, principal: Scanner, db: DbDep, clock: ClockDep) -> ScanOut:
    """Record one scan as a ``scanner.scanned`` event (the tenant's rules hear it)."""
    now = tenant_now(clock, principal.tenant_id)
    with db.write(principal.tenant_id) as session:
        done = record_scan(session, principal.tenant_id, Scan(
            scanner_id=body.scanner_id, sku=body.sku, barcode=body.barcode,
            warehouse=body.warehouse, scanned_at=body.scanned_at), principal.actor, now)
    return ScanOut(**done)
