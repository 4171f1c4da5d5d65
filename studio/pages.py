"""Pages for people. For now a plain home page; the studio grows here."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_HOME = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>jxcflow</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;line-height:1.6}
code{background:#f3f3f3;padding:.1rem .3rem}</style></head>
<body><h1>jxcflow 进销存规则平台</h1>
<p>服务已启动。JSON API 位于 <a href="/api/v1">/api/v1</a>，接口文档见
<a href="/docs">/docs</a>。</p>
<p lang="en">The service is running. The JSON API lives under <code>/api/v1</code>;
the interactive API documentation is at <a href="/docs">/docs</a>.</p>
<p>登录 / Sign in: <code>POST /api/v1/auth/token</code> with
<code>tenant=demo</code>, <code>username</code>, <code>password</code>.</p>
</body></html>"""


@router.get("/", response_class=HTMLResponse)
def home() -> str:
    """The home page."""
    return _HOME


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}
