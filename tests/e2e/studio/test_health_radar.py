"""The data-health page in a real browser: the radar, the criteria, the lots, both languages.

The demo tenant's stock queries are made through the API first, so the p95 criterion is
measured from requests the server really answered.
"""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.e2e.studio.conftest import ConsoleErrors, login, shot


def test_the_health_page_draws_its_radar_and_switches_language(browser, studio_url):
    token = httpx.post(f"{studio_url}/api/v1/auth/token",
                       data={"tenant": "demo", "username": "viewer",
                             "password": "viewer-demo-2026"}).json()["access_token"]
    for _ in range(3):
        r = httpx.get(f"{studio_url}/api/v1/stock", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200

    errors = ConsoleErrors()
    page = login(browser, studio_url, "admin", errors)
    page.click("header nav a[href='/health']")
    page.wait_for_url(f"{studio_url}/health")
    expect(page.locator("h1")).to_have_text("数据健康")
    radar = page.locator("[data-testid=health-radar] svg[role=img]")
    expect(radar).to_be_visible()
    expect(radar.locator("text")).to_have_count(5)
    expect(page.locator("[data-testid=radar-score]")).to_have_count(1)
    expect(page.locator("[data-testid=health-criteria] tbody tr")).to_have_count(5)
    p95 = page.locator("[data-testid=health-criteria] tr[data-criterion=stock_query_p95]")
    expect(p95).to_contain_text("ms")  # measured from the requests above, not "no data"
    box = radar.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    shot(page, "health")

    page.click("[data-testid=switch-locale]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Data health")
    expect(radar.locator("text").first).to_have_text("Stock query p95")
    shot(page, "en-health")
    page.click("[data-testid=switch-locale]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert errors == [], errors
