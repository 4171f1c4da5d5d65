"""Bills of materials and emission factors in the database, and the planned footprint.

Every write is one transaction through the document runner (idempotent with a key). A bill
is checked against the tenant's whole graph before it is stored: it must not reach its own
item again, through any number of levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inventory.commands import CommandContext, checked_qty
from inventory.documents.runner import DocumentRunner
from inventory.documents.runner import when as _t
from inventory.lookup import item_by_sku
from inventory.manufacturing import carbon
from inventory.manufacturing.bom import BomSpec, Component, Operation, check_acyclic, check_lines
from inventory.manufacturing.errors import BomExists, UnknownBom
from inventory.manufacturing.models import Bom, BomLine, BomOperation, EmissionFactor
from inventory.manufacturing.numbers import exact_number
from inventory.models import Item

#: A component and its quantity per unit of the parent (checked when the bill is written).
NewBomLine = Component
#: An operation and the energy it takes per unit made (checked when the bill is written).
NewOperation = Operation


@dataclass(frozen=True, slots=True, kw_only=True)
class NewBom:
    """What it takes to write an item's bill of materials."""

    sku: str
    lines: Sequence[NewBomLine] = field(default_factory=tuple)
    operations: Sequence[NewOperation] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewFactor:
    """An emission factor to set: kg CO2e per unit of a material or an energy carrier."""

    kind: Literal["material", "energy"]
    code: str
    unit: str
    kg_co2e_per_unit: Decimal
    source: str = ""


def load_boms(session: Session) -> dict[str, BomSpec]:
    """Every bill of the session's tenant, by parent SKU."""
    skus: dict[int, str] = {i: sku for i, sku in session.execute(select(Item.id, Item.sku))}
    boms = {row.id: row.item_id for row in session.scalars(select(Bom))}
    lines: dict[int, list[Component]] = {b: [] for b in boms}
    for line in session.scalars(select(BomLine).order_by(BomLine.bom_id, BomLine.line_no)):
        lines[line.bom_id].append(Component(sku=skus[line.item_id], qty=line.qty))
    ops: dict[int, list[Operation]] = {b: [] for b in boms}
    for op in session.scalars(select(BomOperation).order_by(BomOperation.bom_id,
                                                            BomOperation.seq)):
        ops[op.bom_id].append(Operation(name=op.name, energy_carrier=op.energy_carrier,
                                        energy_per_unit=op.energy_per_unit))
    return {skus[item_id]: BomSpec(sku=skus[item_id], components=tuple(lines[b]),
                                   operations=tuple(ops[b])) for b, item_id in boms.items()}


def load_factors(session: Session) -> dict[tuple[str, str], carbon.Factor]:
    """Every emission factor of the session's tenant, by (kind, code)."""
    return {(f.kind, f.code): carbon.Factor(kg_co2e_per_unit=f.kg_co2e_per_unit, unit=f.unit)
            for f in session.scalars(select(EmissionFactor))}


def _bom_of(session: Session, sku: str) -> tuple[Bom, Item]:
    item = item_by_sku(session, sku)
    bom = session.scalar(select(Bom).where(Bom.item_id == item.id))
    if bom is None:
        raise UnknownBom(sku=sku)
    return bom, item


def view(session: Session, bom: Bom) -> dict[str, Any]:
    """A bill as the API shows it (JSON-ready)."""
    skus: dict[int, str] = {i: sku for i, sku in session.execute(select(Item.id, Item.sku))}
    return {
        "sku": skus[bom.item_id], "note": bom.note,
        "created_at": _t(bom.created_at), "updated_at": _t(bom.updated_at),
        "lines": [{"line_no": x.line_no, "sku": skus[x.item_id], "qty": str(x.qty)}
                  for x in session.scalars(select(BomLine).where(BomLine.bom_id == bom.id)
                                           .order_by(BomLine.line_no))],
        "operations": [{"seq": o.seq, "name": o.name, "energy_carrier": o.energy_carrier,
                        "energy_per_unit": str(o.energy_per_unit)}
                       for o in session.scalars(select(BomOperation).where(
                           BomOperation.bom_id == bom.id).order_by(BomOperation.seq))],
    }


def _spec(new: NewBom) -> BomSpec:
    spec = BomSpec(sku=new.sku, components=tuple(
        Component(sku=x.sku, qty=checked_qty(x.qty)) for x in new.lines), operations=tuple(
        Operation(name=o.name, energy_carrier=o.energy_carrier,
                  energy_per_unit=exact_number(o.energy_per_unit, "energy_per_unit"))
        for o in new.operations))
    check_lines(spec)
    return spec


def _write(session: Session, ctx: CommandContext, new: NewBom, now: datetime,
           replace: bool) -> dict[str, Any]:
    spec = _spec(new)
    item = item_by_sku(session, new.sku)
    components = [item_by_sku(session, c.sku) for c in spec.components]
    graph = {**load_boms(session), spec.sku: spec}
    check_acyclic(graph, spec.sku)
    bom = session.scalar(select(Bom).where(Bom.item_id == item.id))
    if bom is None and replace:
        raise UnknownBom(sku=new.sku)
    if bom is not None and not replace:
        raise BomExists(sku=new.sku)
    if bom is None:
        bom = Bom(tenant_id=ctx.tenant_id, item_id=item.id, created_at=now)
        session.add(bom)
    bom.note, bom.updated_at = new.note, now
    session.flush()
    session.execute(delete(BomLine).where(BomLine.bom_id == bom.id))
    session.execute(delete(BomOperation).where(BomOperation.bom_id == bom.id))
    for number, (component, row) in enumerate(zip(spec.components, components, strict=True),
                                              start=1):
        session.add(BomLine(tenant_id=ctx.tenant_id, bom_id=bom.id, line_no=number,
                            item_id=row.id, qty=component.qty))
    for seq, op in enumerate(spec.operations, start=1):
        session.add(BomOperation(tenant_id=ctx.tenant_id, bom_id=bom.id, seq=seq, name=op.name,
                                 energy_carrier=op.energy_carrier,
                                 energy_per_unit=op.energy_per_unit))
    session.flush()
    return view(session, bom)


def factor_view(row: EmissionFactor) -> dict[str, Any]:
    """An emission factor as the API shows it."""
    return {"kind": row.kind, "code": row.code, "unit": row.unit,
            "kg_co2e_per_unit": str(row.kg_co2e_per_unit), "source": row.source,
            "updated_at": _t(row.updated_at)}


def _set_factor(session: Session, ctx: CommandContext, new: NewFactor, now: datetime
                ) -> dict[str, Any]:
    value = exact_number(new.kg_co2e_per_unit, "kg_co2e_per_unit")
    if new.kind == "material":
        item_by_sku(session, new.code)  # a material factor is per SKU of the tenant
    row = session.scalar(select(EmissionFactor).where(EmissionFactor.kind == new.kind,
                                                      EmissionFactor.code == new.code))
    if row is None:
        row = EmissionFactor(tenant_id=ctx.tenant_id, kind=new.kind, code=new.code)
        session.add(row)
    row.unit, row.kg_co2e_per_unit, row.source, row.updated_at = (new.unit, value, new.source,
                                                                  now)
    session.flush()
    return factor_view(row)


def plain(value: Decimal) -> str:
    """An exact number as text without trailing zeros or exponent (15.9144710000 → 15.914471)."""
    return format(value.normalize(), "f") if value else "0"


def footprint_view(fp: carbon.Footprint) -> dict[str, Any]:
    """A footprint as the API shows it: every number as exact decimal text, kg CO2e."""
    return {"sku": fp.sku, "qty": plain(fp.qty), "unit": "kg CO2e",
            "total_kg_co2e": plain(fp.total_kg_co2e),
            "per_unit_kg_co2e": plain(fp.per_unit_kg_co2e), "is_rounded": fp.is_rounded,
            "contributions": [{"kind": c.kind, "name": c.name, "code": c.code,
                               "path": list(c.path), "amount": plain(c.amount), "unit": c.unit,
                               "kg_co2e_per_unit": plain(c.kg_co2e_per_unit),
                               "kg_co2e": plain(c.kg_co2e)} for c in fp.contributions]}


class BomService:
    """Bills of materials, emission factors and planned footprints of a tenant."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewBom) -> dict[str, Any]:
        """Write an item's bill of materials.

        Raises:
            UnknownItem: the item or a component is not in the tenant.
            BadBom, InvalidQuantity, BadEmissionFactor: bad lines or operations.
            BomCycle: the bill would reach its own item again.
            BomExists: the item has a bill already.
        """
        return self.runner.write(ctx, "bom.create", {"new": new},
                                 lambda s, now: _write(s, ctx, new, now, replace=False))

    def replace(self, ctx: CommandContext, new: NewBom) -> dict[str, Any]:
        """Replace an item's bill of materials (work orders written before keep theirs).

        Raises:
            UnknownBom, UnknownItem, BadBom, InvalidQuantity, BadEmissionFactor, BomCycle.
        """
        return self.runner.write(ctx, "bom.replace", {"new": new},
                                 lambda s, now: _write(s, ctx, new, now, replace=True))

    def get(self, tenant_id: int, sku: str) -> dict[str, Any]:
        """One bill.

        Raises:
            UnknownItem, UnknownBom.
        """
        return self.runner.read(tenant_id, lambda s: view(s, _bom_of(s, sku)[0]))

    def footprint(self, tenant_id: int, sku: str) -> dict[str, Any]:
        """The planned footprint of one unit of ``sku`` from its bill (kg CO2e, exact).

        Raises:
            UnknownItem, UnknownBom, MissingEmissionFactor, BomCycle.
        """
        def work(s: Session) -> dict[str, Any]:
            _bom_of(s, sku)
            return footprint_view(carbon.product_footprint(load_boms(s), load_factors(s), sku))
        return self.runner.read(tenant_id, work)

    def set_factor(self, ctx: CommandContext, new: NewFactor) -> dict[str, Any]:
        """Set (or change) an emission factor.

        Raises:
            BadEmissionFactor: not a non-negative number of at most 9 decimals.
            UnknownItem: a material factor for a SKU not in the tenant.
        """
        return self.runner.write(ctx, "emission_factor.set", {"new": new},
                                 lambda s, now: _set_factor(s, ctx, new, now))

    def factors(self, tenant_id: int, kind: str | None, offset: int, limit: int
                ) -> tuple[list[dict[str, Any]], int]:
        """Emission factors by kind and code, optionally of one kind."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(EmissionFactor)
            if kind:
                stmt = stmt.where(EmissionFactor.kind == kind)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(EmissionFactor.kind, EmissionFactor.code)
                             .offset(offset).limit(limit)).all()
            return [factor_view(r) for r in rows], total
        return self.runner.read(tenant_id, work)

    def list(self, tenant_id: int, component: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Bills by parent SKU, optionally only those using ``component``."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(Bom)
            if component:
                stmt = stmt.where(Bom.id.in_(select(BomLine.bom_id).join(
                    Item, Item.id == BomLine.item_id).where(Item.sku == component)))
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.join(Item, Item.id == Bom.item_id).order_by(Item.sku)
                             .offset(offset).limit(limit)).all()
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
