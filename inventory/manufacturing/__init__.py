"""Discrete manufacturing (生产·离散制造), the ``manufacturing`` product module: bills of
materials (multi-level, exact quantities, no cycles), work orders that issue components and
receive finished goods through the core's commands, and the carbon footprint of a product
(ISO 14067 style, kg CO2e, exact Decimals). Switched on by the ``jxc.manufacturing`` pack.
"""

from __future__ import annotations

from inventory.manufacturing.bom import BomSpec, Component, Operation, explode, find_cycle
from inventory.manufacturing.bom_service import (
    BomService,
    NewBom,
    NewBomLine,
    NewFactor,
    NewOperation,
)
from inventory.manufacturing.carbon import Factor, Footprint, product_footprint
from inventory.manufacturing.errors import (
    BadBom,
    BadEmissionFactor,
    BomCycle,
    BomExists,
    ManufacturingError,
    MissingEmissionFactor,
    NothingReceived,
    ReadingNotAllowed,
    UnknownBom,
    UnknownOperation,
)
from inventory.manufacturing.work_order import WorkOrderAction, WorkOrderStatus
from inventory.manufacturing.work_order_service import NewWorkOrder, WorkOrderService

#: The module name packs switch on (``modules = ["manufacturing"]``).
MODULE = "manufacturing"

__all__ = [
    "MODULE",
    "BadBom",
    "BadEmissionFactor",
    "BomCycle",
    "BomExists",
    "BomService",
    "BomSpec",
    "Component",
    "Factor",
    "Footprint",
    "ManufacturingError",
    "MissingEmissionFactor",
    "NewBom",
    "NewBomLine",
    "NewFactor",
    "NewOperation",
    "NewWorkOrder",
    "NothingReceived",
    "Operation",
    "ReadingNotAllowed",
    "UnknownBom",
    "UnknownOperation",
    "WorkOrderAction",
    "WorkOrderService",
    "WorkOrderStatus",
    "explode",
    "find_cycle",
    "product_footprint",
]
