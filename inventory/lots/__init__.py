"""The lots module (批次与保质期): lots and expiry mandatory for perishables, FEFO picking
suggestions, freezing the lots in a location (cold chain), the recall report and the
fresh-produce loss curve. The food pack switches it on (``modules = ["lots", …]``).
"""

from __future__ import annotations

from inventory.lots.errors import LotNotFrozen, LotRequired
from inventory.lots.fefo import suggest_picks
from inventory.lots.freezes import freeze_location, freeze_lot, list_freezes, release_lot
from inventory.lots.freshness import loss_curve, near_expiry_bundles
from inventory.lots.recall import as_csv, lot_receivers
from inventory.lots.requirement import PERISHABLE, RECEIPT_REQUESTED, check_receipt_lines

__all__ = [
    "PERISHABLE",
    "RECEIPT_REQUESTED",
    "LotNotFrozen",
    "LotRequired",
    "as_csv",
    "check_receipt_lines",
    "freeze_location",
    "freeze_lot",
    "list_freezes",
    "loss_curve",
    "lot_receivers",
    "near_expiry_bundles",
    "release_lot",
    "suggest_picks",
]
