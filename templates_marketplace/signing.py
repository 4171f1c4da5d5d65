"""Ed25519 signatures over a pack's content, and the keys a tenant trusts.

``SIGNATURE.json`` holds the publisher's key id, the sha256 of every file, and an
Ed25519 signature over the canonical JSON of ``{pack, version, files}``. Verifying
recomputes every digest: a changed, added or removed file is reported by name.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from templates_marketplace.errors import (
    PackTampered,
    PackUnknownPublisher,
    PackUnsigned,
)
from templates_marketplace.pack import Pack, file_digests

ALGORITHM = "ed25519"


@dataclass(frozen=True, slots=True)
class PublisherKey:
    """A publisher's public key, as a tenant trusts it."""

    name: str
    public_key: bytes  # 32 raw bytes

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the key's sha256 (shown to people)."""
        return key_id(self.public_key)

    def encoded(self) -> str:
        """The key as base64 text (for files and the API)."""
        return base64.b64encode(self.public_key).decode()


def key_id(public_key: bytes) -> str:
    """The short id of a raw Ed25519 public key."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def new_private_key() -> bytes:
    """A fresh Ed25519 private key as 32 raw bytes (keep it secret)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key of a raw private key."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _payload(pack_id: str, version: str, digests: dict[str, str]) -> bytes:
    body = {"pack": pack_id, "version": version, "files": digests}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(files: dict[str, bytes], pack_id: str, version: str, private_key: bytes) -> bytes:
    """The ``SIGNATURE.json`` content for ``files`` (which must not include it)."""
    digests = file_digests(files)
    secret = Ed25519PrivateKey.from_private_bytes(private_key)
    signature = secret.sign(_payload(pack_id, version, digests))
    document = {
        "algorithm": ALGORITHM, "key_id": key_id(public_key_of(private_key)),
        "pack": pack_id, "version": version, "files": digests,
        "signature": base64.b64encode(signature).decode(),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()


def verify(pack: Pack, trusted: list[PublisherKey]) -> PublisherKey:
    """Check the pack's signature against the trusted keys; return the signer.

    Raises:
        PackUnsigned: no signature.
        PackTampered: the signature or a file digest does not match.
        PackUnknownPublisher: the signing key is not trusted.
    """
    pack_id = pack.manifest.id
    if pack.signature is None:
        raise PackUnsigned(pack=pack_id)
    document = _read_signature(pack_id, pack.signature)
    signer = next((k for k in trusted if k.key_id == document["key_id"]), None)
    if signer is None:
        raise PackUnknownPublisher(pack=pack_id, key_id=document["key_id"])
    _compare(pack_id, document["files"], file_digests(pack.files))
    if (document["pack"], document["version"]) != (pack_id, pack.manifest.version):
        raise PackTampered(pack=pack_id, reason="the signature is for another pack or version",
                           reason_zh="签名属于其他模板包或版本")
    try:
        Ed25519PublicKey.from_public_bytes(signer.public_key).verify(
            base64.b64decode(document["signature"], validate=True),
            _payload(document["pack"], document["version"], document["files"]))
    except (InvalidSignature, ValueError) as exc:
        raise PackTampered(pack=pack_id, reason="the signature does not verify",
                           reason_zh="签名校验失败") from exc
    return signer


def _read_signature(pack_id: str, raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw)
        fields_ok = (document.get("algorithm") == ALGORITHM
                     and isinstance(document.get("files"), dict)
                     and all(isinstance(document.get(k), str)
                             for k in ("key_id", "pack", "version", "signature")))
    except (ValueError, AttributeError):
        fields_ok = False
    if not fields_ok:
        raise PackTampered(pack=pack_id, reason="SIGNATURE.json is malformed",
                           reason_zh="SIGNATURE.json 格式错误")
    return dict(document)


def _compare(pack_id: str, signed: dict[str, str], actual: dict[str, str]) -> None:
    changed = sorted(p for p in signed.keys() & actual.keys() if signed[p] != actual[p])
    added = sorted(actual.keys() - signed.keys())
    removed = sorted(signed.keys() - actual.keys())
    if changed or added or removed:
        detail = {"changed": changed, "added": added, "removed": removed}
        text = "; ".join(f"{k}: {', '.join(v)}" for k, v in detail.items() if v)
        zh = {"changed": "已修改", "added": "新增", "removed": "缺失"}
        text_zh = "；".join(f"{zh[k]}：{', '.join(v)}" for k, v in detail.items() if v)
        raise PackTampered(pack=pack_id, reason=text, reason_zh=text_zh)
