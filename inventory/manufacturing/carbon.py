"""Carbon footprint of a product (ISO 14067 style, cradle to gate), in kg CO2e. Pure.

For one unit of an item with a bill of materials::

    CFP(item) = Σ_components  q_c × (CFP(c) if c has a bill, else EF_material(c))
              + Σ_operations  E_o × EF_energy(carrier_o)

q_c is the component quantity per unit (in the unit its factor is per), E_o the energy an
operation takes per unit (kWh, m³ …) and EF the tenant's emission factors in kg CO2e per
unit. A work order's actual footprint uses what it really took: the components it issued
and the energy readings of its operations, divided by the quantity it made.

Every product and sum is exact: arithmetic runs in a decimal context that traps
``Inexact``, so a result is never silently rounded. Only the division of a work order's
total by its quantity may not terminate; it is then rounded half-even to 9 decimals and
marked ``is_rounded``.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from inventory.manufacturing.bom import Boms, check_acyclic
from inventory.manufacturing.errors import MissingEmissionFactor

Kind = Literal["material", "energy"]
#: Where a rounded per-unit figure stops (1 mg CO2e).
PER_UNIT_PLACES = Decimal("0.000000001")
_KIND_ZH = {"material": "物料", "energy": "能源"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Factor:
    """kg CO2e per unit of a material or energy carrier."""

    kg_co2e_per_unit: Decimal
    unit: str


Factors = Mapping[tuple[str, str], Factor]  # (kind, code) → factor


@dataclass(frozen=True, slots=True, kw_only=True)
class Contribution:
    """One term of the sum: a material or an operation's energy, along its BOM path."""

    kind: Kind
    #: The material's SKU, or the operation's name.
    name: str
    #: The factor's code (the SKU, or the energy carrier).
    code: str
    #: The SKUs from the product down to where this term sits.
    path: tuple[str, ...]
    amount: Decimal
    unit: str
    kg_co2e_per_unit: Decimal
    kg_co2e: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Footprint:
    """The footprint of ``qty`` units of ``sku``, term by term, and per unit."""

    sku: str
    qty: Decimal
    total_kg_co2e: Decimal
    per_unit_kg_co2e: Decimal
    is_rounded: bool
    contributions: tuple[Contribution, ...]


@contextmanager
def exact() -> Iterator[None]:
    """A decimal context in which any rounding raises ``decimal.Inexact``."""
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        ctx.traps[decimal.Inexact] = True
        yield


def _factor(factors: Factors, kind: Kind, code: str) -> Factor:
    found = factors.get((kind, code))
    if found is None:
        raise MissingEmissionFactor(kind=kind, kind_zh=_KIND_ZH[kind], name=code)
    return found


def _term(factors: Factors, kind: Kind, name: str, code: str, path: tuple[str, ...],
          amount: Decimal) -> Contribution:
    factor = _factor(factors, kind, code)
    return Contribution(kind=kind, name=name, code=code, path=path, amount=amount,
                        unit=factor.unit, kg_co2e_per_unit=factor.kg_co2e_per_unit,
                        kg_co2e=amount * factor.kg_co2e_per_unit)


def bom_terms(boms: Boms, factors: Factors, sku: str, qty: Decimal,
              path: tuple[str, ...] = ()) -> list[Contribution]:
    """The terms of ``qty`` units of ``sku`` made by its bill, through every level.

    Raises:
        BomCycle: the bills below ``sku`` form a cycle.
        MissingEmissionFactor: a leaf material or an operation's carrier has no factor.
    """
    check_acyclic(boms, sku)
    terms: list[Contribution] = []

    def walk(parent: str, multiplier: Decimal, where: tuple[str, ...]) -> None:
        spec = boms[parent]
        for op in spec.operations:
            terms.append(_term(factors, "energy", op.name, op.energy_carrier, where,
                               multiplier * op.energy_per_unit))
        for component in spec.components:
            amount = multiplier * component.qty
            if component.sku in boms:
                walk(component.sku, amount, (*where, component.sku))
            else:
                terms.append(_term(factors, "material", component.sku, component.sku,
                                   (*where, component.sku), amount))

    with exact():
        walk(sku, qty, (*path, sku))
    return terms


def footprint(sku: str, qty: Decimal, terms: Sequence[Contribution]) -> Footprint:
    """Add the terms up; the per-unit figure is exact when the division terminates."""
    with exact():
        total = sum((t.kg_co2e for t in terms), Decimal(0))
    try:
        with exact():
            per_unit, rounded = total / qty, False
    except decimal.Inexact:
        per_unit, rounded = (total / qty).quantize(PER_UNIT_PLACES,
                                                   rounding=decimal.ROUND_HALF_EVEN), True
    return Footprint(sku=sku, qty=qty, total_kg_co2e=total, per_unit_kg_co2e=per_unit,
                     is_rounded=rounded, contributions=tuple(terms))


def product_footprint(boms: Boms, factors: Factors, sku: str) -> Footprint:
    """The footprint of ONE unit of ``sku`` from its bill (planned, cradle to gate).

    Raises:
        BomCycle, MissingEmissionFactor.
    """
    return footprint(sku, Decimal(1), bom_terms(boms, factors, sku, Decimal(1)))


def work_order_terms(boms: Boms, factors: Factors, sku: str,
                     issued: Sequence[tuple[str, Decimal]],
                     readings: Sequence[tuple[str, str, Decimal]]) -> list[Contribution]:
    """The terms of what a work order really took: issued components and energy readings.

    ``issued`` is (component SKU, qty); ``readings`` is (operation, carrier, energy).

    Raises:
        BomCycle, MissingEmissionFactor.
    """
    terms: list[Contribution] = []
    with exact():
        for component, qty in issued:
            if component in boms:
                terms.extend(bom_terms(boms, factors, component, qty, (sku,)))
            else:
                terms.append(_term(factors, "material", component, component,
                                   (sku, component), qty))
        for operation, carrier, energy in readings:
            terms.append(_term(factors, "energy", operation, carrier, (sku,), energy))
    return terms
