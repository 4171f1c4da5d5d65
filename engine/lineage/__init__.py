"""Lineage: from any ledger row back to its business event, and from any event forward to
everything it caused; JSON export and a PDF audit report (issue #8)."""

from __future__ import annotations
