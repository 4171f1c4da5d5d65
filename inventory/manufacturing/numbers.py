"""The exact numbers manufacturing accepts besides stock quantities: emission factors and
energy figures (non-negative, finite, at most 9 decimals)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from inventory.manufacturing.errors import BadEmissionFactor

MAX_PLACES = 9
_LIMIT = Decimal("1000000000000")
_LABELS_ZH = {"kg_co2e_per_unit": "排放因子", "energy_per_unit": "单位能耗", "qty": "读数"}


def exact_number(value: Decimal | int | str, field: str) -> Decimal:
    """``value`` as a Decimal, refusing negatives, NaN, huge numbers and over 9 decimals.

    Raises:
        BadEmissionFactor: the value is not such a number.
    """
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise BadEmissionFactor(field=field, field_zh=_LABELS_ZH.get(field, field),
                                value=str(value)) from exc
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else MAX_PLACES + 1
    if not number.is_finite() or number < 0 or number > _LIMIT or places > MAX_PLACES:
        raise BadEmissionFactor(field=field, field_zh=_LABELS_ZH.get(field, field),
                                value=str(value))
    return number
