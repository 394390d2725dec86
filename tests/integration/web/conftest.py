"""Fixtures for the web workbench: a seeded world and signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.world import WebWorld, build_web_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WebWorld]:
    """A seeded workspace with its app; clients made from it are closed afterwards."""
    built = build_web_world(tmp_path / "ws")
    yield built
    built.close()
