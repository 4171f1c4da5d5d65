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

log = logging.getLogger("jxcflow.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://jxcflow.dev/problems/"

_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    404: ("http.not_found", "No such resource.", "没有这个资源。"),
    405: ("http.method_not_allowed", "This method is not allowed here.", "此处不允许该请求方法。"),
    401: ("auth.not_authenticated", "Sign in or send a valid bearer token.",
          "请登录或提供有效的访问令牌。"),
    403: ("auth.forbidden", "Not allowed.", "无权限。"),
    413: ("http.too_large", "The request is too large.", "请求过大。"),
    415: ("http.unsupported_media_type", "Unsupported content type.", "不支持的内容类型。"),
}


def wants_zh(request: Request) -> bool:
    """True unless the client prefers English (zh-CN is the default)."""
    lang = request.headers.get("accept-language", "zh-CN").strip().lower()
    return not lang.startswith("en")


def _safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def problem(request: Request, status: int, code: str, en: str, zh: str,
            context: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, title: str | None = None) -> JSONResponse:
    """Build a problem response; ``title`` is the kind of problem, ``detail`` this occurrence."""
    body = {
        "type": TYPE_BASE + code, "title": title or code, "status": status,
        "detail": zh if wants_zh(request) else en, "code": code,
        "message": {"zh-CN": zh, "en": en},
        "context": {k: _safe(v) for k, v in (context or {}).items() if k != "reason_zh"},
        "errors": errors or [],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append({"loc": [str(p) for p in err.get("loc", ())], "type": err.get("type"),
                    "msg": err.get("msg")})
    return out


def install(app: FastAPI) -> None:
    """Register the problem handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(request, 422, "request.invalid", f"The request is invalid: {where}",
                       f"请求内容不合法：{where}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, en, zh = _HTTP_MESSAGES.get(exc.status_code,
                                          ("http.error", str(exc.detail), str(exc.detail)))
        return problem(request, exc.status_code, code, en, zh,
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _any(request: Request, exc: Exception) -> JSONResponse:
        code = getattr(exc, "code", None)
        render = getattr(exc, "render", None)
        status = getattr(exc, "http_status", None)
        if isinstance(code, str) and callable(render) and isinstance(status, int):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            summary = (type(exc).__doc__ or code).strip().splitlines()[0]
            return problem(request, status, code, render("en"), render("zh-CN"),
                           getattr(exc, "context", {}), headers=headers, title=summary)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal", "Something went wrong on our side; nothing "
                       "was changed.", "服务器内部错误，本次操作未做任何更改。")
