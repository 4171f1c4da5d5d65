"""Bills of materials as a graph: cycle detection and multi-level explosion. Pure: no I/O.

A bill says what ONE unit of its item is made of: components with exact quantities, and
operations with the energy each takes per unit. A component may have its own bill
(a sub-assembly), so bills form a graph keyed by SKU; it must stay acyclic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from inventory.manufacturing.errors import BadBom, BomCycle


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """A component SKU and the quantity of it in one unit of the parent."""

    sku: str
    qty: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """An operation making the parent and its energy per unit made (from meter readings)."""

    name: str
    energy_carrier: str
    energy_per_unit: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class BomSpec:
    """One bill: the parent SKU, its components and its operations."""

    sku: str
    components: tuple[Component, ...] = ()
    operations: tuple[Operation, ...] = field(default_factory=tuple)


Boms = Mapping[str, BomSpec]


def check_lines(spec: BomSpec) -> None:
    """Refuse a bill without components or with a component listed twice.

    Raises:
        BadBom: no components, or one SKU on two lines.
    """
    if not spec.components:
        raise BadBom(sku=spec.sku, reason="it needs at least one component",
                     reason_zh="至少需要一个组件")
    seen: set[str] = set()
    for component in spec.components:
        if component.sku in seen:
            raise BadBom(sku=spec.sku, reason=f"{component.sku} is listed twice",
                         reason_zh=f"{component.sku} 重复出现")
        seen.add(component.sku)


def find_cycle(boms: Boms, start: str) -> list[str] | None:
    """A path from ``start`` back to a SKU already on it (``[A, B, A]``), or None."""
    path: list[str] = []
    on_path: set[str] = set()
    done: set[str] = set()

    def visit(sku: str) -> list[str] | None:
        if sku in on_path:
            return [*path[path.index(sku):], sku]
        if sku in done or sku not in boms:
            return None
        path.append(sku)
        on_path.add(sku)
        for component in boms[sku].components:
            found = visit(component.sku)
            if found is not None:
                return found
        path.pop()
        on_path.discard(sku)
        done.add(sku)
        return None

    return visit(start)


def check_acyclic(boms: Boms, sku: str) -> None:
    """Refuse a graph in which ``sku``'s bill reaches ``sku`` again.

    Raises:
        BomCycle: names the path, e.g. ``A → B → A``.
    """
    cycle = find_cycle(boms, sku)
    if cycle is not None:
        raise BomCycle(sku=sku, path=" → ".join(cycle))


def explode(boms: Boms, sku: str, qty: Decimal) -> dict[str, Decimal]:
    """The purchased (leaf) components ``qty`` units of ``sku`` need, through every level.

    Exact: quantities multiply as Decimals without rounding.

    Raises:
        BomCycle: the graph has a cycle below ``sku``.
    """
    check_acyclic(boms, sku)
    needed: dict[str, Decimal] = {}

    def walk(parent: str, multiplier: Decimal) -> None:
        for component in boms[parent].components:
            amount = multiplier * component.qty
            if component.sku in boms:
                walk(component.sku, amount)
            else:
                needed[component.sku] = needed.get(component.sku, Decimal(0)) + amount

    walk(sku, qty)
    return needed


def first_level(spec: BomSpec, qty: Decimal) -> Sequence[tuple[str, Decimal]]:
    """What a work order for ``qty`` units issues: the bill's own lines times ``qty``.

    Sub-assemblies are issued as items (they are made by their own work orders).
    """
    return [(c.sku, c.qty * qty) for c in spec.components]
