"""Governance of rule-set versions: lifecycle, rule tests, review, shadow and replay,
divergence, gray release, rule passports and conflict detection (issue #8)."""

from __future__ import annotations
