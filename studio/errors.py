"""Errors of the studio's own services (rule versions under review)."""

from __future__ import annotations

from kernel.errors import DomainError, NotFound


class StudioError(DomainError):
    """A studio request was refused."""

    code = "studio.refused"


class RuleVersionNotFound(NotFound):
    """No such rule-set version in the tenant."""

    code = "studio.rule_version_not_found"


class BadRolloutShare(DomainError):
    """The gray-release share typed on a page is not a number."""

    code = "studio.bad_rollout_share"
    http_status = 422
    template_en = "The share of keys must be a number from 1 to 100, not {value!r}."
    template_zh = "灰度比例须为 1 到 100 之间的数字，而不是 {value!r}。"
