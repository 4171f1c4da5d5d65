"""Packs over the HTTP API: catalogue, roles, trust, idempotency, upgrade conflicts."""

from __future__ import annotations

import base64

from templates_marketplace import builtin, new_private_key, pack_bytes, public_key_of, sign
from tests.api.conftest import API, ApiTenant, TenantFactory, assert_problem
from tests.api.test_studio_pages import sign_in_page


def upload(tenant: ApiTenant, data: bytes) -> int:
    response = tenant.client.post(f"{API}/packs", content=data, headers={
        **tenant.headers(), "Content-Type": "application/octet-stream"})
    return response.status_code


def private_pack(pack_id: str, key: bytes | None, rule_change: bytes = b"") -> bytes:
    files = dict(builtin("jxc.standard").files)
    files["pack.toml"] = files["pack.toml"].replace(b'"jxc.standard"', f'"{pack_id}"'.encode())
    if key is not None:
        files["SIGNATURE.json"] = sign(files, pack_id, "1.0.0", key)
    if rule_change:
        files["rules/unshipped_48h.rule"] += rule_change
    return pack_bytes(files)


def test_authors_install_shipped_packs_into_sandbox_and_others_may_not(
        make_tenant: TenantFactory) -> None:
    t = make_tenant()
    listed = {p["id"]: p for p in t.get("/packs", role="viewer").json()}
    assert listed["jxc.standard"]["installed_version"] is None
    assert listed["jxc.standard"]["name"] == {"zh": "新进销存·标准版", "en": "Standard"}
    assert_problem(t.post("/packs/jxc.standard/install", {}, role="warehouse"), 403)
    first = t.post("/packs/jxc.standard/install", {}, role="author", **{"Idempotency-Key": "k1"})
    assert first.status_code == 200, first.text
    assert first.json()["rule_sets"] == ["deposit_hold", "duplicate_scan", "unshipped_48h"]
    again = t.post("/packs/jxc.standard/install", {}, role="author", **{"Idempotency-Key": "k1"})
    assert again.json() == first.json()
    refused = assert_problem(t.post("/packs/jxc.standard/install", {}, role="author"), 409)
    assert refused["code"] == "pack.already_installed"
    assert "已安装" in refused["message"]["zh-CN"]
    listed = {p["id"]: p for p in t.get("/packs").json()}
    assert listed["jxc.standard"]["installed_version"] == "1.0.0"


def test_packs_from_files_need_a_trusted_signature_or_an_admins_explicit_choice(
        make_tenant: TenantFactory) -> None:
    t = make_tenant()
    key = new_private_key()
    assert upload(t, private_pack("acme.signed", key)) == 201
    assert upload(t, private_pack("acme.unsigned", None)) == 201
    assert upload(t, private_pack("acme.tampered", key, rule_change=b"\n# edited\n")) == 201
    assert upload(t, b"PK\x03\x04\x00\x00garbage") == 422
    assert upload(t, pack_bytes(dict(builtin("jxc.standard").files))) == 409  # reserved id

    unknown = assert_problem(t.post("/packs/acme.signed/install", {}, role="author"), 403)
    assert unknown["code"] == "pack.unknown_publisher"
    created = t.post("/pack-publishers", {"name": "Acme", "public_key": base64.b64encode(
        public_key_of(key)).decode()})
    assert created.status_code == 201, created.text
    assert t.post("/packs/acme.signed/install", {}, role="author").json()["trust"] \
        == created.json()["key_id"]

    tampered = assert_problem(t.post("/packs/acme.tampered/install", {"allow_untrusted": True}),
                              403)
    assert tampered["code"] == "pack.tampered"
    assert "rules/unshipped_48h.rule" in tampered["message"]["en"]
    assert_problem(t.post("/packs/acme.unsigned/install", {}, role="author"), 403)
    forbidden = assert_problem(t.post("/packs/acme.unsigned/install",
                                      {"allow_untrusted": True}, role="author"), 403)
    assert forbidden["code"] == "auth.forbidden"
    ok = t.post("/packs/acme.unsigned/install", {"allow_untrusted": True}, role="admin")
    assert ok.status_code == 200 and ok.json()["trust"] == "untrusted"


def test_a_binary_body_on_a_json_route_is_refused_cleanly(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    response = t.client.post(f"{API}/items", content=b"\x00\x01{}", headers={
        **t.headers(), "Content-Type": "application/octet-stream"})
    assert response.status_code == 422
    assert t.get("/items").json()["count"] == 0


def test_an_upgrade_conflict_answers_409_until_chosen(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    assert t.post("/packs/jxc.standard/install", {}, role="author").status_code == 200
    plan = t.get("/packs/jxc.standard/upgrade-plan", role="author")
    assert plan.status_code == 200, plan.text
    assert {c["status"] for c in plan.json()["changes"]} == {"unchanged"}
    done = t.post("/packs/jxc.standard/upgrade", {}, role="author")
    assert done.status_code == 200, done.text
    gone = t.post("/packs/jxc.standard/uninstall", {}, role="author")
    assert gone.json()["state"] == "uninstalled"


def test_rules_may_read_the_events_a_pack_declared_in_that_tenant_only(
        make_tenant: TenantFactory) -> None:
    files = dict(builtin("jxc.standard").files)
    files["pack.toml"] = files["pack.toml"].replace(b'"jxc.standard"', b'"acme.probe"')
    files["schema/probe.toml"] = (
        '[[event]]\nname = "probe.reading_taken"\nkey = "probe.id"\n'
        'label = { zh = "探头读数", en = "Probe reading" }\n'
        '[[event.field]]\npath = "probe.celsius"\ntype = "number"\n'
        'label = { zh = "温度", en = "Celsius" }\n').encode()
    rule = ('rule warm\n  when probe.reading_taken\n  if probe.celsius > -15\n  then\n'
            '    alert role:quality_manager "warm"\nend\n')
    t, other = make_tenant(), make_tenant()
    for tenant in (t, other):
        assert upload(tenant, pack_bytes(files)) == 201
    before = assert_problem(t.post("/rule-versions", {"name": "probe", "source": rule},
                                   role="author"), 422)
    assert before["code"].startswith("dsl.")
    installed = t.post("/packs/acme.probe/install", {"allow_untrusted": True}, role="admin")
    assert installed.status_code == 200, installed.text
    created = t.post("/rule-versions", {"name": "probe", "source": rule}, role="author")
    assert created.status_code == 201, created.text
    # The editor page checks against the same tenant schema.
    token = sign_in_page(t, "author")
    synced = t.client.post("/rules/sync/text", json={"text": rule},
                           headers={"X-CSRF-Token": token}).json()
    assert synced["ok"] and synced["canvas"], synced["markers"]
    assert_problem(other.post("/rule-versions", {"name": "probe", "source": rule},
                              role="author"), 422)
    token = sign_in_page(other, "author")
    assert other.client.post("/rules/sync/text", json={"text": rule},
                             headers={"X-CSRF-Token": token}).json()["markers"]
