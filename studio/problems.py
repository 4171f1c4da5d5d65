"""One handler renders every error as ``application/problem+json`` in zh-CN and English.

It relies on the shape (``code``, ``http_status``, ``context``, ``render(locale)``), not on
a base class, so errors of ``dsl`` (which imports nothing of ours) render the same way.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from studio.diagnostics import diagnostics_of
from studio.reasons import reason_words
from studio.validation import summary, translate

log = logging.getLogger("jxcflow.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://jxcflow.dev/problems/"

#: status -> (code, English sentence, Chinese sentence); the sentence is also the title.
_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    404: ("http.not_found", "No such resource.", "没有这个资源。"),
    405: ("http.method_not_allowed", "This method is not allowed here.", "此处不允许该请求方法。"),
    401: ("auth.not_authenticated", "Sign in or send a valid bearer token.",
          "请登录或提供有效的访问令牌。"),
    403: ("auth.forbidden", "Not allowed.", "无权限。"),
    400: ("http.bad_request", "The request could not be read (a body that is not valid UTF-8 "
          "or a malformed form).", "无法读取请求内容（不是有效的 UTF-8 或表单格式错误）。"),
    413: ("http.too_large", "The request is too large.", "请求过大。"),
    415: ("http.unsupported_media_type", "Unsupported content type.", "不支持的内容类型。"),
}


def wants_zh(request: Request) -> bool:
    """True unless the client prefers English over Chinese (zh-CN is the default).

    Reads ``Accept-Language`` with its quality values (``en;q=0.1, zh-CN;q=0.9`` → zh).
    """
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().lower().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.split("-")[0]
        if language in {"zh", "en"} and quality > 0:
            candidate = (quality, -position, language)
            best = candidate if best is None or candidate > best else best
    return best is None or best[2] == "zh"


def _safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def problem(request: Request, status: int, code: str, en: str, zh: str,
            context: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, title: str | None = None,
            extra: dict[str, Any] | None = None) -> JSONResponse:
    """Build a problem response; ``title`` is the kind of problem (a sentence), ``detail``
    this occurrence in the caller's language; ``extra`` adds members (``diagnostics``)."""
    body = {
        "type": TYPE_BASE + code, "title": title or (zh if wants_zh(request) else en),
        "status": status, "detail": zh if wants_zh(request) else en, "code": code,
        "message": {"zh-CN": zh, "en": en},
        "context": {k: _safe(v) for k, v in (context or {}).items()
                    if k not in ("reason_zh", "listing", "listing_zh")},
        "errors": errors or [],
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_messages(exc: Exception, render: Any) -> tuple[str, str]:
    """English and Chinese text of a domain error, a refusal's reason slug in words."""
    context = getattr(exc, "context", None)
    template_en = getattr(type(exc), "template_en", None)
    template_zh = getattr(type(exc), "template_zh", None)
    if isinstance(context, dict) and isinstance(template_en, str) and \
            isinstance(template_zh, str):
        words = reason_words(str(getattr(exc, "code", "")), context.get("reason"),
                             context.get("reason_zh"))
        if words is not None:
            worded = {**context, "reason": words[0], "reason_zh": words[1]}
            try:
                return template_en.format(**worded), template_zh.format(**worded)
            except (KeyError, IndexError, ValueError):
                pass
    return str(render("en")), str(render("zh-CN"))


def install(app: FastAPI, domain_error_types: tuple[type[Exception], ...] = ()) -> None:
    """Register the problem handlers on ``app``.

    ``domain_error_types`` are the root error classes of the layers (each has ``code``,
    ``http_status``, ``context`` and ``render``).
    """

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [translate(e) for e in exc.errors()]
        en, zh = summary(errors)
        title = "请求内容不合法。" if wants_zh(request) else "The request is not valid."
        return problem(request, 422, "request.invalid", en, zh, errors=errors, title=title)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, en, zh = _HTTP_MESSAGES.get(
            exc.status_code, ("http.error", f"The request was refused (HTTP {exc.status_code}).",
                              f"请求被拒绝（HTTP {exc.status_code}）。"))
        return problem(request, exc.status_code, code, en, zh,
                       headers=getattr(exc, "headers", None))

    async def _domain(request: Request, exc: Exception) -> JSONResponse:
        code = getattr(exc, "code", None)
        render = getattr(exc, "render", None)
        status = getattr(exc, "http_status", None)
        if isinstance(code, str) and callable(render) and isinstance(status, int):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            title = (type(exc).__doc__ or code).strip().splitlines()[0].replace("``", "`")
            en, zh = _domain_messages(exc, render)
            found = diagnostics_of(exc)
            return problem(request, status, code, en, zh, getattr(exc, "context", {}),
                           headers=headers, title=title,
                           extra={"diagnostics": found} if found is not None else None)
        log.error("unhandled error on %s %s", request.method, request.url.path,
                  exc_info=exc)
        return problem(request, 500, "internal", "Something went wrong on our side; nothing "
                       "was changed.", "服务器内部错误，本次操作未做任何更改。")

    # Errors of ours are answered by the exception middleware (not re-raised); only a
    # genuine bug reaches the catch-all, which logs it once and answers 500.
    for error_type in domain_error_types:
        app.add_exception_handler(error_type, _domain)
    app.add_exception_handler(Exception, _domain)
