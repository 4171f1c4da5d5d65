"""The shape every error of ours shares: a stable code, an HTTP status, zh/en templates.

The studio renders any object with ``code``, ``http_status``, ``context`` and
``render(locale)`` as an RFC 9457 problem; layers subclass :class:`DomainError`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Something a user asked for was refused."""

    #: Stable dotted slug, e.g. ``inventory.insufficient_stock``; changes rarely or never.
    code: ClassVar[str] = "error"
    #: HTTP status the API answers with.
    http_status: ClassVar[int] = 400
    #: English message template, formatted with ``context``.
    template_en: ClassVar[str] = "The request was refused."
    #: Chinese message template, formatted with ``context``.
    template_zh: ClassVar[str] = "请求被拒绝。"

    def __init__(self, **context: Any) -> None:
        self.context: dict[str, Any] = context
        super().__init__(self.render("en"))

    def render(self, locale: str = "en") -> str:
        """Return the message in ``zh-CN`` (any ``zh*``) or English."""
        template = self.template_zh if locale.lower().startswith("zh") else self.template_en
        return template.format(**self.context)

    @classmethod
    def all_subclasses(cls) -> list[type[DomainError]]:
        """Every error class below this one (for the catalogue test and docs)."""
        found: list[type[DomainError]] = []
        for sub in cls.__subclasses__():
            found.append(sub)
            found.extend(sub.all_subclasses())
        return found


class NotAuthenticated(DomainError):
    """No valid credentials were given."""

    code = "auth.not_authenticated"
    http_status = 401
    template_en = "Sign in or send a valid bearer token."
    template_zh = "请登录或提供有效的访问令牌。"


class SessionExpired(NotAuthenticated):
    """The sign-in (session token) has expired."""

    code = "auth.session_expired"
    template_en = "Your sign-in has expired; sign in again."
    template_zh = "登录已过期，请重新登录。"


class TokenExpired(NotAuthenticated):
    """The API token has expired."""

    code = "auth.token_expired"
    template_en = "This API token expired at {expires_at}; ask an admin for a new one."
    template_zh = "该 API 令牌已于 {expires_at} 过期，请联系管理员发放新令牌。"


class BadCredentials(NotAuthenticated):
    """Tenant, username or password did not match."""

    code = "auth.bad_credentials"
    template_en = "Tenant, username or password is wrong."
    template_zh = "企业代码、用户名或密码错误。"


class Forbidden(DomainError):
    """The caller is known but lacks the permission."""

    code = "auth.forbidden"
    http_status = 403
    template_en = "Your role does not allow this (needs {permission})."
    template_zh = "当前角色无此权限（需要 {permission}）。"


class NotFound(DomainError, LookupError):
    """The thing does not exist in the caller's tenant."""

    code = "not_found"
    http_status = 404
    template_en = "{kind} {key} was not found."
    template_zh = "未找到{kind_zh} {key}。"


class Conflict(DomainError):
    """The thing already exists."""

    code = "conflict.exists"
    http_status = 409
    template_en = "{kind} {key} already exists."
    template_zh = "{kind_zh} {key} 已存在。"


class InvalidInput(DomainError, ValueError):
    """A value failed a business check."""

    code = "invalid_input"
    http_status = 422
    template_en = "{field}: {reason}"
    template_zh = "{field}：{reason_zh}"
