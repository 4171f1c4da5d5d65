"""The demo tenant 示例商贸: ~200 SKUs (toys, bakery ingredients, eyewear parts), three
warehouses and stores, users for every role, a first week of opening receipts, sales,
store transfers and write-offs (:mod:`studio.demo_week`) and then three weeks of
documents (:mod:`studio.demo_documents`) — every stock movement through a document."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from inventory.catalog import NewItem, create_item, create_warehouse
from kernel import accounts
from kernel.clock import VirtualClock
from kernel.db import Database
from studio.demo_documents import DocumentSummary, load_document_history, prepare_parties
from studio.demo_week import load_first_week
from templates_marketplace.service import Actor, Marketplace

TENANT_CODE = "demo"
TENANT_NAME = "示例商贸"
#: (username, role, password) — printed by ``make demo``; change them in production.
USERS = [
    ("admin", "admin", "admin-demo-2026"),
    ("author", "author", "author-demo-2026"),
    ("reviewer", "reviewer", "reviewer-demo-2026"),
    ("warehouse", "warehouse", "warehouse-demo-2026"),
    ("quality", "quality", "quality-demo-2026"),
    ("viewer", "viewer", "viewer-demo-2026"),
]
WAREHOUSES = [
    ("WH-HZ", "杭州总仓", "Hangzhou central warehouse", "warehouse"),
    ("WH-SZ", "深圳仓", "Shenzhen warehouse", "warehouse"),
    ("ST-SH01", "上海徐汇门店", "Shanghai Xuhui store", "store"),
]

_TOYS = [("磁力片", "Magnetic tiles", "盒"), ("积木", "Building blocks", "盒"),
         ("拼图", "Jigsaw puzzle", "盒"), ("毛绒熊", "Plush bear", "只"),
         ("遥控车", "RC car", "台"), ("魔方", "Speed cube", "个"), ("陀螺", "Spinning top", "个"),
         ("水枪", "Water gun", "把")]
_BAKERY = [("高筋面粉", "Bread flour", "袋", 365), ("低筋面粉", "Cake flour", "袋", 365),
           ("即发酵母", "Instant yeast", "包", 540), ("黄油", "Butter", "块", 270),
           ("淡奶油", "Whipping cream", "盒", 180), ("细砂糖", "Caster sugar", "袋", 720),
           ("可可粉", "Cocoa powder", "罐", 540), ("芝士", "Cream cheese", "盒", 120)]
_EYEWEAR = [("镜架铰链", "Frame hinge", "个", "电镀"), ("鼻托", "Nose pad", "对", "无"),
            ("镜腿", "Temple arm", "支", "喷涂"), ("螺丝", "Screw", "粒", "电镀"),
            ("镜片", "Lens blank", "片", "镀膜"), ("镜盒", "Case", "个", "无")]
_SIZES = ["S", "M", "L"]
_VARIANTS = ["A", "B", "C", "D", "E", "F", "G", "H"]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the loader made."""

    items: int
    movements: int
    refused: int
    documents: DocumentSummary | None = None


def _items() -> list[NewItem]:
    items: list[NewItem] = []
    for n, (zh, en, unit) in enumerate(_TOYS):
        for size in _SIZES:
            for v in _VARIANTS[:3]:
                items.append(NewItem(sku=f"TOY-{n + 1:02d}{v}-{size}", name_zh=f"{zh}{v}款 {size}",
                                     name_en=f"{en} {v} {size}", unit=unit, category="toys",
                                     barcode=f"69{len(items):011d}"))
    for n, (zh, en, unit, days) in enumerate(_BAKERY):
        for grade in ["1kg", "5kg", "25kg"]:
            for v in _VARIANTS[:3]:
                items.append(NewItem(sku=f"BAK-{n + 1:02d}{v}-{grade}",
                                     name_zh=f"{zh}{v} {grade}",
                                     name_en=f"{en} {v} {grade}", unit=unit, category="bakery",
                                     shelf_life_days=days, barcode=f"69{len(items):011d}",
                                     attributes={"storage_condition":
                                                 "冷藏" if days < 300 else "常温"}))
    for n, (zh, en, unit, finish) in enumerate(_EYEWEAR):
        for v in _VARIANTS:
            items.append(NewItem(sku=f"EYE-{n + 1:02d}{v}", name_zh=f"{zh}{v}型",
                                 name_en=f"{en} {v}", unit=unit, category="eyewear",
                                 barcode=f"69{len(items):011d}",
                                 attributes={"surface_treatment": finish}))
    return items


def load_demo(db: Database, now: datetime, seed: int = 7) -> DemoSummary:
    """Create the demo tenant with its users, catalogue, stock and a week of history."""
    with db.write(None) as session:
        tenant = accounts.create_tenant(session, TENANT_CODE, TENANT_NAME, now)
        tenant_id = tenant.id
        for username, role, password in USERS:
            accounts.create_user(session, tenant, username, role, password, now)
    items = _items()
    with db.write(tenant_id) as session:
        for code, zh, en, kind in WAREHOUSES:
            create_warehouse(session, tenant_id, code, zh, en, kind, now)
        for new in items:
            create_item(session, tenant_id, new, now)
    rng = random.Random(seed)
    # Four weeks back: a week of movements, then three weeks of documents up to ``now``;
    # every movement is a document's (opening receipts, sales shipped, transfers, write-offs).
    clock = VirtualClock(now - timedelta(days=28))
    prepare_parties(db, clock, tenant_id)
    week = load_first_week(db, clock, tenant_id, items, rng)
    clock.advance(max(now - timedelta(days=21) - clock.now(), timedelta(0)))
    documents = load_document_history(db, clock, tenant_id,
                                      [n.sku for n in items if n.category == "toys"][::3],
                                      prepared=True)
    # The Standard pack, as a new company would start: its risk-control rules wait in the
    # sandbox for review, and its health weights and benchmark line draw the radar.
    Marketplace(db).install(Actor(tenant_id, "user:admin", True), "jxc.standard", None,
                            False, now)
    return DemoSummary(items=len(items), movements=week.movements,
                       refused=week.refused + documents.refused, documents=documents)
