"""Column types that behave the same on SQLite and PostgreSQL.

* :class:`UtcDateTime` always returns aware UTC datetimes (SQLite would return naive ones).
* :class:`Quantity` keeps a ``Decimal`` with 3 decimal places as a scaled BIGINT, so
  sums and the ``available >= requested`` check are exact integer arithmetic on both
  databases (SQLite has no decimal type; REAL would round).
* :class:`Money` keeps a ``Decimal`` with 2 decimal places as BIGINT cents, for the same
  reason (``Numeric`` is not exact on SQLite).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

#: Quantities keep three decimals (1 g of a kilogram item, 1 ml of a litre).
QTY_SCALE = 1000
QTY_PLACES = Decimal("0.001")
#: Upper bound of one quantity: far beyond any real stock, far below BIGINT overflow.
QTY_MAX = Decimal("1000000000000")  # 10^12 units


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC timestamps on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; jxcflow stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_milli(value: Decimal | int) -> int:
    """Scale a quantity to thousandths, exactly."""
    return int((Decimal(value) * QTY_SCALE).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_milli(value: int) -> Decimal:
    """Turn stored thousandths back into a ``Decimal`` with 3 places."""
    return (Decimal(value) / QTY_SCALE).quantize(QTY_PLACES)


class Quantity(TypeDecorator[Decimal]):
    """A stock quantity: ``Decimal`` in Python, thousandths as BIGINT in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_milli(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_milli(int(value))


#: Money keeps two decimals (分 / cents) as a scaled BIGINT, exact on both databases.
MONEY_SCALE = 100
MONEY_PLACES = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """An amount of money: ``Decimal`` in Python, cents as BIGINT in the database.

    A value with more than two decimals is refused rather than rounded, so no amount
    changes silently on its way to the database (the API boundary checks it first).
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        amount = Decimal(value)
        if amount != amount.quantize(MONEY_PLACES):
            raise ValueError(f"money has at most 2 decimal places, got {value}")
        return int(amount * MONEY_SCALE)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / MONEY_SCALE).quantize(MONEY_PLACES)
