"""The studio's pages for people: Jinja2 + htmx, signed session cookie, zh-CN / English."""

from __future__ import annotations

import inspect
from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from kernel.settings import Settings
from studio.web import (
    pages_connectors,
    pages_core,
    pages_documents,
    pages_governance,
    pages_packs,
    pages_health,
    pages_rules,
    pages_stock,
    pages_trace,
)
from studio.web.render import gettext_for, locale_of, render
from studio.web.session import COOKIE, CsrfRefused, LoginRequired

router = APIRouter(include_in_schema=False)
for module in (pages_core, pages_stock, pages_documents, pages_rules, pages_governance,
               pages_trace, pages_packs, pages_connectors, pages_health):
    router.include_router(module.router)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their static files and the signed session cookie to ``app``."""
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key.get_secret_value(),
                       session_cookie=COOKIE, max_age=settings.token_ttl_seconds,
                       same_site="lax", https_only=False)
    static = resources.files("studio") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    def _login(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    _pages_show_errors_as_html(app)

    @app.exception_handler(CsrfRefused)
    def _csrf(request: Request, exc: CsrfRefused) -> Response:
        _ = gettext_for(request)
        return HTMLResponse(f"<p>{_('The form expired; reload the page and try again.')}</p>",
                            status_code=403)


def _pages_show_errors_as_html(app: FastAPI) -> None:
    """A refused page request (unknown row, missing permission) answers with a page.

    The API keeps its problem+json: the existing handlers stay in charge of /api paths.
    """
    for error_type, handler in list(app.exception_handlers.items()):
        # Only the layers' error roots: they carry an HTTP status and zh/en messages.
        if not (isinstance(error_type, type) and hasattr(error_type, "http_status")):
            continue

        async def _page_or_problem(request: Request, exc: Exception,
                                   _api: Any = handler) -> Response:
            status = getattr(exc, "http_status", None)
            render_message = getattr(exc, "render", None)
            if (request.url.path.startswith("/api/") or not isinstance(status, int)
                    or not callable(render_message)):
                answer = _api(request, exc)
                if inspect.isawaitable(answer):
                    answer = await answer
                return answer  # type: ignore[no-any-return]
            return render(request, "error.html", None, status_code=status,
                          message=render_message(locale_of(request)), status=status)

        app.exception_handlers[error_type] = _page_or_problem


__all__ = ["install", "router"]
