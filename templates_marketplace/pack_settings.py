"""Settings the tenant's installed packs apply (``settings.toml``), read by section and key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from templates_marketplace.models import InstalledPack


def installed_setting(session: Session, section: str, key: str) -> Any | None:
    """The value of ``[section] key`` in the session tenant's installed packs (the first pack
    by id that sets it), or None when none does."""
    rows = session.scalars(select(InstalledPack).where(InstalledPack.state == "installed")
                           .order_by(InstalledPack.pack_id))
    for row in rows:
        value = ((row.contents or {}).get("settings") or {}).get(section, {}).get(key)
        if value is not None:
            return value
    return None
