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

_db_counter = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a `browser` fixture (headless Chromium) carry the `browser` marker."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


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
