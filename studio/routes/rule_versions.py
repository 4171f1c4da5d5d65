"""Rule-set versions under governance: write, test, move through the lifecycle, replay,
inspect (diff, passport, conflicts, divergence, audit). Reviewing is in ``rule_review``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, status

from engine.governance.service import GovernanceService
from engine.schema_store import tenant_registry
from kernel.errors import Forbidden
from kernel.security import Permission, Principal
from studio.deps import CurrentPrincipal, DbDep, IdempotencyKey, PagingDep, require
from studio.diagnostics import require_size
from studio.rule_check import check_text
from studio.schemas import Page
from studio.schemas_governance import (
    AuditOut,
    ReplayIn,
    ReplayOut,
    RuleCheckIn,
    RuleCheckOut,
    RuleTestsIn,
    RuleVersionCreate,
    RuleVersionOut,
    TestRunOut,
    TransitionIn,
)

router = APIRouter(tags=["governance"])
VersionId = Annotated[int, Path(ge=1, le=2**62)]


def governance(request: Request, db: DbDep) -> GovernanceService:
    """The governance service, made once per app (its plan cache is shared)."""
    service: GovernanceService | None = getattr(request.app.state, "governance", None)
    if service is None:
        settings = request.app.state.settings
        service = GovernanceService(
            db, request.app.state.clock,
            limit=Decimal(str(settings.governance_divergence_limit)),
            shadow_hours=settings.governance_shadow_hours)
        request.app.state.governance = service
    return service


def rules_reader(principal: CurrentPrincipal) -> Principal:
    """Authors and reviewers (and admins) read rule versions."""
    if not principal.permissions & {Permission.RULES_WRITE, Permission.RULES_REVIEW}:
        raise Forbidden(permission="rules:write or rules:review")
    return principal


Gov = Annotated[GovernanceService, Depends(governance)]
RulesReader = Annotated[Principal, Depends(rules_reader)]
RulesWriter = Annotated[Principal, Depends(require(Permission.RULES_WRITE))]


@router.post("/rule-versions", response_model=RuleVersionOut,
             status_code=status.HTTP_201_CREATED)
def create_version(body: RuleVersionCreate, principal: RulesWriter, gov: Gov, db: DbDep,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Check rule text against the tenant's schema (the core's events plus its packs') and
    store it as a draft version (the same rules: the same version)."""
    require_size(body.source)
    with db.read(principal.tenant_id) as session:
        registry = tenant_registry(session)
    return gov.create(principal.tenant_id, body.name, body.source, registry,
                      principal.actor, key)


@router.post("/rules/check", response_model=RuleCheckOut, response_model_by_alias=True)
def check_rules(body: RuleCheckIn, principal: RulesWriter, db: DbDep) -> dict[str, Any]:
    """Check rule text (and run its rule tests) against the tenant's schema; nothing is saved."""
    with db.read(principal.tenant_id) as session:
        registry = tenant_registry(session)
    return check_text(body.source, registry, body.tests)


@router.get("/rule-versions", response_model=Page[RuleVersionOut])
def list_versions(principal: RulesReader, gov: Gov, paging: PagingDep,
                  name: Annotated[str | None, Query(max_length=80)] = None) -> Page[Any]:
    """Versions, newest first, optionally of one rule set."""
    items, total = gov.list_versions(principal.tenant_id, name, paging.offset, paging.limit)
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)


@router.get("/rule-versions/{version_id}", response_model=RuleVersionOut)
def get_version(version_id: VersionId, principal: RulesReader, gov: Gov) -> dict[str, Any]:
    """One version with its state, allowed next states and latest test run."""
    return gov.get(principal.tenant_id, version_id)


@router.post("/rule-versions/{version_id}/tests", response_model=TestRunOut)
def run_tests(version_id: VersionId, body: RuleTestsIn, principal: RulesWriter, gov: Gov,
              key: IdempotencyKey = None) -> dict[str, Any]:
    """Run TOML rule tests against the version; the results are kept."""
    return gov.test(principal.tenant_id, version_id, body.source, principal.actor, key)


@router.get("/rule-versions/{version_id}/tests", response_model=list[TestRunOut])
def test_runs(version_id: VersionId, principal: RulesReader, gov: Gov) -> list[Any]:
    """Every rule-test run of the version, newest first."""
    return gov.test_runs(principal.tenant_id, version_id)


@router.post("/rule-versions/{version_id}/transitions", response_model=RuleVersionOut)
def transition(version_id: VersionId, body: TransitionIn, principal: RulesWriter, gov: Gov,
               key: IdempotencyKey = None) -> dict[str, Any]:
    """Move the version one step; a refused step answers 409 with the allowed ones."""
    return gov.transition(principal.tenant_id, version_id, body.to, principal.actor,
                          body.comment, key)


@router.post("/rule-versions/{version_id}/replays", response_model=ReplayOut,
             status_code=status.HTTP_202_ACCEPTED)
def start_replay(version_id: VersionId, body: ReplayIn, principal: RulesWriter, gov: Gov,
                 background: BackgroundTasks, key: IdempotencyKey = None) -> dict[str, Any]:
    """Replay recorded events through production and this version; poll the job."""
    job = gov.start_replay(principal.tenant_id, version_id, body.hours, principal.actor, key)
    background.add_task(gov.run_replay, principal.tenant_id, job["id"])
    return job


@router.get("/replays/{job_id}", response_model=ReplayOut)
def replay_job(job_id: Annotated[int, Path(ge=1, le=2**62)], principal: RulesReader,
               gov: Gov) -> dict[str, Any]:
    """A replay's progress (done of total) and its divergence report when done."""
    return gov.replay_job(principal.tenant_id, job_id)


@router.get("/rule-versions/{version_id}/divergence")
def divergence(version_id: VersionId, principal: RulesReader, gov: Gov) -> dict[str, Any]:
    """Divergence from production per SKU and overall (latest replay, else live shadow)."""
    return gov.divergence(principal.tenant_id, version_id)


@router.get("/rule-versions/{version_id}/diff")
def diff(version_id: VersionId, principal: RulesReader, gov: Gov,
         against: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> dict[str, Any]:
    """Text diff and rules added / removed / changed (default: against the version before)."""
    return gov.diff(principal.tenant_id, version_id, against)


@router.get("/rule-versions/{version_id}/passport")
def passport(version_id: VersionId, principal: RulesReader, gov: Gov) -> dict[str, Any]:
    """What the version reads, writes and touches, its reviews and author (from the IR)."""
    return gov.passport(principal.tenant_id, version_id)


@router.get("/rule-versions/{version_id}/conflicts")
def conflicts(version_id: VersionId, principal: RulesReader, gov: Gov) -> list[Any]:
    """Conflicts with every other rule set in production: prices that rules stack below a
    SKU's cost (with the figures), and rules that write one target on one event."""
    return gov.conflicts(principal.tenant_id, version_id)


@router.get("/rule-versions/{version_id}/conflict-check")
def conflict_check(version_id: VersionId, principal: RulesReader, gov: Gov) -> dict[str, Any]:
    """The conflicts and what the check covered: production versions it ran against, SKUs
    checked (at most a limit), SKUs not checked because they lack a list or cost price."""
    return gov.conflict_check(principal.tenant_id, version_id)


@router.get("/rule-versions/{version_id}/audit", response_model=Page[AuditOut])
def version_audit(version_id: VersionId, principal: RulesReader, gov: Gov,
                  paging: PagingDep) -> Page[Any]:
    """The version's audit log, oldest first."""
    items, total = gov.audit(principal.tenant_id, version_id, paging.offset, paging.limit)
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)


@router.get("/governance/audit", response_model=Page[AuditOut])
def audit(principal: RulesReader, gov: Gov, paging: PagingDep) -> Page[Any]:
    """The tenant's governance audit log, oldest first (append-only)."""
    items, total = gov.audit(principal.tenant_id, None, paging.offset, paging.limit)
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)
