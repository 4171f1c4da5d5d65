"""Bills of materials as a graph: cycles are found with their path, explosion is exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.manufacturing.bom import (
    BomSpec,
    Component,
    check_acyclic,
    check_lines,
    explode,
    find_cycle,
)
from inventory.manufacturing.errors import BadBom, BomCycle

D = Decimal


def bom(sku: str, *lines: tuple[str, str]) -> BomSpec:
    return BomSpec(sku=sku, components=tuple(Component(sku=s, qty=D(q)) for s, q in lines))


def test_a_bill_that_reaches_its_own_item_through_three_levels_is_refused_with_the_path(
        ) -> None:
    boms = {"A": bom("A", ("B", "1")), "B": bom("B", ("C", "2")), "C": bom("C", ("A", "1"))}
    assert find_cycle(boms, "A") == ["A", "B", "C", "A"]
    with pytest.raises(BomCycle) as info:
        check_acyclic(boms, "A")
    assert info.value.context["path"] == "A → B → C → A"
    assert "A → B → C → A" in info.value.render("zh-CN")
    assert info.value.http_status == 422


def test_an_item_that_contains_itself_directly_is_a_cycle() -> None:
    assert find_cycle({"A": bom("A", ("A", "1"))}, "A") == ["A", "A"]


def test_a_shared_sub_assembly_is_not_a_cycle() -> None:
    # A diamond: A uses B and C, both use D. D is visited twice, never on its own path.
    boms = {"A": bom("A", ("B", "1"), ("C", "1")), "B": bom("B", ("D", "1")),
            "C": bom("C", ("D", "1")), "D": bom("D", ("X", "1"))}
    assert find_cycle(boms, "A") is None
    assert explode(boms, "A", D(1)) == {"X": D(2)}


def test_explosion_multiplies_exactly_through_every_level() -> None:
    boms = {"A": bom("A", ("B", "0.333"), ("S", "3")), "B": bom("B", ("R", "0.007"))}
    needed = explode(boms, "A", D("3"))
    assert needed == {"R": D("0.006993"), "S": D("9")}
    assert str(needed["R"]) == "0.006993"  # 3 × 0.333 × 0.007, no float in between


def test_a_bill_needs_components_listed_once() -> None:
    with pytest.raises(BadBom):
        check_lines(bom("A"))
    with pytest.raises(BadBom) as info:
        check_lines(bom("A", ("B", "1"), ("B", "2")))
    assert "B" in info.value.render("en")
