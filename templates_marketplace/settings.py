"""Settings that installed packs brought, as the reports read them.

An install keeps the pack's ``settings.toml`` in ``InstalledPack.contents["settings"]``.
When several installed packs set the same table, the most recently installed one wins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from templates_marketplace.models import InstalledPack


def installed_setting(session: Session, table: str) -> tuple[dict[str, Any], str | None]:
    """The ``[table]`` settings of the tenant's installed packs and the pack id they came
    from; ``({}, None)`` when no installed pack sets it."""
    rows = session.execute(select(InstalledPack.pack_id, InstalledPack.contents)
                           .where(InstalledPack.state == "installed")
                           .order_by(InstalledPack.installed_at.desc(), InstalledPack.id.desc()))
    for pack_id, contents in rows:
        settings = (contents or {}).get("settings") if isinstance(contents, dict) else None
        found = settings.get(table) if isinstance(settings, dict) else None
        if isinstance(found, dict) and found:
            return found, str(pack_id)
    return {}, None
