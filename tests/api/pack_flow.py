"""Shared steps of the pack end-to-end tests: install a shipped pack over HTTP and run each
of its rule sets' own rule tests against the sandbox version the install made."""

from __future__ import annotations

from typing import Any

from templates_marketplace import builtin
from tests.api.conftest import ApiTenant


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
        assert run["total"] == len(pack.parts.tests[name]) >= 1
    return installed  # type: ignore[no-any-return]
