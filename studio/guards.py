"""Input that no database should see: NUL characters and oversized bodies.

PostgreSQL refuses NUL in text (SQLite stores it), so one request could behave
differently per backend or fail with a 500. This ASGI middleware refuses such requests
up front with a problem, before any route runs, for path, query, headers and body alike.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Largest request body accepted (stock commands are tiny).
MAX_BODY_BYTES = 2 * 1024 * 1024
#: Largest binary upload (``application/octet-stream``, e.g. a ``.jxcpack``). Binary bodies
#: may hold NUL bytes; the route that takes one parses it and never stores it as text.
MAX_FILE_BYTES = 20 * 1024 * 1024
_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")
#: Inbound webhooks read their own bodies with their own rules (JSON only, the connector's
#: size limit, a rejection kept for each refusal: studio.routes.hooks).
_HOOKS = "/api/v1/hooks/"


def _problem(status: int, code: str, en: str, zh: str) -> tuple[int, bytes]:
    body = {"type": f"https://jxcflow.dev/problems/{code}", "title": en, "status": status,
            "detail": zh, "code": code, "message": {"zh-CN": zh, "en": en}, "context": {},
            "errors": []}
    return status, json.dumps(body, ensure_ascii=False).encode()


_NUL = _problem(422, "request.nul_character", "The request contains a NUL character (\\u0000), "
                "which no field accepts.", "请求中含有空字符（\\u0000），任何字段都不接受。")
_TOO_LARGE = _problem(413, "http.too_large", "The request body is larger than 2 MB.",
                      "请求内容超过 2 MB。")
_TOO_LARGE_FILE = _problem(413, "http.too_large", "The uploaded file is larger than 20 MB.",
                           "上传文件超过 20 MB。")


class InputGuard:
    """Refuse NUL characters anywhere in a request, and bodies over :data:`MAX_BODY_BYTES`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if any(m in head for m in (b"\x00", b"%00")) or any(
                b"\x00" in v for _, v in scope.get("headers", ())):
            await _send(send, *_NUL)
            return
        if scope.get("path", "").startswith(_HOOKS):
            await self.app(scope, receive, send)
            return
        is_file = dict(scope.get("headers", ())).get(b"content-type", b"").split(b";")[0] \
            .strip().lower() == b"application/octet-stream"
        limit = MAX_FILE_BYTES if is_file else MAX_BODY_BYTES
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send(send, *(_TOO_LARGE_FILE if is_file else _TOO_LARGE))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if not is_file and any(m in body for m in _NUL_MARKERS):
            await _send(send, *_NUL)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send(send: Send, status: int, body: bytes) -> None:
    headers: list[tuple[bytes, Any]] = [(b"content-type", b"application/problem+json"),
                                        (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
