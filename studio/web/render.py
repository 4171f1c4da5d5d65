"""Rendering pages: one Jinja environment, the locale's gettext, the role-aware menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from kernel.security import Permission, Principal
from studio.web.i18n import normalise, translations
from studio.web.session import csrf_token

_env = Environment(loader=PackageLoader("studio", "templates"),
                   autoescape=select_autoescape(["html"]), auto_reload=False)


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One entry of the top menu, shown only with its permission."""

    href: str
    label: str
    permission: Permission


#: The menu; labels are message ids, translated when rendered.
MENU = (
    MenuItem("/", "Dashboard", Permission.STOCK_READ),
    MenuItem("/stock/items", "Items", Permission.STOCK_READ),
    MenuItem("/stock/balances", "Balances", Permission.STOCK_READ),
    MenuItem("/stock/ledger", "Ledger", Permission.STOCK_READ),
    MenuItem("/documents", "Documents", Permission.STOCK_READ),
    MenuItem("/rules", "Rules", Permission.STOCK_READ),
    MenuItem("/rules?state=awaiting_review", "Review queue", Permission.RULES_REVIEW),
    MenuItem("/inbox", "Inbox", Permission.STOCK_READ),
    MenuItem("/packs", "Packs", Permission.STOCK_READ),
    MenuItem("/connectors", "Connectors", Permission.ADMIN),
    MenuItem("/health", "Data health", Permission.STOCK_READ),
)


def locale_of(request: Request) -> str:
    """The page locale: the session's choice, zh-CN by default."""
    value = request.session.get("locale")
    return normalise(value if isinstance(value, str) else None)


def render(request: Request, template: str, principal: Principal | None = None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` in the caller's locale with the menu their role allows."""
    locale = locale_of(request)
    tr = translations(locale)
    menu = [m for m in MENU if principal and m.permission in principal.permissions]
    html = _env.get_template(template).render(
        _=tr.gettext, locale=locale, html_lang="en" if locale == "en" else "zh-CN",
        principal=principal, menu=menu, path=request.url.path, csrf=csrf_token(request),
        role=principal.role.value if principal and principal.role else "",
        can=lambda p: bool(principal and Permission(p) in principal.permissions),
        **context)
    return HTMLResponse(html, status_code=status_code)


def gettext_for(request: Request) -> Any:
    """The gettext function of the caller's locale (for messages built in Python)."""
    return translations(locale_of(request)).gettext
