"""Goods in and out: receive, ship (FEFO), transfer (both legs at once), adjust."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.commands import AdjustStock, CommandContext, ReceiveStock, ShipStock, TransferStock
from inventory.errors import (
    InsufficientLotStock,
    InventoryError,
    LotFrozen,
    ReservationMismatch,
)
from inventory.journal import Journal, stock_key
from inventory.lookup import (
    ItemRef,
    LotRef,
    WarehouseRef,
    bin_by_code,
    existing_lot,
    item_by_sku,
    lot_for_receipt,
    warehouse_by_code,
)
from inventory.lots.freezes import frozen_lot_ids
from inventory.models import Item, Lot, LotBalance, Warehouse
from inventory.reservations import consume, load_reservation, refusal, release_expired_holds
from kernel.db import Driver


class LotBalanceDrift(InventoryError):
    """Lot balances no longer add up to the stock balance (a bug, never a user error)."""

    code = "inventory.lot_balance_drift"
    http_status = 500
    template_en = "Lot balances of {sku} at {warehouse} do not cover {requested}."
    template_zh = "商品 {sku} 在 {warehouse} 的批次余额不足 {requested}（账实不一致）。"


def _put(session: Session, ctx: CommandContext, journal: Journal, item: Item,
         warehouse: Warehouse, lot: Lot, qty: Decimal, reason: str, bin_id: int | None = None,
         note: str = "") -> None:
    """Add goods: stock balance first, then its lot (the lock order), then the ledger row."""
    guarantees.ensure_balance(session, ctx.tenant_id, item.id, warehouse.id)
    guarantees.add_on_hand(session, ctx.tenant_id, item.id, warehouse.id, qty)
    guarantees.ensure_lot_balance(session, ctx.tenant_id, item.id, warehouse.id, lot.id)
    guarantees.add_lot(session, ctx.tenant_id, item.id, warehouse.id, lot.id, qty)
    journal.record(item, warehouse, qty, reason, lot=lot, bin_id=bin_id, note=note)


def _pick_lots(session: Session, ctx: CommandContext, journal: Journal, item: Item,
               warehouse: Warehouse, qty: Decimal, reason: str, lot_no: str | None,
               note: str = "") -> list[tuple[Lot, Decimal]]:
    """Take ``qty`` out of lots (the named one, else first-expiry-first-out) and journal it.

    The caller has already taken ``qty`` off the stock balance, which holds that row's
    lock until commit, so the lot rows read here cannot change under us. A shipment never
    takes a lot frozen in that warehouse (:class:`LotFrozen`).
    """
    frozen = frozen_lot_ids(session, warehouse.id) if reason == "shipment" else set()
    if lot_no is not None:
        lot = existing_lot(session, item, lot_no)
        if lot.id in frozen:
            raise LotFrozen(sku=item.sku, warehouse=warehouse.code, lots=lot.lot_no,
                            free=Decimal("0.000"), requested=qty)
        if not guarantees.take_lot(session, ctx.tenant_id, item.id, warehouse.id, lot.id, qty):
            on_hand = session.scalar(select(LotBalance.on_hand).where(
                LotBalance.item_id == item.id, LotBalance.warehouse_id == warehouse.id,
                LotBalance.lot_id == lot.id)) or Decimal("0.000")
            raise InsufficientLotStock(sku=item.sku, lot_no=lot_no or "—",
                                       warehouse=warehouse.code, on_hand=on_hand, requested=qty)
        journal.record(item, warehouse, -qty, reason, lot=lot, note=note)
        return [(lot, qty)]
    rows = session.execute(
        select(Lot, LotBalance.on_hand)
        .join(LotBalance, LotBalance.lot_id == Lot.id)
        .where(LotBalance.item_id == item.id, LotBalance.warehouse_id == warehouse.id,
               LotBalance.on_hand > 0)
        # FEFO: earliest expiry first, lots without expiry last, then by lot number.
        .order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Lot.lot_no, Lot.id)).all()
    picked: list[tuple[Lot, Decimal]] = []
    left = qty
    for lot, on_hand in rows:
        if left <= 0:
            break
        if lot.id in frozen:
            continue
        take = min(left, on_hand)
        if not guarantees.take_lot(session, ctx.tenant_id, item.id, warehouse.id, lot.id, take):
            raise LotBalanceDrift(sku=item.sku, warehouse=warehouse.code, requested=qty)
        journal.record(item, warehouse, -take, reason, lot=lot, note=note)
        picked.append((lot, take))
        left -= take
    held = [lot.lot_no for lot, _ in rows if lot.id in frozen]
    if left > 0 and held:
        raise LotFrozen(sku=item.sku, warehouse=warehouse.code, lots=", ".join(held),
                        free=qty - left, requested=qty)
    if left > 0:
        raise LotBalanceDrift(sku=item.sku, warehouse=warehouse.code, requested=qty)
    return picked


def receive(session: Session, ctx: CommandContext, cmd: ReceiveStock, now: datetime
            ) -> dict[str, Any]:
    """Put received goods on hand, into their lot (created on first use).

    Raises:
        UnknownItem, UnknownWarehouse, NotFound (bin): names unknown in the tenant.
    """
    item = item_by_sku(session, cmd.sku)
    warehouse = warehouse_by_code(session, cmd.warehouse)
    bin_id = bin_by_code(session, warehouse, cmd.bin).id if cmd.bin else None
    lot = lot_for_receipt(session, ctx.tenant_id, item, cmd.lot_no, cmd.expiry_date, now.date())
    journal = Journal(session, ctx, "receive", cmd.document, now)
    _put(session, ctx, journal, item, warehouse, lot, cmd.qty, "receipt", bin_id, cmd.note)
    return journal.finish("stock.received", stock_key(item, warehouse))


def _ship_available(session: Session, ctx: CommandContext, cmd: ShipStock, now: datetime
                    ) -> dict[str, Any] | None:
    """The hot path of a plain shipment: 4 statements, the same rows and result as below.

    Returns None, having changed nothing, when the conditional update refuses (unknown
    name, not enough, or an expired hold to release first); :func:`ship` then takes the
    full path, which finds out which and answers exactly as before.

    Raises:
        LotBalanceDrift: lot balances do not cover the stock balance (a bug).
    """
    driver = Driver.of(session)
    taken = guarantees.take_available_by_name(driver, ctx.tenant_id, cmd.sku, cmd.warehouse,
                                              cmd.qty, now)
    if taken is None:
        return None
    item_id, warehouse_id, on_hand, reserved = taken
    item, warehouse = ItemRef(item_id, cmd.sku), WarehouseRef(warehouse_id, cmd.warehouse)
    journal = Journal(session, ctx, "ship", cmd.document, now)
    journal.settled(item_id, warehouse_id, on_hand, reserved)
    lot = guarantees.take_first_lot(driver, ctx.tenant_id, item_id, warehouse_id, cmd.qty)
    if lot is not None:
        journal.record(item, warehouse, -cmd.qty, "shipment", lot=LotRef(*lot), note=cmd.note)
    else:  # the first lot in FEFO order holds less: take lot by lot
        _pick_lots(session, ctx, journal, item_by_sku(session, cmd.sku),
                   warehouse_by_code(session, cmd.warehouse), cmd.qty, "shipment", None,
                   cmd.note)
    return journal.finish("stock.shipped", stock_key(item, warehouse))


def ship(session: Session, ctx: CommandContext, cmd: ShipStock, now: datetime) -> dict[str, Any]:
    """Take goods off hand: from a reservation if one is named, else from available stock.

    Raises:
        UnknownItem, UnknownWarehouse, UnknownLot, UnknownReservation: unknown names.
        InsufficientStock, InsufficientLotStock, InsufficientReservation: not enough.
        ReservationNotActive, ReservationMismatch: the hold cannot be used here.
    """
    if cmd.reservation_id is None and cmd.lot_no is None:
        fast = _ship_available(session, ctx, cmd, now)
        if fast is not None:
            return fast
    item = item_by_sku(session, cmd.sku)
    warehouse = warehouse_by_code(session, cmd.warehouse)
    release_expired_holds(session, ctx, item, warehouse, now)
    journal = Journal(session, ctx, "ship", cmd.document, now)
    if cmd.reservation_id is not None:
        res, res_item, res_wh = load_reservation(session, cmd.reservation_id)
        if res_item.id != item.id or res_wh.id != warehouse.id:
            raise ReservationMismatch(reservation_id=res.id, sku=res_item.sku,
                                      warehouse=res_wh.code)
        consume(session, ctx, res, cmd.qty, now)
        if not guarantees.take_reserved(session, ctx.tenant_id, item.id, warehouse.id, cmd.qty):
            raise refusal(session, item, warehouse, cmd.qty)
        journal.record(item, warehouse, -cmd.qty, "consume", bucket="reserved")
    elif not guarantees.take_available(session, ctx.tenant_id, item.id, warehouse.id, cmd.qty):
        raise refusal(session, item, warehouse, cmd.qty)
    _pick_lots(session, ctx, journal, item, warehouse, cmd.qty, "shipment", cmd.lot_no, cmd.note)
    extra = {"reservation_id": cmd.reservation_id} if cmd.reservation_id else {}
    return journal.finish("stock.shipped", stock_key(item, warehouse), extra)


def transfer(session: Session, ctx: CommandContext, cmd: TransferStock, now: datetime
             ) -> dict[str, Any]:
    """Move goods between warehouses: out of one and into the other in one transaction.

    Raises:
        UnknownItem, UnknownWarehouse, UnknownLot: unknown names.
        InsufficientStock, InsufficientLotStock: the source has not enough available.
    """
    item = item_by_sku(session, cmd.sku)
    source = warehouse_by_code(session, cmd.from_warehouse)
    target = warehouse_by_code(session, cmd.to_warehouse)
    release_expired_holds(session, ctx, item, source, now)
    journal = Journal(session, ctx, "transfer", cmd.document, now)
    # Lock order: both stock balances in ascending warehouse id, then lots.
    guarantees.ensure_balance(session, ctx.tenant_id, item.id, min(source.id, target.id))
    guarantees.ensure_balance(session, ctx.tenant_id, item.id, max(source.id, target.id))
    if target.id < source.id:
        guarantees.add_on_hand(session, ctx.tenant_id, item.id, target.id, cmd.qty)
    if not guarantees.take_available(session, ctx.tenant_id, item.id, source.id, cmd.qty):
        raise refusal(session, item, source, cmd.qty)
    if target.id > source.id:
        guarantees.add_on_hand(session, ctx.tenant_id, item.id, target.id, cmd.qty)
    picked = _pick_lots(session, ctx, journal, item, source, cmd.qty, "transfer_out",
                        cmd.lot_no, cmd.note)
    for lot, qty in picked:
        guarantees.ensure_lot_balance(session, ctx.tenant_id, item.id, target.id, lot.id)
        guarantees.add_lot(session, ctx.tenant_id, item.id, target.id, lot.id, qty)
        journal.record(item, target, qty, "transfer_in", lot=lot, note=cmd.note)
    return journal.finish("stock.transferred", f"stock:{item.sku}",
                          {"from_warehouse": source.code, "to_warehouse": target.code})


def adjust(session: Session, ctx: CommandContext, cmd: AdjustStock, now: datetime
           ) -> dict[str, Any]:
    """Correct stock after a count, with a reason; never below what is reserved.

    Raises:
        UnknownItem, UnknownWarehouse, UnknownLot: unknown names.
        InsufficientStock, InsufficientLotStock: a decrease larger than available.
    """
    item = item_by_sku(session, cmd.sku)
    warehouse = warehouse_by_code(session, cmd.warehouse)
    journal = Journal(session, ctx, "adjust", cmd.document, now)
    if cmd.qty > 0:
        lot = lot_for_receipt(session, ctx.tenant_id, item, cmd.lot_no, cmd.expiry_date,
                              now.date())
        _put(session, ctx, journal, item, warehouse, lot, cmd.qty, "adjustment", None, cmd.reason)
    else:
        release_expired_holds(session, ctx, item, warehouse, now)
        qty = -cmd.qty
        if not guarantees.take_available(session, ctx.tenant_id, item.id, warehouse.id, qty):
            raise refusal(session, item, warehouse, qty)
        _pick_lots(session, ctx, journal, item, warehouse, qty, "adjustment", cmd.lot_no,
                   cmd.reason)
    return journal.finish("stock.adjusted", stock_key(item, warehouse), {"reason": cmd.reason})
