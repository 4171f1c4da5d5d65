"""Request and response models of the governance and lineage API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from studio.schemas import Strict

RuleSetName = Annotated[str, StringConstraints(min_length=1, max_length=80,
                                               strip_whitespace=True, pattern=r"^[\w.\-]+$")]
Comment = Annotated[str, StringConstraints(max_length=2000)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Target = Literal["draft", "sandbox", "shadow", "awaiting_review", "retired"]


class RuleVersionCreate(Strict):
    """Rule text to store as a draft version of a rule set."""

    name: RuleSetName = Field(examples=["deposit"])
    # No max_length here: text over the limit is refused as dsl.limit.too_large (with the
    # size and the limit), like in the editor, not as a generic string_too_long.
    source: str = Field(min_length=1,
                        examples=['rule r "x"\n  when sales_order.confirmed\n  then\n'
                                  '    notify role:sales_manager "new"\nend\n'])


class RuleCheckIn(Strict):
    """Rule text to check against the tenant's schema (nothing is saved), and optionally
    rule tests in TOML to run against it."""

    source: str = Field(min_length=1, examples=['rule r "x"\n  when sales_order.confirmed\n'
                                                '  then\n    notify role:sales_manager "new"\n'
                                                'end\n'])
    tests: str | None = Field(default=None, min_length=1, max_length=200_000)


class Localized(BaseModel):
    """One text in both languages."""

    zh_cn: str = Field(alias="zh-CN")
    en: str


class DiagnosticOut(BaseModel):
    """One problem of the rule text: where, what (code and message) and how to fix it."""

    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    kind: Literal["syntax", "name", "type", "limit", "check"]
    found: str
    expected: list[str]
    message: Localized
    suggestion: Localized


class RuleCheckOut(BaseModel):
    """Whether the text is a valid rule file; every problem if not; test results if asked."""

    ok: bool
    diagnostics: list[DiagnosticOut]
    version_hash: str | None = None
    tests: list[dict[str, Any]] | None = None


class RuleTestsIn(Strict):
    """Rule tests in TOML (see docs/governance.md)."""

    source: str = Field(min_length=1, max_length=200_000)


class TransitionIn(Strict):
    """The state to move to (production is reached by approval)."""

    to: Target
    comment: Comment = ""


class RolloutIn(Strict):
    """Gray release: warehouses, channels and/or a stable-hash share of keys."""

    warehouses: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=200)
    channels: list[Annotated[str, StringConstraints(max_length=80)]] = Field(
        default_factory=list, max_length=200)
    percent: float | None = Field(default=None, gt=0, le=100)


class ApproveIn(Strict):
    """A reviewer's approval; an override reason when divergence is above the limit."""

    comment: Comment = ""
    override_reason: Comment | None = None
    rollout: RolloutIn | None = None


class RejectIn(Strict):
    """A reviewer's rejection with the reason."""

    comment: Reason


class AcknowledgeIn(Strict):
    """Acknowledge one rule conflict (its key from the conflicts list)."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=250)]
    comment: Reason


class RollbackIn(Strict):
    """Why the rule set goes back to its previous production version."""

    reason: Reason


class PolicyIn(Strict):
    """How many distinct reviewers must approve a version of this rule set."""

    approvals_required: Literal[1, 2]


class ReplayIn(Strict):
    """Replay the recorded events of the last ``hours`` (default 72)."""

    hours: int = Field(default=72, ge=1, le=24 * 90)


class TestRunOut(BaseModel):
    """A rule-test run with every case's result."""

    id: int
    version_id: int
    is_passed: bool
    total: int
    failed: int
    results: list[dict[str, Any]]
    actor: str
    ran_at: datetime


class RuleVersionOut(BaseModel):
    """A rule-set version under governance."""

    id: int
    name: str
    version_hash: str
    state: str
    author: str
    created_at: datetime
    state_changed_at: datetime
    shadow_until: datetime | None
    rollout: dict[str, Any] | None
    previous_version_id: int | None
    promoted_at: datetime | None
    override_reason: str | None
    #: The states this version may move to next.
    allowed_next: list[str]
    tests: TestRunOut | None
    source: str


class ReplayOut(BaseModel):
    """A replay job: progress (done of total) and, when done, the divergence report."""

    id: int
    version_id: int
    baseline_version_id: int | None
    window_from: datetime
    window_to: datetime
    status: str
    done: int
    total: int
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None


class AuditOut(BaseModel):
    """One row of the append-only audit log."""

    id: int
    rule_set: str
    version_id: int | None
    act: str
    actor: str
    from_state: str | None
    to_state: str | None
    comment: str
    detail: dict[str, Any]
    created_at: datetime


class PolicyOut(BaseModel):
    """A rule set's review policy."""

    name: str
    approvals_required: int
