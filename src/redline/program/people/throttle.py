"""Throttles for password checks: backoff per account and per client network, in memory only.

A client is its address, or its /64 for IPv6 (one subscriber usually holds a whole /64, so counting
single IPv6 addresses would count nothing). Keys are HMACs under a salt drawn when the throttle is
made, so even the process's memory holds no address and no account name in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redline.core.errors import RedlineError

IPV6_PREFIX = 64


def client_network(address: str) -> str:
    """What counts as one client: an IPv4 address as it is, an IPv6 address by its /64."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address  # not an address (a test client, a Unix socket): counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


class LoginThrottledError(RedlineError):
    """Too many wrong passwords for one account or from one client: wait before the next try."""

    exit_code = 2

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass
class _Count:
    attempts: int
    last: datetime


class LoginThrottle:
    """Exponential backoff per account and per client network for password checks.

    Every attempt counts when it begins (so parallel guesses count too); a success forgets the
    account's count and takes the attempt back from the client's; a failure restarts the wait. Past
    the free attempts, the next one waits `base` seconds after the last, doubling each time up to
    `cap`; a key whose last attempt is older than `window` starts afresh.
    """

    def __init__(
        self,
        *,
        account_free: int = 5,
        client_free: int = 20,
        base: timedelta = timedelta(seconds=2),
        cap: timedelta = timedelta(minutes=15),
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.account_free, self.client_free = account_free, client_free
        self.base, self.cap, self.window = base, cap, window
        self._clock = clock or (lambda: datetime.now(UTC))
        self._salt = secrets.token_bytes(32)
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def _key(self, kind: str, value: str) -> str:
        return hmac.new(self._salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def _keys(self, account: str, client: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (
            (self._key("account", account.strip().lower()), self.account_free),
            (self._key("client", client_network(client)), self.client_free),
        )

    def _wait(self, count: _Count | None, free: int, now: datetime) -> timedelta:
        if count is None or now - count.last >= self.window or count.attempts < free:
            return timedelta(0)
        delay: timedelta = min(self.base * 2 ** (count.attempts - free), self.cap)
        left: timedelta = count.last + delay - now
        return max(timedelta(0), left)

    def begin(self, account: str, client: str) -> None:
        """Count an attempt, or raise LoginThrottledError while the account or client must wait."""
        now = self._clock()
        keys = self._keys(account, client)
        with self._lock:
            wait = max(self._wait(self._counts.get(key), free, now) for key, free in keys)
            if wait > timedelta(0):
                raise LoginThrottledError(
                    "too many wrong passwords; wait before trying again",
                    retry_after_s=max(1, int(-(-wait.total_seconds() // 1))),
                )
            for key, _ in keys:
                count = self._counts.get(key)
                if count is None or now - count.last >= self.window:
                    self._counts[key] = _Count(1, now)
                else:
                    count.attempts, count.last = count.attempts + 1, now
            if len(self._counts) > 10_000:  # bound memory: forget keys whose window has passed
                for stale in [k for k, v in self._counts.items() if now - v.last >= self.window]:
                    del self._counts[stale]

    def failed(self, account: str, client: str) -> None:
        """The password was wrong: the backoff runs from now (the check itself takes a while)."""
        now = self._clock()
        with self._lock:
            for key, _ in self._keys(account, client):
                count = self._counts.get(key)
                if count is not None:
                    count.last = max(count.last, now)

    def succeeded(self, account: str, client: str) -> None:
        """The password was right: forget the account's attempts and take this one back from the client."""
        (account_key, _), (client_key, _) = self._keys(account, client)
        with self._lock:
            self._counts.pop(account_key, None)
            count = self._counts.get(client_key)
            if count is not None:
                count.attempts = max(0, count.attempts - 1)
