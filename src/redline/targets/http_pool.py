"""One pooled aiohttp session per adapter, and the mapping of HTTP outcomes onto `ErrorKind`.

aiohttp was chosen over httpx by measured client CPU per request (benchmarks/http_clients.py; the
figures are in benchmarks/README.md, "HTTP client choice").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from yarl import URL

from redline.core.runs.conversation import ErrorKind


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A complete HTTP answer (any status)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    latency_ms: float
    cookies: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpFailure:
    """No HTTP answer came: the connection failed or the time ran out."""

    kind: ErrorKind
    detail: str
    latency_ms: float
    cause: str = "other"
    """Which transport failure: refused, dns, tls, timeout, dropped, invalid_url or other (for preflights)."""


class HttpPool:
    """A lazily opened aiohttp session bound to the running event loop, with a bounded pool."""

    def __init__(self, *, max_connections: int, timeout_s: float, trust_env: bool = False) -> None:
        self._limit = max_connections
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._timeout_s = timeout_s
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _current(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None and self._loop is loop and not session.closed:
            return session
        if session is not None and not session.closed:
            # The loop it was opened on is gone (a new asyncio.run): its sockets cannot be used here.
            _abandon(session)
        connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=self._trust_env,
            auto_decompress=True,
        )
        self._loop = loop
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str],
        timeout_s: float | None = None,
    ) -> HttpReply | HttpFailure:
        """Make one request; transport failures come back as `HttpFailure`, never raised."""
        session = self._current()
        timeout = self._timeout if timeout_s is None else aiohttp.ClientTimeout(total=timeout_s)
        start = time.perf_counter()
        try:
            async with session.request(method, url, data=body, headers=headers, timeout=timeout) as resp:
                data = await resp.read()
                cookies = {name: morsel.value for name, morsel in resp.cookies.items()}
                return HttpReply(resp.status, resp.headers, data, _ms(start), cookies)
        except TimeoutError:
            limit = self._timeout_s if timeout_s is None else timeout_s
            return HttpFailure(
                ErrorKind.TIMEOUT, f"no answer from {_host(url)} within {limit:g} s", _ms(start), "timeout"
            )
        except aiohttp.ClientConnectorError as exc:
            reason = exc.os_error.strerror or str(exc.os_error) if exc.os_error else str(exc)
            return HttpFailure(
                ErrorKind.CONNECTION,
                f"cannot connect to {exc.host}:{exc.port}: {reason}",
                _ms(start),
                _connect_cause(exc),
            )
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError) as exc:
            return HttpFailure(
                ErrorKind.CONNECTION,
                f"{_host(url)} dropped the connection: {exc or type(exc).__name__}",
                _ms(start),
                "dropped",
            )
        except aiohttp.InvalidURL as exc:
            return HttpFailure(ErrorKind.BAD_REQUEST, f"invalid URL {exc.url}", _ms(start), "invalid_url")
        except aiohttp.ClientError as exc:
            return HttpFailure(ErrorKind.OTHER, f"{type(exc).__name__} from {_host(url)}: {exc}", _ms(start))

    async def aclose(self) -> None:
        """Close the session if it belongs to the running loop; otherwise let it go."""
        session, self._session = self._session, None
        if session is None or session.closed:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            await session.close()
        else:
            _abandon(session)


def _abandon(session: aiohttp.ClientSession) -> None:
    """Drop a session whose event loop has ended."""
    # Its sockets cannot be closed from another loop; they close when collected. Keep one target on one
    # loop (as the engine does) and `aclose` it there.
    session.detach()


def _connect_cause(exc: aiohttp.ClientConnectorError) -> str:
    """Why a connection could not be opened: refused, dns, tls or other."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "tls"
    if isinstance(exc.os_error, ConnectionRefusedError):
        return "refused"
    return "other"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def _host(url: str) -> str:
    parsed = URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)


def status_kind(status: int) -> ErrorKind | None:
    """The error kind an HTTP status means, or None for success."""
    if status < 400:
        return None
    if status == 429:
        return ErrorKind.RATE_LIMIT
    if status == 408:
        return ErrorKind.TIMEOUT
    if status >= 500:
        return ErrorKind.SERVER_ERROR
    return ErrorKind.BAD_REQUEST


def retry_after_s(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked to wait: `retry-after-ms`, else `Retry-After` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


CONTENT_FILTER_CODES = frozenset(
    {"content_filter", "content_policy_violation", "responsibleaipolicyviolation", "content_filtered"}
)


def is_content_filter_error(payload: Any) -> bool:
    """True when an error body says a provider filter refused the request (OpenAI or Azure shapes)."""
    if not isinstance(payload, dict):
        return False
    err = payload.get("error", payload)
    if not isinstance(err, dict):
        return False
    codes = [err.get("code"), err.get("type")]
    inner = err.get("innererror") or err.get("inner_error")
    if isinstance(inner, dict):
        codes.append(inner.get("code"))
    return any(isinstance(c, str) and c.lower() in CONTENT_FILTER_CODES for c in codes)


def error_message(payload: Any, body: bytes) -> str:
    """The human part of an error body, short."""
    if isinstance(payload, dict):
        err = payload.get("error", payload)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:300]
        if isinstance(err, str):
            return err[:300]
    return body[:300].decode("utf-8", "replace")
