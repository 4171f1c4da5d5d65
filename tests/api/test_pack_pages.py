"""The marketplace page: cards with passports derived from the rules, install and
uninstall only for rule writers, with CSRF, and the rules arriving in the sandbox."""

from __future__ import annotations

import re

from tests.api.conftest import TenantFactory
from tests.api.test_studio_pages import sign_in_page


def test_cards_show_passports_and_only_writers_install(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("viewer", "author"))
    sign_in_page(tenant, "viewer")
    page = tenant.client.get("/packs").text
    card = page[page.index('data-testid="pack-jxc.standard"'):]
    # The passport is derived from the rules: the deposit rule writes the reserved balance,
    # the 48 h rule notifies the sales manager.
    passport = card[card.index('data-testid="passport"'):card.index("</dl>",
                                                                    card.index("passport"))]
    assert "reserved" in passport and "sales_manager" in passport
    assert "sales_order.confirmed" in passport
    assert 'data-testid="install"' not in page
    # Posting anyway: refused on the page, nothing installed.
    token = sign_in_page(tenant, "viewer")
    refused = tenant.client.post("/packs/jxc.standard/install", data={"csrf_token": token})
    assert 'role="alert"' in refused.text
    assert tenant.get("/rule-versions", role="author").json()["items"] == []

    token = sign_in_page(tenant, "author")
    assert 'data-testid="install"' in tenant.client.get("/packs").text
    no_csrf = tenant.client.post("/packs/jxc.standard/install", data={},
                                 follow_redirects=False)
    assert no_csrf.status_code == 403
    r = tenant.client.post("/packs/jxc.standard/install", data={"csrf_token": token},
                           follow_redirects=False)
    assert r.status_code == 303
    versions = tenant.get("/rule-versions", role="author").json()["items"]
    assert sorted(v["name"] for v in versions) == [
        "jxc.standard:deposit_hold", "jxc.standard:duplicate_scan",
        "jxc.standard:unshipped_48h"]
    assert {v["state"] for v in versions} == {"sandbox"}
    page = tenant.client.get("/packs").text
    assert re.search(r'data-testid="pack-installed">[^<]*1\.0\.0', page)
    r = tenant.client.post("/packs/jxc.standard/uninstall", data={"csrf_token": token},
                           follow_redirects=False)
    assert r.status_code == 303
    versions = tenant.get("/rule-versions", role="author").json()["items"]
    assert {v["state"] for v in versions} == {"retired"}
    assert 'data-testid="pack-installed"' not in tenant.client.get("/packs").text
