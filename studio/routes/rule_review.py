"""Reviewing and releasing rule versions: approve, reject, acknowledge conflicts, widen a
gray release, roll back, and a rule set's review policy (reviewers: rules:review)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from kernel.security import Permission, Principal
from studio.deps import Admin, IdempotencyKey, require
from studio.routes.rule_versions import Gov, VersionId
from studio.schemas_governance import (
    AcknowledgeIn,
    ApproveIn,
    PolicyIn,
    PolicyOut,
    RejectIn,
    RollbackIn,
    RolloutIn,
    RuleSetName,
    RuleVersionOut,
)

router = APIRouter(tags=["governance"])
Reviewer = Annotated[Principal, Depends(require(Permission.RULES_REVIEW))]
Name = Annotated[RuleSetName, Path()]


@router.post("/rule-versions/{version_id}/approve", response_model=RuleVersionOut)
def approve(version_id: VersionId, body: ApproveIn, principal: Reviewer, gov: Gov,
            key: IdempotencyKey = None) -> dict[str, Any]:
    """Approve; the last required approval promotes (the author's own: 403)."""
    rollout = body.rollout.model_dump() if body.rollout else None
    return gov.approve(principal.tenant_id, version_id, principal.actor, body.comment,
                       body.override_reason, rollout, key)


@router.post("/rule-versions/{version_id}/reject", response_model=RuleVersionOut)
def reject(version_id: VersionId, body: RejectIn, principal: Reviewer, gov: Gov,
           key: IdempotencyKey = None) -> dict[str, Any]:
    """Send the version back to draft with the reason."""
    return gov.reject(principal.tenant_id, version_id, principal.actor, body.comment, key)


@router.post("/rule-versions/{version_id}/conflicts/acknowledge")
def acknowledge(version_id: VersionId, body: AcknowledgeIn, principal: Reviewer,
                gov: Gov) -> list[Any]:
    """Acknowledge one rule conflict so promotion may go ahead."""
    return gov.acknowledge(principal.tenant_id, version_id, body.key, principal.actor,
                           body.comment)


@router.post("/rule-versions/{version_id}/rollout", response_model=RuleVersionOut)
def rollout(version_id: VersionId, body: RolloutIn, principal: Reviewer, gov: Gov,
            key: IdempotencyKey = None) -> dict[str, Any]:
    """Change a gray release's share; 100 % (or nothing named) widens it to everyone."""
    spec = body.model_dump()
    everyone = not spec["warehouses"] and not spec["channels"] and spec["percent"] in (
        None, 100)
    return gov.widen(principal.tenant_id, version_id, principal.actor,
                     None if everyone else spec, key)


@router.post("/rule-sets/{name}/rollback", response_model=RuleVersionOut)
def rollback(name: Name, body: RollbackIn, principal: Reviewer, gov: Gov,
             key: IdempotencyKey = None) -> dict[str, Any]:
    """Bring back the production version the newest one replaced (one action)."""
    return gov.rollback(principal.tenant_id, name, principal.actor, body.reason, key)


@router.put("/rule-sets/{name}/policy", response_model=PolicyOut)
def set_policy(name: Name, body: PolicyIn, principal: Admin, gov: Gov) -> dict[str, Any]:
    """Require one or two distinct approvers for versions of this rule set."""
    return gov.set_policy(principal.tenant_id, name, body.approvals_required, principal.actor)
