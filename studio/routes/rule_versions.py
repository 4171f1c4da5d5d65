"""Rule-set versions: list, submit for review, approve (never by their own author)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, Field

from dsl import default_registry
from kernel.security import Permission, Principal
from studio import rule_versions
from studio.deps import ClockDep, DbDep, StockReader, require

router = APIRouter(tags=["rules"])
RulesWriter = Annotated[Principal, Depends(require(Permission.RULES_WRITE))]
RulesReviewer = Annotated[Principal, Depends(require(Permission.RULES_REVIEW))]
VersionId = Annotated[int, Path(ge=1, le=2**62, description="The version's id.")]


class RuleVersionSubmit(BaseModel):
    """Rule text to store as a version and put in the review queue."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[\w.\-]+$")
    source: str = Field(min_length=1, max_length=200_000)


class RuleVersionOut(BaseModel):
    """One rule-set version."""

    id: int
    name: str
    version_hash: str
    state: str
    author: str
    created_at: datetime
    source: str


def _out(v: rule_versions.VersionView) -> dict[str, Any]:
    return {"id": v.id, "name": v.name, "version_hash": v.version_hash, "state": v.state,
            "author": v.author, "created_at": v.created_at, "source": v.source}


@router.get("/rule-versions", response_model=list[RuleVersionOut])
def list_rule_versions(principal: StockReader, db: DbDep,
                       name: Annotated[str | None, Query(max_length=80)] = None,
                       state: Annotated[str | None, Query(max_length=20)] = None
                       ) -> list[dict[str, Any]]:
    """Versions of the tenant's rule sets, by name, newest first."""
    with db.read(principal.tenant_id) as session:
        return [_out(v) for v in rule_versions.list_versions(session, name, state)]


@router.post("/rule-versions", response_model=RuleVersionOut,
             status_code=status.HTTP_201_CREATED)
def submit_rule_version(body: RuleVersionSubmit, principal: RulesWriter, db: DbDep,
                        clock: ClockDep) -> dict[str, Any]:
    """Check rule text, store it as a version and put it in the review queue."""
    with db.write(principal.tenant_id) as session:
        return _out(rule_versions.submit(session, principal, body.name, body.source,
                                         default_registry(), clock.now()))


@router.post("/rule-versions/{version_id}/approve", response_model=RuleVersionOut)
def approve_rule_version(version_id: VersionId, principal: RulesReviewer,
                         db: DbDep) -> dict[str, Any]:
    """Approve a version waiting for review (not your own): it goes into production."""
    with db.write(principal.tenant_id) as session:
        return _out(rule_versions.approve(session, principal, version_id))
