"""Errors of the studio's own services (rule versions under review)."""

from __future__ import annotations

from kernel.errors import DomainError, NotFound


class StudioError(DomainError):
    """A studio request was refused."""

    code = "studio.refused"


class RuleVersionNotFound(NotFound):
    """No such rule-set version in the tenant."""

    code = "studio.rule_version_not_found"
