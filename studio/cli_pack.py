"""``jxcflow pack``: make keys, build, verify, list and install industry packs."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import typer

from kernel import accounts
from kernel.clock import SystemClock
from kernel.db import Database, make_engine
from kernel.errors import DomainError
from kernel.settings import get_settings
from templates_marketplace import (
    SUFFIX,
    PackError,
    PublisherKey,
    build,
    builtin_packs,
    key_id,
    load,
    new_private_key,
    public_key_of,
    verify,
)
from templates_marketplace.service import Actor, Marketplace

pack_app = typer.Typer(help="Industry packs: keygen, build, verify, list, install.",
                       no_args_is_help=True)


def _fail(exc: PackError) -> None:
    typer.echo(f"error[{exc.code}]: {exc.render('zh-CN')}\n  {exc.render('en')}", err=True)
    raise typer.Exit(1)


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        typer.echo(f"error: {what} is not a base64 Ed25519 key (32 bytes)", err=True)
        raise typer.Exit(2)
    return raw


@pack_app.command("keygen")
def keygen(out: Path = typer.Option(..., help="Where to write the private key (mode 0600).")
           ) -> None:
    """Make a publisher key pair; print the public key that tenants add to their trust list."""
    if out.exists():
        typer.echo(f"error: {out} exists; refusing to overwrite a key", err=True)
        raise typer.Exit(2)
    private = new_private_key()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(private).decode() + "\n")
    public = public_key_of(private)
    typer.echo(f"key id {key_id(public)}\npublic key {base64.b64encode(public).decode()}")


@pack_app.command("build")
def build_pack(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="The pack folder."),
    key: Path | None = typer.Option(None, help="Private key file to sign with."),
    out: Path | None = typer.Option(None, help=f"Output file (default <id>-<version>{SUFFIX})."),
) -> None:
    """Validate a pack folder and write its ``.jxcpack`` archive (signed with --key)."""
    private = _decode_key(key.read_text(), str(key)) if key else None
    try:
        pack, data = build(folder, private)
    except PackError as exc:
        _fail(exc)
        return
    target = out or Path(f"{pack.manifest.id}-{pack.manifest.version}{SUFFIX}")
    target.write_bytes(data)
    signed = "signed" if private else "UNSIGNED"
    typer.echo(f"{target}  {pack.manifest.id} {pack.manifest.version}  {signed}  "
               f"sha256 {pack.digest}")


@pack_app.command("verify")
def verify_pack(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    trust: list[str] = typer.Option(..., help="A trusted publisher's base64 public key; "
                                    "repeat for several."),
) -> None:
    """Check a ``.jxcpack``: its parts, and that a trusted key signed exactly these files."""
    keys = [PublisherKey(f"key {i + 1}", _decode_key(t, "--trust")) for i, t in enumerate(trust)]
    try:
        pack = load(file.read_bytes())
        signer = verify(pack, keys)
    except PackError as exc:
        _fail(exc)
        return
    typer.echo(f"OK  {pack.manifest.id} {pack.manifest.version}  signed by {signer.key_id}  "
               f"sha256 {pack.digest}")


@pack_app.command("install")
def install_pack(
    pack: str = typer.Argument(..., help=f"A shipped pack id (see `pack list`) or a {SUFFIX} "
                               "file."),
    tenant: str = typer.Option(..., help="Tenant code."),
    allow_untrusted: bool = typer.Option(False, "--allow-untrusted",
                                         help="Install an unsigned or unknown-key pack."),
) -> None:
    """Install a pack into a tenant; its rule sets arrive in sandbox, awaiting review."""
    db = Database(make_engine(get_settings().database_url))
    now = SystemClock().now()
    market = Marketplace(db)
    try:
        with db.read(None) as session:
            tenant_id = accounts.get_tenant(session, tenant).id
        actor = Actor(tenant_id, "cli", is_admin=True)
        pack_id, version = pack, None
        if Path(pack).is_file():
            added = market.add_file(actor, Path(pack).read_bytes(), now).manifest
            pack_id, version = added.id, added.version
        result = market.install(actor, pack_id, version, allow_untrusted, now)
    except DomainError as exc:
        typer.echo(f"error[{exc.code}]: {exc.render('zh-CN')}\n  {exc.render('en')}", err=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    typer.echo(f"installed {result['pack_id']} {result['version']} into {tenant} "
               f"(trust: {result['trust']}); rule sets in sandbox: "
               f"{', '.join(result['rule_sets'])}")


@pack_app.command("list")
def list_packs() -> None:
    """The packs shipped with jxcflow."""
    for pack in builtin_packs():
        m = pack.manifest
        typer.echo(f"{m.id:<22} {m.version:<8} {m.name.zh} / {m.name.en}  "
                   f"({len(pack.parts.rule_sets)} rule sets)")
