"""Which product modules a tenant has: the union of the modules its installed packs name.

A module is a part of the product (lots and recall, recipes, bills of materials, contracts …)
whose routes and jobs only make sense for some trades. Packs switch them on in ``pack.toml``
(``modules = ["lots"]``); uninstalling the last pack that names a module switches it off
again, and its documents and ledger rows stay.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from templates_marketplace.errors import ModuleNotInstalled
from templates_marketplace.models import InstalledPack


def enabled_modules(session: Session) -> frozenset[str]:
    """The modules switched on in the session's tenant."""
    rows: list[dict[str, Any] | None] = list(session.scalars(select(InstalledPack.contents)
                           .where(InstalledPack.state == "installed")))
    return frozenset(name for contents in rows for name in (contents or {}).get("modules", ()))


def require_module(session: Session, module: str) -> None:
    """Raise :class:`ModuleNotInstalled` unless ``module`` is switched on in this tenant."""
    if module not in enabled_modules(session):
        raise ModuleNotInstalled(module=module)
