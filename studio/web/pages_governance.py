"""Governance pages: a version's lifecycle (rule tests, sandbox, shadow, replay with its
progress bar, request review) and its review (diff against production, passport,
conflicts, divergence chart, approve / reject, gray release, rollback, audit log).

Buttons are shown only to who may press them; every form is CSRF-checked and the server
checks the permission again, then governance checks the rest (states, gates, authorship).
A refusal re-renders the page with the reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.governance.service import GovernanceService
from kernel.errors import DomainError, Forbidden
from kernel.security import Permission, Principal
from studio import rule_versions
from studio.deps import DbDep
from studio.errors import BadRolloutShare
from studio.routes.rule_versions import Gov
from studio.web.divergence_chart import divergence_bars
from studio.web.render import locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal

router = APIRouter(include_in_schema=False)
VersionId = Annotated[int, Path(ge=1, le=2**62)]
JobId = Annotated[int, Path(ge=1, le=2**62)]
Comment = Annotated[str, Form(max_length=2000)]
#: Steps an author takes from the version page, and the label of each button.
AUTHOR_STEPS = {"sandbox": "Move to sandbox", "shadow": "Start shadow",
                "awaiting_review": "Request review", "draft": "Back to draft",
                "retired": "Retire"}
RUNNING = ("queued", "running")


def _need(principal: Principal, *permissions: Permission) -> None:
    if not principal.permissions & set(permissions):
        raise Forbidden(permission=" or ".join(p.value for p in permissions))


def _reader(principal: Principal) -> None:
    """Version pages are for authors and reviewers (as the API's rule-version reads)."""
    _need(principal, Permission.RULES_WRITE, Permission.RULES_REVIEW)


def _starter_tests(source_events: list[str]) -> str:
    """A rule-test skeleton for a version with no run yet: one case per event it listens to."""
    cases = [f'[[test]]\nname = "{event}"\nevent = "{event}"\npayload = {{}}\n'
             f'facts = {{}}\nexpect = []\n' for event in source_events]
    return "\n".join(cases)


def _version_context(principal: Principal, db: DbDep, gov: GovernanceService,
                     version_id: int) -> dict[str, Any]:
    tenant = principal.tenant_id
    v = gov.get(tenant, version_id)
    with db.read(tenant) as session:
        tests_text = rule_versions.last_test_source(session, version_id)
        if tests_text is None:
            tests_text = _starter_tests(rule_versions.events_of(session, version_id))
        replay = rule_versions.latest_replay(session, version_id)
    writer = Permission.RULES_WRITE in principal.permissions
    steps = [(s, AUTHOR_STEPS[s]) for s in v["allowed_next"] if s in AUTHOR_STEPS and writer]
    return {"v": v, "tests_text": tests_text, "replay": replay, "steps": steps,
            "states": rule_versions.STATES, "position": _position(v["state"]),
            "can_test": writer and v["state"] == "draft",
            "can_replay": writer and v["state"] in ("sandbox", "shadow"),
            "can_approve": rule_versions.can_approve(principal, _view(v)),
            "divergence": gov.divergence(tenant, version_id)}


def _position(state: str) -> int:
    return rule_versions.STATES.index(state) if state in rule_versions.STATES else -1


def _view(v: dict[str, Any]) -> rule_versions.VersionView:
    return rule_versions.VersionView(id=v["id"], name=v["name"], version_hash=v["version_hash"],
                                     state=v["state"], author=v["author"],
                                     created_at=v["created_at"], source=v["source"])


@router.get("/rules/versions/{version_id}", response_class=HTMLResponse)
def version_page(request: Request, version_id: VersionId, principal: PagePrincipal,
                 db: DbDep, gov: Gov, error: str | None = None) -> HTMLResponse:
    """A version's lifecycle: the state strip, rule tests, the next steps, replay."""
    _reader(principal)
    return render(request, "version.html", principal, error=error,
                  **_version_context(principal, db, gov, version_id))


def _done_or_refused(request: Request, principal: Principal, db: DbDep, gov: Gov,
                     version_id: int, permission: Permission, act: Callable[[], Any],
                     page: str = "version") -> Response:
    """Run ``act``; go back to the page, or show the page with the refusal (nothing changed)."""
    try:
        _need(principal, permission)
        act()
    except DomainError as exc:
        show = version_page if page == "version" else review_page
        # Shown with 200, as the document pages do: the browser logs no failed load, and
        # the page says what was refused and why.
        return show(request, version_id, principal, db, gov,
                    error=exc.render(locale_of(request)))
    suffix = "" if page == "version" else "/review"
    return RedirectResponse(f"/rules/versions/{version_id}{suffix}", status_code=303)


@router.post("/rules/versions/{version_id}/tests")
def run_tests(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
              gov: Gov, _csrf: CsrfChecked,
              tests: Annotated[str, Form(max_length=200_000)]) -> Response:
    """Run the TOML rule tests against the version; the results show on its page."""
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_WRITE,
                            lambda: gov.test(principal.tenant_id, version_id, tests,
                                             principal.actor, None))


@router.post("/rules/versions/{version_id}/transition")
def transition(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
               gov: Gov, _csrf: CsrfChecked, to: Annotated[str, Form(max_length=20)],
               comment: Comment = "") -> Response:
    """One lifecycle step (sandbox, shadow, awaiting review, back to draft, retired)."""
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_WRITE,
                            lambda: gov.transition(principal.tenant_id, version_id, to,
                                                   principal.actor, comment, None))


@router.post("/rules/versions/{version_id}/replays")
def start_replay(request: Request, version_id: VersionId, principal: PagePrincipal,
                 db: DbDep, gov: Gov, background: BackgroundTasks, _csrf: CsrfChecked,
                 hours: Annotated[int, Form(ge=1, le=24 * 31)] = 72) -> Response:
    """Start a replay of the last ``hours`` of recorded events; the page polls its progress."""
    def act() -> None:
        job = gov.start_replay(principal.tenant_id, version_id, hours, principal.actor, None)
        background.add_task(gov.run_replay, principal.tenant_id, job["id"])
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_WRITE,
                            act)


@router.get("/rules/replays/{job_id}/progress", response_class=HTMLResponse)
def replay_progress(request: Request, job_id: JobId, principal: PagePrincipal,
                    gov: Gov) -> Response:
    """The progress bar of a replay (htmx polls it); when it ends, the page reloads."""
    _reader(principal)
    job = gov.replay_job(principal.tenant_id, job_id)
    if job["status"] not in RUNNING and request.headers.get("HX-Request"):
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, "replay_progress.html", principal, replay=job)


# -- review -------------------------------------------------------------------------------
def _review_context(principal: Principal, db: DbDep, gov: GovernanceService, version_id: int
                    ) -> dict[str, Any]:
    tenant = principal.tenant_id
    v = gov.get(tenant, version_id)
    with db.read(tenant) as session:
        production = rule_versions.production_of(session, version_id)
    diff = gov.diff(tenant, version_id, production.id) if production else None
    divergence = gov.divergence(tenant, version_id)
    reviewer = Permission.RULES_REVIEW in principal.permissions
    audit, _total = gov.audit(tenant, version_id, 0, 500)
    checked = gov.conflict_check(tenant, version_id)
    return {"v": v, "states": rule_versions.STATES, "position": _position(v["state"]),
            "production": production, "diff_lines": _diff_lines(diff),
            "diff": diff, "passport": gov.passport(tenant, version_id),
            "conflicts": checked["conflicts"], "conflict_coverage": checked["coverage"],
            "divergence": divergence,
            "chart": divergence_bars(divergence, gov.limit), "limit": gov.limit,
            "is_above": bool(divergence.get("is_above_limit")) and production is not None,
            "can_approve": rule_versions.can_approve(principal, _view(v)),
            "can_acknowledge": reviewer and v["state"] == "awaiting_review",
            "can_release": reviewer and v["state"] == "production", "audit": audit}


def _diff_lines(diff: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Unified diff lines with their kind (add, del, hunk, file, same) for the page."""
    if not diff:
        return []
    kinds = (("+++", "file"), ("---", "file"), ("@@", "hunk"), ("+", "add"), ("-", "del"))
    lines = []
    for line in diff["text"].splitlines():
        kind = next((k for prefix, k in kinds if line.startswith(prefix)), "same")
        lines.append((kind, line))
    return lines


@router.get("/rules/versions/{version_id}/review", response_class=HTMLResponse)
def review_page(request: Request, version_id: VersionId, principal: PagePrincipal,
                db: DbDep, gov: Gov, error: str | None = None) -> HTMLResponse:
    """What a reviewer needs: diff, passport, conflicts, divergence, and the decision."""
    _reader(principal)
    return render(request, "review.html", principal, error=error,
                  **_review_context(principal, db, gov, version_id))


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _rollout(warehouses: str, channels: str, percent: str
             ) -> dict[str, Any] | None:
    """The gray-release spec of the approve form (None: everyone).

    Raises:
        BadRolloutShare: the share is not a number.
    """
    if not (warehouses.strip() or channels.strip() or percent.strip()):
        return None
    share: float | None = None
    if percent.strip():
        try:
            share = float(Decimal(percent.strip()))
        except InvalidOperation as exc:
            raise BadRolloutShare(value=percent) from exc
    return {"warehouses": _names(warehouses), "channels": _names(channels), "percent": share}


@router.post("/rules/versions/{version_id}/approve")
def approve(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
            gov: Gov, _csrf: CsrfChecked, comment: Comment = "",
            override_reason: Comment = "",
            warehouses: Annotated[str, Form(max_length=500)] = "",
            channels: Annotated[str, Form(max_length=500)] = "",
            percent: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Approve (with an override reason when divergence is above the limit, and an optional
    gray release); the last required approval promotes."""
    def act() -> None:
        rollout = _rollout(warehouses, channels, percent)
        gov.approve(principal.tenant_id, version_id, principal.actor, comment,
                    override_reason.strip() or None, rollout, None)
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_REVIEW,
                            act, page="review")


@router.post("/rules/versions/{version_id}/reject")
def reject(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
           gov: Gov, _csrf: CsrfChecked,
           comment: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    """Send the version back to draft with the reviewer's comment."""
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_REVIEW,
                            lambda: gov.reject(principal.tenant_id, version_id,
                                               principal.actor, comment, None), page="review")


@router.post("/rules/versions/{version_id}/acknowledge")
def acknowledge(request: Request, version_id: VersionId, principal: PagePrincipal,
                db: DbDep, gov: Gov, _csrf: CsrfChecked,
                key: Annotated[str, Form(min_length=1, max_length=300)],
                comment: Comment = "") -> Response:
    """Acknowledge one rule conflict so promotion may go ahead."""
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_REVIEW,
                            lambda: gov.acknowledge(principal.tenant_id, version_id, key,
                                                    principal.actor, comment), page="review")


@router.post("/rules/versions/{version_id}/rollout")
def widen(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
          gov: Gov, _csrf: CsrfChecked,
          percent: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Change a gray release's share; empty or 100 widens it to everyone."""
    def act() -> None:
        spec = _rollout("", "", percent)
        gov.widen(principal.tenant_id, version_id, principal.actor,
                  None if spec is None or spec["percent"] == 100 else spec, None)
    return _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_REVIEW,
                            act, page="review")


@router.post("/rules/versions/{version_id}/rollback")
def rollback(request: Request, version_id: VersionId, principal: PagePrincipal, db: DbDep,
             gov: Gov, _csrf: CsrfChecked,
             reason: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    """Roll the version's rule set back to the production version this one replaced."""
    def act() -> None:
        name = gov.get(principal.tenant_id, version_id)["name"]
        back = gov.rollback(principal.tenant_id, name, principal.actor, reason, None)
        request.state.rolled_back_to = back["id"]
    answer = _done_or_refused(request, principal, db, gov, version_id, Permission.RULES_REVIEW,
                              act, page="review")
    back_to = getattr(request.state, "rolled_back_to", None)
    if back_to is not None:
        return RedirectResponse(f"/rules/versions/{back_to}/review", status_code=303)
    return answer

