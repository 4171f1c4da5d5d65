"""Errors of governance: refused transitions, self-approval, failing tests, divergence,
unacknowledged conflicts. Each names what to do next."""

from __future__ import annotations

from engine.errors import EngineError


class GovernanceError(EngineError):
    """A governance step was refused."""

    code = "governance.error"
    http_status = 409


class VersionNotFound(GovernanceError, LookupError):
    """No rule-set version with this id exists in the caller's tenant."""

    code = "governance.version_not_found"
    http_status = 404
    template_en = "Rule-set version {version_id} was not found."
    template_zh = "未找到规则集版本 {version_id}。"


class InvalidVersionTransition(GovernanceError):
    """The version's state does not allow this step."""

    code = "governance.invalid_transition"
    template_en = ("Version {version_id} is {state}; it cannot go to {target}. "
                   "Allowed next states: {allowed}.")
    template_zh = "版本 {version_id} 当前为 {state}，不能转为 {target}。允许的下一状态：{allowed}。"


class RuleTestsNotPassed(GovernanceError):
    """A version leaves draft only when every rule test passes."""

    code = "governance.rule_tests_not_passed"
    template_en = "Version {version_id} cannot leave draft: {reason}."
    template_zh = "版本 {version_id} 不能离开草稿：{reason_zh}。"


class SelfApproval(GovernanceError):
    """An author never approves their own version."""

    code = "governance.self_approval"
    http_status = 403
    template_en = "{reviewer} wrote version {version_id} and cannot approve it."
    template_zh = "{reviewer} 是版本 {version_id} 的作者，不能审批自己的版本。"


class AlreadyReviewed(GovernanceError):
    """One reviewer counts once."""

    code = "governance.already_reviewed"
    template_en = "{reviewer} has already approved version {version_id}."
    template_zh = "{reviewer} 已审批过版本 {version_id}。"


class DivergenceTooHigh(GovernanceError):
    """Shadow divergence above the limit needs a reviewer's written override."""

    code = "governance.divergence_too_high"
    template_en = ("Version {version_id} diverges {divergence} from production (limit "
                   "{limit}); approve with an override reason to promote it.")
    template_zh = ("版本 {version_id} 与生产版本差异 {divergence}（上限 {limit}），"
                   "需审批人填写覆盖理由。")


class NoShadowEvidence(GovernanceError):
    """A version is reviewed only after its live shadow covered its whole window on the
    tenant's clock (72 h by default), or a finished replay covered that many hours."""

    code = "governance.no_shadow_evidence"
    template_en = "Version {version_id} cannot go to review yet: {reason}."
    template_zh = "版本 {version_id} 尚不能提交评审：{reason_zh}。"


class ConflictsNotAcknowledged(GovernanceError):
    """Rules that can fire on the same event and write the same target must be acknowledged."""

    code = "governance.conflicts_not_acknowledged"
    template_en = "Version {version_id} has {count} unacknowledged rule conflict(s): {keys}."
    template_zh = "版本 {version_id} 有 {count} 个未确认的规则冲突：{keys}。"


class NoPreviousVersion(GovernanceError):
    """Rollback needs a production version that was replaced."""

    code = "governance.no_previous_version"
    template_en = "Rule set {name} has no earlier production version to roll back to."
    template_zh = "规则集 {name} 没有可回滚的上一生产版本。"


class RuleSetNotFound(GovernanceError, LookupError):
    """No rule set with this name exists in the caller's tenant."""

    code = "governance.rule_set_not_found"
    http_status = 404
    template_en = "Rule set {name} was not found."
    template_zh = "未找到规则集 {name}。"


class ReplayNotFound(GovernanceError, LookupError):
    """No replay job with this id exists in the caller's tenant."""

    code = "governance.replay_not_found"
    http_status = 404
    template_en = "Replay job {job_id} was not found."
    template_zh = "未找到回放任务 {job_id}。"


class ConflictNotFound(GovernanceError, LookupError):
    """The version has no rule conflict with this key."""

    code = "governance.conflict_not_found"
    http_status = 404
    template_en = "Version {version_id} has no conflict {key}."
    template_zh = "版本 {version_id} 没有冲突 {key}。"


class BadRuleTests(GovernanceError, ValueError):
    """The rule-test file is not valid TOML of the expected shape."""

    code = "governance.bad_rule_tests"
    http_status = 422
    template_en = "Rule tests: {reason}"
    template_zh = "规则测试文件有误：{reason}"


class BadRollout(GovernanceError, ValueError):
    """A gray release names no audience or a percentage outside 1..100."""

    code = "governance.bad_rollout"
    http_status = 422
    template_en = "Rollout: {reason}"
    template_zh = "灰度发布设置有误：{reason}"


__all__ = ["AlreadyReviewed", "BadRollout", "BadRuleTests", "ConflictNotFound",
           "ConflictsNotAcknowledged", "ReplayNotFound", "RuleSetNotFound",
           "DivergenceTooHigh", "GovernanceError", "InvalidVersionTransition",
           "NoPreviousVersion", "NoShadowEvidence", "RuleTestsNotPassed", "SelfApproval",
           "VersionNotFound"]


class EmitCycle(GovernanceError):
    """Rules that emit each other's events would run in a loop (across rule sets too)."""

    code = "governance.emit_cycle"
    http_status = 422
    template_en = ("These rules emit each other's events in a loop: {cycle}. Break the "
                   "chain (drop one emit event or change a trigger).")
    template_zh = ("这些规则互相发出对方的事件，形成循环：{cycle}。"
                   "请断开其中一环（删除一个发出事件或改变触发事件）。")
