"""Sign-in backoff per account and per client network, and the cap on concurrent Argon2 checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError
from redline.core.people.users import Role
from redline.program.people import accounts
from redline.program.people.throttle import LoginThrottle, LoginThrottledError, client_network
from redline.program.workspace import open_workspace_store
from redline.store.repos import users
from redline.store.session import Store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SECRET = "a long enough secret"


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    opened = open_workspace_store(workspace)
    with opened.session() as s:
        users.add_user(s, name="tess", roles={Role.TESTER}, actor="test")
        accounts.set_password(s, name="tess", password=SECRET, acting="tess")
    yield opened
    opened.dispose()


def test_client_networks_group_ipv6_by_64_and_keep_ipv4_addresses() -> None:
    assert (
        client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2::ffff") == "2001:db8:1:2::/64"
    )
    assert client_network("2001:db8:1:3::1") != client_network("2001:db8:1:2::1")
    assert client_network("198.51.100.7") == "198.51.100.7"
    assert client_network("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_network("testclient") == "testclient"


def test_backoff_grows_after_the_free_attempts_and_is_forgotten() -> None:
    clock = [NOW]
    throttle = LoginThrottle(account_free=3, client_free=100, clock=lambda: clock[0])
    for _ in range(3):
        throttle.begin("tess", "198.51.100.1")
    with pytest.raises(LoginThrottledError) as first:
        throttle.begin("Tess", "203.0.113.1")  # the account backs off whatever the address or case
    clock[0] += timedelta(seconds=first.value.retry_after_s)
    throttle.begin("tess", "198.51.100.1")
    with pytest.raises(LoginThrottledError) as second:
        throttle.begin("tess", "198.51.100.1")
    assert second.value.retry_after_s > first.value.retry_after_s
    clock[0] += throttle.window
    throttle.begin("tess", "198.51.100.1")
    throttle.succeeded("tess", "198.51.100.1")
    for _ in range(3):
        throttle.begin("tess", "198.51.100.1")
    assert "198.51.100.1" not in repr(throttle.__dict__)


def test_argon2_checks_run_at_most_the_cap_at_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    running, peak, lock = [0], [0], threading.Lock()
    real = accounts._hasher

    class Slow:
        def verify(self, stored: str, password: str) -> Any:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                time.sleep(0.05)
                return real.verify(stored, password)
            finally:
                with lock:
                    running[0] -= 1

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", Slow())

    def attempt(_: int) -> bool:
        try:
            with store.session() as s:
                accounts.sign_in(s, name="tess", password="a wrong password", now=NOW)
        except PermissionDeniedError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert not any(pool.map(attempt, range(12)))
    assert 1 <= peak[0] <= accounts.MAX_CONCURRENT_VERIFY < 12
