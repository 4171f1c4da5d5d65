"""Stock commands end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from inventory import (
    AdjustStock,
    IdempotencyKeyReused,
    InsufficientLotStock,
    InsufficientReservation,
    InsufficientStock,
    InvalidQuantity,
    ReleaseReservation,
    ReservationMismatch,
    ReservationNotActive,
    ReserveStock,
    SameWarehouseTransfer,
    ShipStock,
    TransferStock,
    UnknownItem,
    UnknownWarehouse,
    queries,
)
from inventory.models import LedgerEntry, StockBalance
from kernel.models import OutboxEvent


def balance(world, sku: str, wh: str) -> tuple[Decimal, Decimal]:
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku=sku, warehouse=wh, offset=0, limit=5)
    return (rows[0]["on_hand"], rows[0]["reserved"]) if rows else (Decimal(0), Decimal(0))


def read(world, fn, *args):
    with world.db.read(world.tenant_id) as s:
        return fn(s, *args)


def counts(world) -> tuple[int, int]:
    with world.db.read(world.tenant_id) as s:
        return (s.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                s.scalar(select(func.count()).select_from(OutboxEvent)) or 0)


def test_receive_then_ship_updates_balance_ledger_and_outbox(world):
    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 10)
    result = world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(4)))
    assert result["balances"] == [{"sku": "MAG-36", "warehouse": "WH-A", "on_hand": "6.000",
                                   "reserved": "0.000", "available": "6.000"}]
    assert [e["qty"] for e in result["entries"]] == ["-4.000"]
    assert counts(world) == (2, 2)
    with world.db.read(world.tenant_id) as s:
        event = s.scalar(select(OutboxEvent).where(OutboxEvent.event_id == result["event_id"]))
        assert event is not None and event.type == "stock.shipped"
        assert event.key == "stock:MAG-36@WH-A"


def test_refusal_names_the_balance_in_both_languages(world):
    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 3)
    with pytest.raises(InsufficientStock) as err:
        world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(5)))
    assert err.value.render("en") == "SKU MAG-36 at WH-A: available 3.000, requested 5.000."
    assert err.value.render("zh-CN") == "商品 MAG-36 在 WH-A：可用 3.000，请求 5.000。"
    assert counts(world) == (1, 1)


def test_fefo_picks_earliest_expiry_first_and_untracked_last(world):
    world.item("YEAST", shelf_life_days=30)
    world.receive("YEAST", "WH-A", 5, lot_no="L-LATE", expiry_date=date(2027, 3, 1))
    world.receive("YEAST", "WH-A", 5, lot_no="L-EARLY", expiry_date=date(2027, 1, 1))
    world.receive("YEAST", "WH-A", 5)  # untracked lot '' (no expiry) goes last
    result = world.run(ShipStock(sku="YEAST", warehouse="WH-A", qty=Decimal(12)))
    assert [(e["lot_no"], e["qty"]) for e in result["entries"]] == [
        ("L-EARLY", "-5.000"), ("L-LATE", "-5.000"), ("", "-2.000")]


def test_new_lot_of_perishable_item_gets_expiry_from_shelf_life(world):
    world.item("CREAM", shelf_life_days=10)
    world.receive("CREAM", "WH-A", 1, lot_no="C1")
    lots = read(world, queries.lots, "CREAM", "WH-A")
    assert lots[0]["expiry_date"] == world.clock.now().date() + timedelta(days=10)


def test_named_lot_short_is_refused_with_lot_numbers(world):
    world.item("YEAST")
    world.receive("YEAST", "WH-A", 2, lot_no="L1")
    world.receive("YEAST", "WH-A", 9, lot_no="L2")
    with pytest.raises(InsufficientLotStock) as err:
        world.run(ShipStock(sku="YEAST", warehouse="WH-A", qty=Decimal(3), lot_no="L1"))
    assert err.value.context["on_hand"] == Decimal("2.000")
    assert balance(world, "YEAST", "WH-A") == (Decimal(11), Decimal(0))


def test_transfer_moves_both_legs_and_keeps_lots(world):
    world.item("LENS")
    world.receive("LENS", "WH-A", 7, lot_no="B7")
    result = world.run(TransferStock(sku="LENS", from_warehouse="WH-A", to_warehouse="WH-B",
                                     qty=Decimal(5)))
    assert [(e["warehouse"], e["lot_no"], e["qty"]) for e in result["entries"]] == [
        ("WH-A", "B7", "-5.000"), ("WH-B", "B7", "5.000")]
    assert balance(world, "LENS", "WH-A")[0] == Decimal(2)
    assert balance(world, "LENS", "WH-B")[0] == Decimal(5)
    with pytest.raises(SameWarehouseTransfer):
        TransferStock(sku="LENS", from_warehouse="WH-A", to_warehouse="WH-A", qty=Decimal(1))


def test_reserved_stock_cannot_be_shipped_by_others(world):
    world.item("FLOUR")
    world.receive("FLOUR", "WH-A", 10)
    held = world.run(ReserveStock(sku="FLOUR", warehouse="WH-A", qty=Decimal(8)))
    with pytest.raises(InsufficientStock):
        world.run(ShipStock(sku="FLOUR", warehouse="WH-A", qty=Decimal(3)))
    rid = held["reservation"]["id"]
    world.run(ShipStock(sku="FLOUR", warehouse="WH-A", qty=Decimal(5), reservation_id=rid))
    assert balance(world, "FLOUR", "WH-A") == (Decimal(5), Decimal(3))
    with pytest.raises(InsufficientReservation):
        world.run(ShipStock(sku="FLOUR", warehouse="WH-A", qty=Decimal(4), reservation_id=rid))
    world.run(ShipStock(sku="FLOUR", warehouse="WH-A", qty=Decimal(3), reservation_id=rid))
    assert read(world, queries.reservation, rid)["status"] == "consumed"
    with pytest.raises(ReservationNotActive):
        world.run(ReleaseReservation(reservation_id=rid))


def test_reservation_of_another_sku_cannot_be_used(world):
    world.item("A1")
    world.item("B1")
    world.receive("A1", "WH-A", 5)
    world.receive("B1", "WH-A", 5)
    rid = world.run(ReserveStock(sku="A1", warehouse="WH-A", qty=Decimal(2)))["reservation"]["id"]
    with pytest.raises(ReservationMismatch):
        world.run(ShipStock(sku="B1", warehouse="WH-A", qty=Decimal(1), reservation_id=rid))


def test_release_gives_stock_back_once(world):
    world.item("FLOUR")
    world.receive("FLOUR", "WH-A", 10)
    rid = world.run(ReserveStock(sku="FLOUR", warehouse="WH-A",
                                 qty=Decimal(4)))["reservation"]["id"]
    result = world.run(ReleaseReservation(reservation_id=rid))
    assert result["reservation"]["status"] == "released"
    assert balance(world, "FLOUR", "WH-A") == (Decimal(10), Decimal(0))
    with pytest.raises(ReservationNotActive):
        world.run(ReleaseReservation(reservation_id=rid))


def test_expired_hold_never_blocks_a_sale_even_before_the_sweep(world):
    world.item("YEAST")
    world.receive("YEAST", "WH-A", 10)
    rid = world.run(ReserveStock(sku="YEAST", warehouse="WH-A", qty=Decimal(10),
                                 ttl_seconds=7200))["reservation"]["id"]
    world.clock.advance(timedelta(hours=1, minutes=59))
    with pytest.raises(InsufficientStock):
        world.run(ShipStock(sku="YEAST", warehouse="WH-A", qty=Decimal(1)))
    world.clock.advance(timedelta(minutes=1))
    result = world.run(ShipStock(sku="YEAST", warehouse="WH-A", qty=Decimal(10)))
    assert result["balances"][0]["on_hand"] == "0.000"
    assert read(world, queries.reservation, rid)["status"] == "expired"
    with world.db.read(world.tenant_id) as s:
        types = s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)).all()
        reasons = s.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()
    assert types[-2:] == ["stock.reservation_expired", "stock.shipped"]
    assert reasons == ["receipt", "reserve", "expire", "shipment"]


def test_sweep_releases_expired_holds_with_ledger_and_event(world):
    world.item("YEAST")
    world.receive("YEAST", "WH-A", 10)
    world.run(ReserveStock(sku="YEAST", warehouse="WH-A", qty=Decimal(6), ttl_seconds=60))
    world.run(ReserveStock(sku="YEAST", warehouse="WH-A", qty=Decimal(1), ttl_seconds=3600))
    world.clock.advance(timedelta(seconds=61))
    assert world.stock.sweep_expired(world.tenant_id) == 1
    assert world.stock.sweep_expired(world.tenant_id) == 0
    assert balance(world, "YEAST", "WH-A") == (Decimal(10), Decimal(1))


def test_idempotency_key_returns_first_result_and_changes_nothing(world):
    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 10)
    cmd = ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(4))
    first = world.run(cmd, key="scan-0001")
    before = counts(world)
    again = world.run(cmd, key="scan-0001")
    assert again["replayed"] is True and first["replayed"] is False
    assert {**again, "replayed": False} == first
    assert counts(world) == before
    assert balance(world, "MAG-36", "WH-A")[0] == Decimal(6)
    with pytest.raises(IdempotencyKeyReused):
        world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(5)), key="scan-0001")


def test_refused_command_does_not_burn_its_key(world):
    world.item("MAG-36")
    with pytest.raises(InsufficientStock):
        world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(1)), key="k-1")
    world.receive("MAG-36", "WH-A", 1)
    assert world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=Decimal(1)),
                     key="k-1")["replayed"] is False


def test_adjustment_needs_reason_and_cannot_go_below_reserved(world):
    world.item("EYE-1")
    world.receive("EYE-1", "WH-A", 5)
    world.run(ReserveStock(sku="EYE-1", warehouse="WH-A", qty=Decimal(4)))
    with pytest.raises(InvalidQuantity):
        AdjustStock(sku="EYE-1", warehouse="WH-A", qty=Decimal(-1), reason="  ")
    with pytest.raises(InsufficientStock):
        world.run(AdjustStock(sku="EYE-1", warehouse="WH-A", qty=Decimal(-2), reason="破损"))
    world.run(AdjustStock(sku="EYE-1", warehouse="WH-A", qty=Decimal(-1), reason="破损"))
    world.run(AdjustStock(sku="EYE-1", warehouse="WH-A", qty=Decimal("2.5"), reason="盘盈"))
    assert balance(world, "EYE-1", "WH-A") == (Decimal("6.5"), Decimal(4))


@pytest.mark.parametrize("qty", [
    "0",  # zero moves nothing
    "-1",  # negative where a positive is needed
    "1e30",  # absurdly large
    "0.0001",  # finer than a thousandth
    "NaN",  # not a number
])
def test_bad_quantities_are_refused_before_any_write(world, qty):
    world.item("MAG-36")
    before = counts(world)
    with pytest.raises(InvalidQuantity):
        world.run(ShipStock(sku="MAG-36", warehouse="WH-A", qty=qty))
    assert counts(world) == before


def test_unknown_names_are_refused(world):
    world.item("MAG-36")
    with pytest.raises(UnknownItem):
        world.receive("NOPE", "WH-A", 1)
    with pytest.raises(UnknownWarehouse):
        world.receive("MAG-36", "WH-NOPE", 1)
    assert counts(world) == (0, 0)


def test_database_check_refuses_a_negative_balance_even_if_code_skips_the_guard(world):
    """Defence in depth: the CHECK constraint itself refuses reserved > on_hand."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 1)
    with pytest.raises(IntegrityError), world.db.write(world.tenant_id) as s:
        s.execute(update(StockBalance).values(reserved=Decimal(5))
                  .execution_options(synchronize_session=False))
    assert balance(world, "MAG-36", "WH-A") == (Decimal(1), Decimal(0))


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entry SET qty = qty + 1000",  # rewriting history
    "DELETE FROM ledger_entry",  # losing it
])
def test_the_database_itself_keeps_the_ledger_append_only(world, statement):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    world.item("MAG-36")
    world.receive("MAG-36", "WH-A", 3)
    with pytest.raises(DBAPIError, match="append-only"), world.db.write(world.tenant_id) as s:
        s.execute(text(statement))
    assert counts(world) == (1, 1)
