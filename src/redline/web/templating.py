"""Server-rendered pages: the Jinja environment (autoescaped), page and redirect helpers, flash messages."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from redline.core.runs.timeline import build_timeline
from redline.web import security
from redline.web.deps import Ctx
from redline.web.permissions import Action


def _dt(value: datetime | date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value[:16].replace("T", " ")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _path(value: object) -> str:
    return quote(str(value), safe="@")


@cache
def environment() -> Environment:
    """The template environment: every value is HTML-escaped unless a template says otherwise."""
    env = Environment(
        loader=PackageLoader("redline.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dt"] = _dt
    env.filters["path"] = _path
    env.filters["pct"] = lambda v: f"{float(v):.0%}"
    env.globals["A"] = Action
    env.globals["action_timeline"] = build_timeline
    return env


def render(template: str, **data: Any) -> str:
    """Render a template to text."""
    return environment().get_template(template).render(**data)


def page(request: Request, ctx: Ctx | None, template: str, *, code: int = 200, **data: Any) -> HTMLResponse:
    """An HTML page with the layout's context (user, anti-forgery token, permissions, flash message)."""
    raw = request.cookies.get(security.FLASH_COOKIE)
    flash = unquote(raw)[:300] if raw else None
    html = render(template, request=request, ctx=ctx, flash=flash, path=request.url.path, **data)
    response = HTMLResponse(html, status_code=code)
    if raw:
        response.delete_cookie(security.FLASH_COOKIE, path="/")
    return response


def redirect(request: Request, url: str, *, flash: str | None = None) -> RedirectResponse:
    """A 303 redirect after a form post, with an optional one-time message."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        secure = request.url.scheme == "https"
        response.headers.append(
            "set-cookie",
            security.cookie_header(security.FLASH_COOKIE, quote(flash[:300]), secure=secure, max_age=60),
        )
    return response


def safe_next(value: str | None, default: str = "/") -> str:
    """A redirect target from a form: only a path on this site, never another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
