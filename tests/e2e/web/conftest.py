"""A live workbench on 127.0.0.1 and a headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.world import WebWorld, build_web_world

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    if os.environ.get("REDLINE_SKIP_BROWSER") == "1":
        pytest.skip("REDLINE_SKIP_BROWSER=1: browser tests skipped")
    for candidate in (os.environ.get("REDLINE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail(
        "no Chromium: run scripts/ensure-chromium.sh (Debian's chromium package) or set REDLINE_CHROMIUM"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[WebWorld, str]]:
    """The seeded world served by uvicorn on 127.0.0.1 in a thread; yields (world, base URL)."""
    import uvicorn

    world = build_web_world(tmp_path / "ws")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    yield world, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    world.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system (Playwright's own download does not work offline).

    Module-scoped: Playwright's synchronous API holds an event loop in the main thread while it runs,
    which would stop later tests from calling asyncio.run.
    """
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Any:
    """Save a full-page screenshot under test-artifacts/web/ as TESTNAME-LABEL.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, label: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{label}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
