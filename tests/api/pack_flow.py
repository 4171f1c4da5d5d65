"""Shared steps of the pack end-to-end tests: install a shipped pack over HTTP and run each
of its rule sets' own rule tests against the sandbox version the install made."""

from __future__ import annotations

from typing import Any

from engine.governance.rule_tests import parse_rule_tests
from templates_marketplace import builtin
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem
from tests.integration.marketplace.test_install import tenant_rows


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of ``response``, after checking its status."""
    assert response.status_code == status, response.text
    return response.json()


def install_with_green_rule_tests(tenant: ApiTenant, pack_id: str) -> dict[str, Any]:
    """Install ``pack_id`` as an author; check every rule set arrived in sandbox and passes
    the pack's own rule tests through ``POST /rule-versions/{id}/tests``."""
    pack = builtin(pack_id)
    installed = ok(tenant.post(f"/packs/{pack_id}/install", {}, "author",
                               **{"Idempotency-Key": f"install-{pack_id}"}))
    assert installed["rule_sets"] == sorted(pack.parts.rule_sets)
    for name in pack.parts.rule_sets:
        versions = ok(tenant.get("/rule-versions", "author", name=f"{pack_id}:{name}"))
        assert [v["state"] for v in versions["items"]] == ["sandbox"], versions
        source = pack.files[f"tests/{name}.toml"].decode("utf-8")
        run = ok(tenant.post(f"/rule-versions/{versions['items'][0]['id']}/tests",
                             {"source": source}, "author"))
        assert run["is_passed"] and run["failed"] == 0, run
        assert run["total"] == len(parse_rule_tests(pack.parts.tests[name])) >= 1
    return installed  # type: ignore[no-any-return]


def install_into_a_fresh_tenant(make_tenant: TenantFactory, pack_id: str,
                                module_lists: list[str]) -> dict[str, Any]:
    """Install ``pack_id`` into a fresh tenant with green rule tests in sandbox, and check:
    its module's ``module_lists`` answer ``module.not_installed`` before and an empty page
    after; another tenant's rows stay exactly as they were and its lists stay switched off."""
    other = make_tenant()
    other.warehouse("WH-OTHER")
    before = tenant_rows(other)  # type: ignore[arg-type]
    tenant = make_tenant()
    for path in module_lists:
        assert_problem(tenant.get(path), 404, "module.not_installed")
    installed = install_with_green_rule_tests(tenant, pack_id)
    for path in module_lists:
        assert ok(tenant.get(path))["count"] == 0
        assert_problem(other.get(path), 404, "module.not_installed")
    assert tenant_rows(other) == before  # type: ignore[arg-type]
    return installed
