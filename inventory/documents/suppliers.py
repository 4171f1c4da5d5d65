"""Suppliers and their qualification documents (资质: licences and certificates).

A purchase order names its supplier by code or name. When that supplier is registered
and any of its qualifications has expired, the order cannot be approved: buying from a
supplier without a valid licence is the compliance failure this check exists for.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory.documents.errors import (
    SupplierFrozen,
    SupplierQualificationExpired,
    UnknownSupplier,
)
from inventory.documents.warehouse_models import Supplier, SupplierQualification
from kernel.errors import Conflict


class QualificationKind(StrEnum):
    """What kind of document a qualification is."""

    BUSINESS_LICENCE = "business_licence"  # 营业执照
    PRODUCTION_LICENCE = "production_licence"  # 生产许可证
    FOOD_LICENCE = "food_licence"  # 食品经营许可证
    QUALITY_CERTIFICATE = "quality_certificate"  # 质量体系认证
    OTHER = "other"  # 其他资质


#: Chinese names of the kinds, for messages.
KIND_NAMES_ZH: dict[str, str] = {
    "business_licence": "营业执照", "production_licence": "生产许可证",
    "food_licence": "食品经营许可证", "quality_certificate": "质量体系认证", "other": "资质",
}


def _insert(session: Session, row: object, kind: str, kind_zh: str, key: str) -> None:
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind=kind, kind_zh=kind_zh, key=key) from exc


def create_supplier(session: Session, tenant_id: int, code: str, name: str, now: datetime
                    ) -> Supplier:
    """Register a supplier.

    Raises:
        Conflict: the code exists in this tenant.
    """
    row = Supplier(tenant_id=tenant_id, code=code, name=name, created_at=now)
    _insert(session, row, "supplier", "供应商", code)
    return row


def supplier_by_code(session: Session, code: str) -> Supplier:
    """The supplier ``code`` of the session's tenant.

    Raises:
        UnknownSupplier: no such code.
    """
    row = session.scalar(select(Supplier).where(Supplier.code == code))
    if row is None:
        raise UnknownSupplier(supplier=code)
    return row


def add_qualification(session: Session, tenant_id: int, supplier_code: str,
                      kind: QualificationKind, number: str, expiry_date: date, now: datetime
                      ) -> SupplierQualification:
    """Record a licence or certificate of a supplier (a renewal is a new number).

    Raises:
        UnknownSupplier: no such supplier.
        Conflict: this kind and number are already recorded for the supplier.
    """
    supplier = supplier_by_code(session, supplier_code)
    row = SupplierQualification(tenant_id=tenant_id, supplier_id=supplier.id, kind=kind.value,
                                number=number, expiry_date=expiry_date, created_at=now)
    _insert(session, row, "qualification", "资质", f"{supplier_code}/{kind.value}/{number}")
    return row


def qualifications(session: Session, supplier: Supplier) -> list[SupplierQualification]:
    """A supplier's qualifications, latest expiry first."""
    return list(session.scalars(select(SupplierQualification)
                                .where(SupplierQualification.supplier_id == supplier.id)
                                .order_by(SupplierQualification.expiry_date.desc(),
                                          SupplierQualification.id)))


def list_suppliers(session: Session, offset: int, limit: int) -> tuple[list[Supplier], int]:
    """Suppliers of the tenant by code, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Supplier)) or 0
    rows = session.scalars(select(Supplier).order_by(Supplier.code).offset(offset).limit(limit))
    return list(rows.all()), total


def is_current(row: SupplierQualification, today: date) -> bool:
    """True while the qualification has not expired (valid through its expiry date)."""
    return row.expiry_date >= today


def check_may_order(session: Session, supplier: str, order_no: str, today: date) -> None:
    """Refuse an order from a registered supplier with an expired qualification.

    A kind counts as expired only when no record of that kind is still current, so a
    renewed licence (a new number) lifts the block.

    Raises:
        SupplierFrozen: the supplier is frozen (names the reason).
        SupplierQualificationExpired: names the expired licence and its date.
    """
    row = session.scalar(select(Supplier).where(or_(Supplier.code == supplier,
                                                    Supplier.name == supplier)))
    if row is None:
        return
    if row.frozen_reason:
        raise SupplierFrozen(supplier=row.code, reason=row.frozen_reason, no=order_no)
    by_kind: dict[str, list[SupplierQualification]] = {}
    for qualification in qualifications(session, row):
        by_kind.setdefault(qualification.kind, []).append(qualification)
    for kind, records in sorted(by_kind.items()):
        if not any(is_current(r, today) for r in records):
            latest = records[0]
            raise SupplierQualificationExpired(
                supplier=row.code, kind=kind, kind_zh=KIND_NAMES_ZH.get(kind, kind),
                number=latest.number, expiry_date=latest.expiry_date.isoformat(), no=order_no)


def freeze_supplier(session: Session, code: str, reason: str) -> bool:
    """Freeze a supplier (no purchase order of it is approved); False if it was frozen.

    Raises:
        UnknownSupplier: no such code.
    """
    row = supplier_by_code(session, code)
    if row.frozen_reason:
        return False
    row.frozen_reason = reason[:300] or "—"
    session.flush()
    return True


def unfreeze_supplier(session: Session, code: str) -> bool:
    """Lift a supplier's freeze; False if it was not frozen.

    Raises:
        UnknownSupplier: no such code.
    """
    row = supplier_by_code(session, code)
    if not row.frozen_reason:
        return False
    row.frozen_reason = None
    session.flush()
    return True
