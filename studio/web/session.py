"""Signing in to the pages: a signed session cookie, CSRF tokens, the caller of a page.

The cookie (Starlette's ``SessionMiddleware``: signed with the secret key, ``HttpOnly``,
``SameSite=Lax``) holds the bearer token of a server-side session row, the CSRF token and
the locale; logging out revokes the row, so a copied cookie stops working too.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import update

from kernel import accounts
from kernel.errors import NotAuthenticated, SessionExpired
from kernel.models import AccessToken
from kernel.security import Principal, token_digest
from studio.deps import ClockDep, DbDep

COOKIE = "jxcflow_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """The page needs a signed-in user; the app answers with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(Exception):
    """A page request that changes something came without the session's CSRF token."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing page request without the session's CSRF token.

    Raises:
        CsrfRefused: header and form field are both missing or wrong.
    """
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not hmac.compare_digest(expected, sent):
        raise CsrfRefused()


def page_principal(request: Request, db: DbDep, clock: ClockDep) -> Principal:
    """The signed-in user of a page.

    Raises:
        LoginRequired: nobody is signed in, or the session ended.
    """
    token = request.session.get("token")
    if not isinstance(token, str):
        raise LoginRequired(str(request.url.path))
    try:
        with db.read(None) as session:
            return accounts.resolve_token(session, token, clock.now())
    except NotAuthenticated as exc:
        request.session.pop("token", None)
        if isinstance(exc, SessionExpired):  # the login page says so, not just "sign in"
            request.session["expired"] = True
        raise LoginRequired(str(request.url.path)) from exc


PagePrincipal = Annotated[Principal, Depends(page_principal)]
CsrfChecked = Annotated[None, Depends(check_csrf)]


def sign_out(request: Request, db: DbDep, clock: ClockDep) -> None:
    """Revoke the session's token and forget the session."""
    token = request.session.get("token")
    if isinstance(token, str):
        with db.write(None) as session:
            session.execute(update(AccessToken).where(
                AccessToken.token_hash == token_digest(token),
                AccessToken.revoked_at.is_(None)).values(revoked_at=clock.now()))
    locale = request.session.get("locale")
    request.session.clear()
    if isinstance(locale, str):
        request.session["locale"] = locale
