"""Installable industry packs: the pack format, signatures, the catalogue and the installer.

    >>> from templates_marketplace import build, load, verify
    >>> pack, data = build(Path("my-pack"), private_key)
    >>> verify(load(data), trusted_keys)
"""

from __future__ import annotations

from templates_marketplace.archive import SUFFIX, build, load, pack_bytes, read_archive
from templates_marketplace.catalogue import builtin, builtin_packs
from templates_marketplace.errors import (
    PackArchiveUnsafe,
    PackError,
    PackInvalid,
    PackNotFound,
    PackTampered,
    PackUnknownPublisher,
    PackUnsigned,
    PartProblem,
)
from templates_marketplace.manifest import Manifest
from templates_marketplace.pack import Pack, read_folder, validate
from templates_marketplace.signing import (
    PublisherKey,
    key_id,
    new_private_key,
    public_key_of,
    sign,
    verify,
)

__all__ = [
    "SUFFIX", "Manifest", "Pack", "PackArchiveUnsafe", "PackError", "PackInvalid",
    "PackNotFound", "PackTampered", "PackUnknownPublisher", "PackUnsigned", "PartProblem",
    "PublisherKey", "build", "builtin", "builtin_packs", "key_id", "load", "new_private_key",
    "pack_bytes", "public_key_of", "read_archive", "read_folder", "sign", "validate", "verify",
]
