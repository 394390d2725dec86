"""Limits at the edge: request bodies counted as they arrive, and who the client is behind a proxy.

`BodyLimitMiddleware` runs before routing, parsing and authentication. A declared Content-Length
over the limit is refused before a byte is read; a body without one (chunked) is counted as it
arrives and refused as soon as it passes the limit, so no route ever buffers more than the limit.
An anonymous request (no session cookie, no Authorization header) to a route that needs an account
is refused before its body is read at all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redline.web.errors import problem, wants_json
from redline.web.permissions import ROUTES, allowed
from redline.web.security import SESSION_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _TooLarge(Exception):
    """Raised from `receive` once a body passes the limit (whatever the app does with it, the
    middleware answers 413)."""


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", []) if k == name]
    return b",".join(values).decode("latin-1") if values else None


def _has_credentials(scope: Scope) -> bool:
    if _header(scope, b"authorization"):
        return True
    cookies = _header(scope, b"cookie") or ""
    return any(part.strip().startswith(f"{SESSION_COOKIE}=") for part in cookies.split(";"))


def _flat(routes: Iterable[Any]) -> Iterator[Any]:
    """Routes in matching order, with included routers opened up (FastAPI nests them unprefixed)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flat(inner.routes)
        else:
            yield route


def _needs_account(app: Any, scope: Scope) -> bool:
    """Whether the route this request goes to refuses people who are not signed in."""
    state = getattr(getattr(app, "state", None), "web", None)
    if state is None:
        return False
    for route in _flat(app.router.routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            action = ROUTES.get(getattr(route, "name", "") or "")
            return action is not None and not allowed(state.table, action, None)
    return False


def _max_body(app: Any) -> int | None:
    state = getattr(getattr(app, "state", None), "web", None)
    return int(state.max_body) if state is not None else None


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = problem(Request(scope), 413, "too_large", "the request is larger than this server accepts")
    response.headers["connection"] = "close"
    await response(scope, receive, send)


async def _login_required(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope)
    response: Response
    if wants_json(request):
        detail = "sign in, or send 'Authorization: Bearer TOKEN'"
        response = problem(request, 401, "login_required", detail, headers={"WWW-Authenticate": "Bearer"})
    else:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    response.headers["connection"] = "close"
    await response(scope, receive, send)


class BodyLimitMiddleware:
    """Refuses bodies over the application's limit (`WebState.max_body`) as they arrive, for every route.

    `max_body` overrides the application's limit (for apps without a `WebState`).
    """

    def __init__(self, app: ASGIApp, *, max_body: int | None = None) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        owner = scope.get("app")
        limit = self.max_body or _max_body(owner)
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await _too_large(scope, receive, send)
            return
        if (
            scope["method"] not in SAFE_METHODS
            and not _has_credentials(scope)
            and _needs_account(owner, scope)
        ):
            await _login_required(scope, receive, send)
            return

        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _TooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a body it could not read is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _too_large(scope, receive, send)


def _networks(values: Iterable[Any]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(str(v), strict=False) for v in values)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


def forwarded_client(peer: str, forwarded_for: str | None, trusted: Iterable[Any]) -> str:
    """The client's address: the peer, unless it is a trusted proxy and sent X-Forwarded-For, then the
    nearest address in that header that is not itself a trusted proxy."""
    networks = _networks(trusted)
    if not forwarded_for or not networks or not _trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([h.strip().strip("[]") for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return client  # garbage from beyond the proxies: the last trustworthy hop answers for it
        client = hop
        if not _trusted(hop, networks):
            return hop
    return client


def client_address(request: Request) -> str:
    """The address of whoever sent the request, honouring X-Forwarded-For from `web.trusted_proxies` only."""
    peer = request.client.host if request.client else "unknown"
    state = getattr(request.app.state, "web", None)
    trusted = state.settings.config.web.trusted_proxies if state is not None else ()
    return forwarded_client(peer, request.headers.get("x-forwarded-for"), trusted)
