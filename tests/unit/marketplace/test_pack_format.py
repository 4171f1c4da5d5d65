"""The pack format: deterministic archives, Ed25519 signatures, and errors per broken part."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from templates_marketplace import (
    PackArchiveUnsafe,
    PackInvalid,
    PackTampered,
    PackUnknownPublisher,
    PackUnsigned,
    PublisherKey,
    build,
    builtin_packs,
    load,
    new_private_key,
    pack_bytes,
    public_key_of,
    read_archive,
)
from templates_marketplace.catalogue import BUILTIN_DIR


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped standard pack to break."""
    target = tmp_path / "standard"
    shutil.copytree(BUILTIN_DIR / "standard", target)
    return target


@pytest.fixture
def key() -> bytes:
    return new_private_key()


def trusted(key: bytes) -> list[PublisherKey]:
    return [PublisherKey("jxcflow test publisher", public_key_of(key))]


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The archive with some files replaced (bytes) or removed (None) — a re-packed edit."""
    files = read_archive(data)
    for path, content in change.items():
        if content is None:
            files.pop(path)
        else:
            files[path] = content
    return pack_bytes(files)


def test_building_twice_gives_identical_bytes(folder: Path, key: bytes) -> None:
    _, first = build(folder, key)
    _, second = build(folder, key)
    _, unsigned = build(folder)
    assert first == second
    assert load(unsigned).digest == load(first).digest  # the signature is not content


def test_a_signed_pack_verifies_against_the_trusted_key(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    pack, data = build(folder, key)
    signer = verify(load(data), trusted(key))
    assert signer.public_key == public_key_of(key)
    assert pack.manifest.id == "jxc.standard"


def test_one_changed_byte_in_a_file_is_refused_naming_the_file(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder, key)
    original = read_archive(data)["rules/unshipped_48h.rule"]
    tampered = original.replace(b"48h", b"49h", 1)
    assert tampered != original and len(tampered) == len(original)
    with pytest.raises(PackTampered) as caught:
        verify(load(rezip(data, {"rules/unshipped_48h.rule": tampered})), trusted(key))
    assert "rules/unshipped_48h.rule" in caught.value.render("en")
    assert "已修改" in caught.value.render("zh-CN")


def test_one_flipped_byte_in_any_stored_file_is_refused(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder, key)
    entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    for info in entries:
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        broken = bytearray(data)
        broken[start + info.compress_size // 2] ^= 0x01
        with pytest.raises((PackTampered, PackArchiveUnsafe, PackInvalid)):
            verify(load(bytes(broken)), trusted(key))
    assert len(entries) >= 6


def test_added_and_removed_files_are_refused(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder, key)
    with pytest.raises(PackTampered, match="added: demo/extra.toml"):
        verify(load(rezip(data, {"demo/extra.toml": b"x = 1\n"})), trusted(key))
    with pytest.raises(PackTampered, match="removed: tiles.toml"):
        verify(load(rezip(data, {"tiles.toml": None})), trusted(key))


def test_a_pack_signed_by_an_unknown_key_is_refused(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder, key)
    with pytest.raises(PackUnknownPublisher):
        verify(load(data), trusted(new_private_key()))


def test_an_unsigned_pack_is_refused(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder)
    with pytest.raises(PackUnsigned):
        verify(load(data), trusted(key))


def test_a_signature_moved_to_another_version_is_refused(folder: Path, key: bytes) -> None:
    from templates_marketplace import verify

    _, data = build(folder, key)
    files = read_archive(data)
    signature = files["SIGNATURE.json"]
    manifest = (folder / "pack.toml").read_text().replace('"1.0.0"', '"1.0.1"')
    (folder / "pack.toml").write_text(manifest)
    _, newer = build(folder)
    moved = rezip(newer, {"SIGNATURE.json": signature})
    with pytest.raises(PackTampered):
        verify(load(moved), trusted(key))


def test_every_broken_part_is_listed_at_once(folder: Path) -> None:
    (folder / "pack.toml").write_text(
        (folder / "pack.toml").read_text().replace('"1.0.0"', '"one"'))
    (folder / "rules" / "unshipped_48h.rule").write_text(
        "rule r \"x\"\n  when sales_order.confirmed\n  if order.deposit_amont > 0\n"
        "  then\n    alert role:sales_manager \"x\"\nend\n")
    (folder / "notes.bin").write_bytes(b"\x00")
    (folder / "tests" / "ghost.toml").write_text('[[test]]\nname = "t"\nevent = "x"\n')
    (folder / "tests" / "deposit_hold.toml").write_text('[[test]]\nname = "t"\n')
    with pytest.raises(PackInvalid) as caught:
        build(folder)
    parts = {p.part.split(" ")[0].split(":")[0] for p in caught.value.problems}
    assert parts == {"pack.toml", "rules/unshipped_48h.rule", "notes.bin", "tests/ghost.toml",
                     "tests/deposit_hold.toml"}
    rule_problem = next(p for p in caught.value.problems if p.part.startswith("rules/"))
    assert rule_problem.part == "rules/unshipped_48h.rule:3:6"
    assert "deposit_amount" in rule_problem.message_en
    assert caught.value.render("zh-CN").startswith("模板包 jxc.standard 有 5 处错误")


def test_a_connector_template_must_not_carry_a_secret(folder: Path) -> None:
    (folder / "connectors").mkdir()
    (folder / "connectors" / "shop.toml").write_text(
        'kind = "webhook_in"\nname = {zh = "网店", en = "Shop"}\n'
        'event_type = "sales_order.confirmed"\noptions = {secret = "whsec_abc"}\n')
    with pytest.raises(PackInvalid, match="must not carry secrets"):
        build(folder)


@pytest.mark.parametrize("name", ["../evil.rule", "/etc/passwd", "rules/../../x", "C:/x"])
def test_unsafe_paths_are_refused_before_anything_is_read(name: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("pack.toml", b"id = 'x'")
        archive.writestr(name, b"x")
    with pytest.raises(PackArchiveUnsafe):
        read_archive(out.getvalue())


def test_a_zip_bomb_is_refused_by_its_declared_size() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo/big.toml", b"0" * (21 * 1024 * 1024))
    with pytest.raises(PackArchiveUnsafe, match="20 MB"):
        read_archive(out.getvalue())


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(PackArchiveUnsafe, match="not a zip"):
        read_archive(b"PK\x03\x04 not really")


def test_every_shipped_pack_validates_and_its_tests_name_its_rule_sets() -> None:
    packs = builtin_packs()
    assert packs, "no shipped packs found"
    for pack in packs:
        assert pack.parts.rule_sets, pack.manifest.id
        assert set(pack.parts.tests) <= set(pack.parts.rule_sets)
        assert pack.manifest.supports_product()
