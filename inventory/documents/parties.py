"""Customers (with their freeze) and the warehouses' shipment confirmation codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory.documents.errors import UnknownCustomer
from inventory.documents.models import Customer, WarehouseConfirmation
from inventory.lookup import warehouse_by_code
from inventory.models import Warehouse
from kernel.errors import Conflict
from kernel.security import hash_password, verify_password


def create_customer(session: Session, tenant_id: int, code: str, name: str, now: datetime,
                    level: str = "normal") -> Customer:
    """Create a customer (``level``: normal, vip or key_account).

    Raises:
        Conflict: the code exists in this tenant.
    """
    row = Customer(tenant_id=tenant_id, code=code, name=name, level=level, is_frozen=False,
                   frozen_reason="", created_at=now)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind="customer", kind_zh="客户", key=code) from exc
    return row


def customer_by_code(session: Session, code: str) -> Customer:
    """The customer ``code`` of the session's tenant.

    Raises:
        UnknownCustomer: no such code.
    """
    row = session.scalar(select(Customer).where(Customer.code == code)
                         .execution_options(populate_existing=True))
    if row is None:
        raise UnknownCustomer(customer=code)
    return row


def freeze_customer(session: Session, code: str, reason: str, now: datetime) -> Customer:
    """Freeze a customer (冻结): their orders can no longer be confirmed.

    Raises:
        UnknownCustomer: no such code.
    """
    row = customer_by_code(session, code)
    row.is_frozen, row.frozen_reason, row.frozen_at = True, reason, now
    session.flush()
    return row


def unfreeze_customer(session: Session, code: str) -> Customer:
    """Lift a customer's freeze.

    Raises:
        UnknownCustomer: no such code.
    """
    row = customer_by_code(session, code)
    row.is_frozen, row.frozen_reason, row.frozen_at = False, "", None
    session.flush()
    return row


def list_customers(session: Session, offset: int, limit: int) -> tuple[list[Customer], int]:
    """Customers of the tenant by code, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Customer)) or 0
    rows = session.scalars(select(Customer).order_by(Customer.code).offset(offset).limit(limit))
    return list(rows.all()), total


def set_confirmation_code(session: Session, tenant_id: int, warehouse_code: str, code: str,
                          now: datetime) -> None:
    """Set (or replace) the code a warehouse confirms shipments with; only its hash is kept.

    Raises:
        UnknownWarehouse: no such warehouse.
    """
    warehouse = warehouse_by_code(session, warehouse_code)
    row = session.scalar(select(WarehouseConfirmation)
                         .where(WarehouseConfirmation.warehouse_id == warehouse.id))
    if row is None:
        row = WarehouseConfirmation(tenant_id=tenant_id, warehouse_id=warehouse.id,
                                    code_hash="", updated_at=now)
        session.add(row)
    row.code_hash, row.updated_at = hash_password(code), now
    session.flush()


def confirmation_matches(session: Session, warehouse: Warehouse, code: str) -> bool:
    """True when ``code`` is the warehouse's confirmation code (False when none is set)."""
    code_hash = session.scalar(select(WarehouseConfirmation.code_hash)
                               .where(WarehouseConfirmation.warehouse_id == warehouse.id))
    return code_hash is not None and verify_password(code_hash, code)
