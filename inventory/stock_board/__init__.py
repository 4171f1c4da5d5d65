"""The ``stock_board`` product module: one SKU's stock across warehouses and stores.

Switched on by the General pack (``jxc.general``); its API is ``GET /api/v1/stock-board``.
"""

from __future__ import annotations

from inventory.stock_board.board import EDGE_EVENT, MODULE, stock_board

__all__ = ["EDGE_EVENT", "MODULE", "stock_board"]
