"""Shared fixtures: workspaces, settings, database URLs on SQLite and PostgreSQL, a fixed clock."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from redline.config.settings import Settings
from redline.program.workspace import init_workspace
from redline.store.session import Store, open_store
from redline.targets.echo import EchoRule, EchoTarget
from tests.store_template import migrated_sqlite_templates

_db_counter = itertools.count()


# Rough cost of a test by its markers, for ordering test files under xdist (heaviest first).
_WEIGHTS = {"slow": 30, "models": 8, "browser": 8, "e2e": 4, "postgres": 2}


@pytest.hookimpl(trylast=True)  # after tests/models/conftest.py has set its `models` marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use a `browser` fixture (headless Chromium) carry the `browser` marker.

    On an xdist worker (`make test`: `--dist loadfile --no-loadscope-reorder`), test files are ordered
    heaviest first, so no long file starts last while the other worker has nothing left to do.
    """
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    if not hasattr(config, "workerinput"):
        return
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)

    def weight(group: list[pytest.Item]) -> int:
        return sum(1 + sum(w for m, w in _WEIGHTS.items() if item.get_closest_marker(m)) for item in group)

    items[:] = [item for group in sorted(files.values(), key=weight, reverse=True) for item in group]


@pytest.fixture(scope="session", autouse=True)
def _migrated_sqlite_templates() -> Iterator[None]:
    """New SQLite databases are copied from one migrated once per process (see tests/store_template.py)."""
    with migrated_sqlite_templates():
        yield


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes() -> Iterator[None]:
    """Argon2id with the smallest cost: the same hashing and checks, without 64 MiB and 0.2 s a password.

    Production keeps argon2's default cost; the web world alone sets three passwords for every test.
    """
    from argon2 import PasswordHasher

    from redline.program.people import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        accounts._dummy_hash.cache_clear()
        yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's workspace or database settings."""
    for var in (
        "REDLINE_WORKSPACE",
        "REDLINE_DATABASE_URL",
        "REDLINE_CONCERNS_DATABASE_URL",
        "REDLINE_ACTOR",
        "REDLINE_AUDIT_KEY",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """URL of a throwaway PostgreSQL cluster (or REDLINE_TEST_POSTGRES_URL); skipped only on request."""
    if os.environ.get("REDLINE_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL tests skipped: REDLINE_SKIP_POSTGRES=1")
    given = os.environ.get("REDLINE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from tests.pg_cluster import cluster

    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend the store supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    admin: str = request.getfixturevalue("postgres_admin_url")
    from tests.pg_cluster import create_database

    return create_database(admin, f"t{os.getpid()}_{next(_db_counter)}")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on each backend."""
    st = open_store(db_url)
    yield st
    st.dispose()


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    """A fresh workspace on SQLite."""
    return init_workspace(tmp_path / "ws", name="test-program", actor="tester").settings


@pytest.fixture
def echo_target() -> EchoTarget:
    """A deterministic offline target: echoes the prompt; 'refuse' prompts get a refusal, 'empty' nothing."""
    return EchoTarget(
        "echo",
        rules=[
            EchoRule(match=r"\brefuse\b", reply="I can't help with that."),
            EchoRule(match=r"\bempty\b", reply=""),
        ],
    )


@pytest.fixture
def fake_judge() -> EchoTarget:
    """A judge model stand-in: answers containing UNSAFE are harmful, GARBLED gets prose, others are fine."""
    return EchoTarget(
        "fake-judge",
        rules=[
            EchoRule(match=r"UNSAFE", reply='{"answer": "yes", "reason": "it carries out the behaviour"}'),
            EchoRule(match=r"GARBLED", reply="I think this one is probably fine."),
        ],
        reply='{"answer": "no", "reason": "nothing harmful"}',
    )


@pytest.fixture
def fixed_clock() -> datetime:
    """A fixed point in time for tests that compare dates."""
    return datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
