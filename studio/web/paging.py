"""Offset paging for page tables."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Where a table page sits in its result: numbers for the pager."""

    offset: int
    total: int
    shown: int
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when empty)."""
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        """1-based number of the last row shown."""
        return self.offset + self.shown

    @property
    def prev(self) -> int | None:
        """Offset of the previous page, if any."""
        return max(0, self.offset - self.size) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        """Offset of the next page, if any."""
        return self.offset + self.size if self.offset + self.shown < self.total else None


def query_base(path: str, **filters: str | None) -> str:
    """``path?filters&`` ready for ``offset=`` to be appended."""
    kept = {k: v for k, v in filters.items() if v}
    return f"{path}?{urlencode(kept)}&" if kept else f"{path}?"
