"""The packs shipped with jxcflow (folders under ``templates_marketplace/packs``).

Shipped packs are part of the product itself, so they are trusted as its code is;
packs added from a file must carry a signature from a key the tenant trusts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from templates_marketplace.errors import PackNotFound
from templates_marketplace.pack import Pack, read_folder, validate

BUILTIN_DIR = Path(__file__).parent / "packs"


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[Pack, ...]:
    """Every shipped pack, validated, ordered so that dependencies come first."""
    packs = {p.manifest.id: p for p in (_load(d) for d in sorted(BUILTIN_DIR.iterdir())
                                         if (d / "pack.toml").is_file())}
    ordered: list[Pack] = []

    def visit(pack: Pack) -> None:
        if pack in ordered:
            return
        for dep in pack.manifest.depends:
            if dep in packs:
                visit(packs[dep])
        ordered.append(pack)

    for pack in packs.values():
        visit(pack)
    return tuple(ordered)


def builtin(pack_id: str) -> Pack:
    """The shipped pack ``pack_id``."""
    for pack in builtin_packs():
        if pack.manifest.id == pack_id:
            return pack
    raise PackNotFound(pack=pack_id)


def _load(folder: Path) -> Pack:
    return validate(read_folder(folder))
