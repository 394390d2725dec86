"""End-to-end tests run the real CLI (and the demo) as separate processes: they carry the `e2e` marker.

`make test` runs them; `make test-fast` leaves them out except `test_cli.py`, a smoke test of the
command line itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SMOKE = HERE / "test_cli.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ but the CLI smoke file carries the `e2e` marker."""
    for item in items:
        if item.path.is_relative_to(HERE) and item.path != SMOKE:
            item.add_marker(pytest.mark.e2e)
