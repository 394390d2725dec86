"""Engine fixtures: a workspace whose store is on each supported database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from redline.config.settings import Settings
from redline.store.session import Store, open_store


@dataclass(frozen=True)
class Env:
    settings: Settings
    store: Store


@pytest.fixture
def env(workspace: Settings, db_url: str) -> Iterator[Env]:
    """Settings and a migrated store on SQLite and on PostgreSQL."""
    settings = workspace.model_copy(update={"database_url": db_url})
    store = open_store(db_url)
    yield Env(settings, store)
    store.dispose()


@pytest.fixture
def sqlite_env(workspace: Settings) -> Iterator[Env]:
    """Settings and the workspace's own SQLite store."""
    store = open_store(workspace.database_url)
    yield Env(workspace, store)
    store.dispose()
