"""Cookies, anti-forgery tokens and security headers: the web workbench's own protections."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redline.store.files import write_private_file

SESSION_COOKIE = "redline_session"
ANON_COOKIE = "redline_anon"
FLASH_COOKIE = "redline_flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_FILE = "web-secret"

# Same-origin everything: no inline script or style, so even markup that slipped through could not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def load_secret(state_dir: Path) -> bytes:
    """The workspace's web secret (created on first start, readable by its owner only)."""
    path = state_dir / SECRET_FILE
    if not path.exists():
        write_private_file(path, secrets.token_hex(32).encode("ascii"))
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def anon_csrf(secret: bytes, anon: str) -> str:
    """The anti-forgery token of a browser that is not signed in, bound to its anonymous cookie."""
    return hmac.new(secret, f"anon:{anon}".encode(), hashlib.sha256).hexdigest()


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of anti-forgery tokens."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, and Secure over https."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _cookies(scope: Scope) -> dict[str, str]:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed Cookie header counts as no cookies
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


class SecurityMiddleware:
    """Adds security headers to every response and gives each browser an anonymous cookie for forms."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        new_anon = None
        if ANON_COOKIE not in cookies:
            new_anon = secrets.token_urlsafe(24)
            scope.setdefault("state", {})["anon"] = new_anon
        else:
            scope.setdefault("state", {})["anon"] = cookies[ANON_COOKIE]
        secure = scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"same-origin",
                    b"cache-control": b"public, max-age=3600" if static else b"no-store",
                }
                headers += [(k, v) for k, v in extra.items() if k not in names]
                if new_anon is not None and not static:
                    headers.append(
                        (b"set-cookie", cookie_header(ANON_COOKIE, new_anon, secure=secure).encode())
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)
