"""`jxcflow pack` end to end: keygen, build, verify, a tampered file, install into a tenant."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from templates_marketplace.catalogue import BUILTIN_DIR

JXCFLOW = str(Path(sys.executable).with_name("jxcflow"))


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JXCFLOW, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "JXCFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_build_verify_and_install_a_signed_pack(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "standard"
    shutil.copytree(BUILTIN_DIR / "standard", folder)
    manifest = folder / "pack.toml"
    manifest.write_text(manifest.read_text().replace('"jxc.standard"', '"acme.standard"'))
    made = run(env, tmp_path, "pack", "keygen", "--out", "publisher.key")
    assert made.returncode == 0, made.stderr
    public = made.stdout.split("public key ")[1].strip()
    assert oct((tmp_path / "publisher.key").stat().st_mode & 0o777) == "0o600"
    assert public not in (tmp_path / "publisher.key").read_text()

    built = run(env, tmp_path, "pack", "build", str(folder), "--key", "publisher.key",
                "--out", "std.jxcpack")
    assert built.returncode == 0 and "signed" in built.stdout, built.stderr
    ok = run(env, tmp_path, "pack", "verify", "std.jxcpack", "--trust", public)
    assert ok.returncode == 0 and ok.stdout.startswith("OK  acme.standard 1.0.0"), ok.stderr

    with zipfile.ZipFile(tmp_path / "std.jxcpack") as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    files["rules/unshipped_48h.rule"] = files["rules/unshipped_48h.rule"].replace(b"48h", b"47h")
    with zipfile.ZipFile(tmp_path / "evil.jxcpack", "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    evil = run(env, tmp_path, "pack", "verify", "evil.jxcpack", "--trust", public)
    assert evil.returncode == 1 and "pack.tampered" in evil.stderr
    assert "rules/unshipped_48h.rule" in evil.stderr

    assert run(env, tmp_path, "migrate").returncode == 0
    assert run(env, tmp_path, "tenant", "create", "acme", "极客玩具").returncode == 0
    unsigned = run(env, tmp_path, "pack", "install", "std.jxcpack", "--tenant", "acme")
    assert unsigned.returncode == 1 and "pack.unknown_publisher" in unsigned.stderr
    shipped = run(env, tmp_path, "pack", "install", "jxc.standard", "--tenant", "acme")
    assert shipped.returncode == 0, shipped.stderr
    assert "rule sets in sandbox: deposit_hold, duplicate_scan, unshipped_48h" in shipped.stdout
    listed = run(env, tmp_path, "pack", "list")
    assert "jxc.standard" in listed.stdout and "新进销存·标准版" in listed.stdout
