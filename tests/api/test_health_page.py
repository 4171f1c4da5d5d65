"""The data-health page (数据健康) over HTTP: radar, criteria, variance line, near-expiry."""

from __future__ import annotations

import re
from decimal import Decimal

from inventory import CommandContext, ReceiveStock, StockService
from kernel.clock import VirtualClock
from kernel.db import Database
from tests.api.conftest import TenantFactory
from tests.api.test_health_api import posted_stocktake
from tests.api.test_studio_pages import csrf, sign_in_page


def _polygon(page: str, testid: str) -> list[tuple[float, float]]:
    found = re.search(rf'points="([^"]+)"[^>]*data-testid="{testid}"', page)
    assert found, testid
    return [(float(x), float(y)) for x, y in (p.split(",") for p in found.group(1).split())]


def test_the_page_draws_the_radar_the_trend_and_the_lots_in_both_languages(
        make_tenant: TenantFactory, database: Database, clock: VirtualClock):
    t = make_tenant(roles=("admin", "viewer"))
    t.warehouse("WH-A")
    t.item("MILK-1", name_en="Fresh milk")
    t.receive("MILK-1", "WH-A", 40, lot_no="M-7", expiry_date="2026-11-28")
    posted_stocktake(t, "WH-A", {"MILK-1": "39"})

    client = t.client
    anonymous = client.get("/health", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")

    sign_in_page(t, "viewer")
    dashboard = client.get("/").text  # the dashboard's variance card lists the count
    assert re.search(r"<td>ST-[^<]+</td><td>WH-A</td>.*?<td class=\"num\">2\.50 %</td>",
                     dashboard)
    page = client.get("/health").text
    assert '<a href="/health" class="on">数据健康</a>' in page  # the menu link, current page
    assert "流水关联单据" in page and "账实差异率" in page
    score = _polygon(page, "radar-score")
    benchmark = _polygon(page, "radar-benchmark")
    assert len(score) == 5 and len(benchmark) == 5
    assert 'data-testid="variance-line"' in page and "2.50 %" in page  # 1 of 40 off
    row = re.search(r"<tr class=\"\"><td>WH-A</td><td><code>MILK-1</code>.*?</tr>", page)
    assert row and "M-7" in row.group(0) and ">5<" in row.group(0)  # 5 days left
    traced = re.search(r'data-criterion="movement_traced".*?<strong>([\d.]+)</strong>', page,
                       re.S)
    assert traced and traced.group(1) == "20.0"

    # Movements written around the documents (no API path does that; a direct core command,
    # as an old import script would) take the "traced" spoke in and lower its points.
    for _ in range(2):
        StockService(database, clock).execute(
            CommandContext(tenant_id=t.tenant_id, actor="import-script"),
            ReceiveStock(sku="MILK-1", warehouse="WH-A", qty=Decimal(1)))
    page = client.get("/health").text
    traced = re.search(r'data-criterion="movement_traced".*?<strong>([\d.]+)</strong>', page,
                       re.S)
    assert traced and traced.group(1) == "0.0"  # 2 of 4 rows untraced: below the 90 % zero point
    assert _polygon(page, "radar-score") != score

    r = client.post("/locale", data={"csrf_token": csrf(page), "locale": "en",
                                     "next": "/health"}, follow_redirects=False)
    assert r.status_code == 303
    english = client.get("/health?horizon_days=2").text
    assert "Data health" in english and "Movements tied to a document" in english
    assert "No lot expires within the horizon." in english  # 5 days left > 2
    assert client.get("/health?horizon_days=-3").status_code == 422
