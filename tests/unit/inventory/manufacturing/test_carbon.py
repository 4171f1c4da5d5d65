"""Carbon footprint (kg CO2e): exact sums through every BOM level, missing factors named."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from inventory.manufacturing.bom import BomSpec, Component, Operation
from inventory.manufacturing.carbon import (
    Factor,
    exact,
    footprint,
    product_footprint,
    work_order_terms,
)
from inventory.manufacturing.errors import MissingEmissionFactor

D = Decimal
BOMS = {
    "BODY": BomSpec(sku="BODY", components=(Component(sku="AL", qty=D("1.350")),),
                    operations=(Operation(name="mill", energy_carrier="electricity",
                                          energy_per_unit=D("2.55")),)),
    "ASSY": BomSpec(sku="ASSY", components=(Component(sku="BODY", qty=D("1")),
                                            Component(sku="BOLT", qty=D("4"))),
                    operations=(Operation(name="assemble", energy_carrier="electricity",
                                          energy_per_unit=D("0.42")),)),
}
FACTORS = {("material", "AL"): Factor(kg_co2e_per_unit=D("8.24"), unit="kg"),
           ("material", "BOLT"): Factor(kg_co2e_per_unit=D("0.045"), unit="pc"),
           ("energy", "electricity"): Factor(kg_co2e_per_unit=D("0.5703"), unit="kWh")}


def test_the_footprint_of_a_two_level_bill_is_the_exact_sum_of_its_terms() -> None:
    fp = product_footprint(BOMS, FACTORS, "ASSY")
    # 0.42×0.5703 + 2.55×0.5703 + 1.35×8.24 + 4×0.045
    #   = 0.239526 + 1.454265 + 11.124 + 0.18 = 12.997791
    assert fp.per_unit_kg_co2e == D("12.997791") and not fp.is_rounded
    assert fp.total_kg_co2e == sum(c.kg_co2e for c in fp.contributions)
    assert [(c.kind, c.name, c.path) for c in fp.contributions] == [
        ("energy", "assemble", ("ASSY",)), ("energy", "mill", ("ASSY", "BODY")),
        ("material", "AL", ("ASSY", "BODY", "AL")), ("material", "BOLT", ("ASSY", "BOLT"))]


def test_a_missing_factor_is_named() -> None:
    factors = {k: v for k, v in FACTORS.items() if k != ("material", "BOLT")}
    with pytest.raises(MissingEmissionFactor) as info:
        product_footprint(BOMS, factors, "ASSY")
    assert "BOLT" in info.value.render("en") and "物料" in info.value.render("zh-CN")


def test_exact_arithmetic_refuses_to_round_silently() -> None:
    with exact(), pytest.raises(decimal.Inexact):
        D(1) / D(3)


def test_a_work_orders_per_unit_figure_is_rounded_only_when_the_division_does_not_end(
        ) -> None:
    terms = work_order_terms(BOMS, FACTORS, "ASSY", [("BODY", D("3")), ("BOLT", D("12"))],
                             [("assemble", "electricity", D("1"))])
    total = D("3") * (D("1.35") * D("8.24") + D("2.55") * D("0.5703")) \
        + D("12") * D("0.045") + D("0.5703")
    # 38.845095 kg CO2e over 3 units ends (12.948365); over 7 it does not.
    assert total == D("38.845095")
    three = footprint("ASSY", D("3"), terms)
    assert (three.per_unit_kg_co2e, three.is_rounded) == (D("12.948365"), False)
    seven = footprint("ASSY", D("7"), terms)
    assert (seven.per_unit_kg_co2e, seven.is_rounded) == (D("5.549299286"), True)
    assert seven.total_kg_co2e == total  # the total itself is never rounded
