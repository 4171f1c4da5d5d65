"""Sign in, sign out, the language switch and the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inventory import health
from kernel import accounts
from kernel.errors import NotAuthenticated, SessionExpired
from kernel.settings import get_settings
from studio import overview
from studio.deps import ClockDep, DbDep
from studio.web.i18n import normalise
from studio.web.render import gettext_for, locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal, sign_out

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    """Only local paths: a login link must not send the user to another site."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form (saying so when the previous sign-in expired)."""
    expired = request.session.pop("expired", False) is True
    return render(request, "login.html", next_url=_safe_next(next),
                  error=SessionExpired().render(locale_of(request)) if expired else None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DbDep, clock: ClockDep, _csrf: CsrfChecked,
          tenant: Annotated[str, Form(max_length=40)],
          username: Annotated[str, Form(max_length=120)],
          password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    """Check the password and start a session."""
    ttl = timedelta(seconds=get_settings().token_ttl_seconds)
    try:
        with db.write(None) as session:
            token, _row = accounts.issue_session_token(session, tenant, username, password,
                                                       clock.now(), ttl)
    except NotAuthenticated as exc:
        return render(request, "login.html", status_code=401, next_url=_safe_next(next),
                      error=exc.render(locale_of(request)), tenant=tenant, username=username)
    locale = request.session.get("locale")
    request.session.clear()  # a new session id and CSRF token after signing in
    request.session["token"] = token
    if isinstance(locale, str):
        request.session["locale"] = locale
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbDep, clock: ClockDep, _csrf: CsrfChecked) -> Response:
    """End the session."""
    sign_out(request, db, clock)
    return RedirectResponse("/login", status_code=303)


@router.post("/locale")
def switch_locale(request: Request, _csrf: CsrfChecked,
                  locale: Annotated[str, Form(max_length=10)],
                  next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    """Switch the page language (zh-CN or English)."""
    request.session["locale"] = normalise(locale)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, principal: PagePrincipal, db: DbDep,
              clock: ClockDep) -> HTMLResponse:
    """Stock health, alerts and recent events."""
    with db.read(principal.tenant_id) as session:
        expiring, expiring_total = overview.near_expiry(session, clock.now().date())
        alerts = overview.recent_alerts(session)
        events = overview.recent_events(session)
        counts = health.variance_series(session, health.VarianceFilter(
            since=clock.now() - timedelta(days=90), until=clock.now()))["counts"][-5:]
        return render(request, "dashboard.html", principal, expiring=expiring,
                      expiring_total=expiring_total, alerts=alerts, events=events,
                      counts=counts)


@router.get("/dashboard/movements", response_class=HTMLResponse)
def movements(request: Request, principal: PagePrincipal, db: DbDep,
              clock: ClockDep) -> HTMLResponse:
    """The dashboard's movement chart (loaded after the page: it scans 14 days of ledger)."""
    with db.read(principal.tenant_id) as session:
        moves = overview.movements_by_day(session, clock.now())
    _ = gettext_for(request)
    chart = {"days": [m["day"] for m in moves], "in": [m["in"] for m in moves],
             "out": [m["out"] for m in moves], "in_label": _("Received"),
             "out_label": _("Issued")}
    return render(request, "dashboard_movements.html", principal, chart=chart)
