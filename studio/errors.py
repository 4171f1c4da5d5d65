"""Errors of the studio's own services (rule versions under review)."""

from __future__ import annotations

from kernel.errors import DomainError, NotFound


class StudioError(DomainError):
    """A studio request was refused."""

    code = "studio.refused"


class SelfApproval(StudioError):
    """An author tried to approve their own rule-set version."""

    code = "studio.self_approval"
    http_status = 403
    template_en = "You wrote version {version} of {name}; another reviewer must approve it."
    template_zh = "规则集 {name} 的版本 {version} 由你编写，须由其他审核人批准。"


class NotAwaitingReview(StudioError):
    """Only a version waiting for review can be approved."""

    code = "studio.not_awaiting_review"
    http_status = 409
    template_en = "Version {version} of {name} is {state}, not awaiting review."
    template_zh = "规则集 {name} 的版本 {version} 当前为 {state}，不在待审核状态。"


class RuleVersionNotFound(NotFound):
    """No such rule-set version in the tenant."""

    code = "studio.rule_version_not_found"
