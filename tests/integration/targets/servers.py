"""Real HTTP servers on loopback for adapter tests: the shared OpenAI mock, and small aiohttp apps."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[3]


def mock_openai_path() -> Path:
    """The shared mock: $REDLINE_MOCK_OPENAI, else ../shared/bench/mock_openai.py from the repository root."""
    given = os.environ.get("REDLINE_MOCK_OPENAI")
    candidates = [Path(given)] if given else []
    candidates.append(ROOT.parent / "shared" / "bench" / "mock_openai.py")
    for path in candidates:
        if path.is_file():
            return path
    pytest.skip(
        "OpenAI mock server not found: set REDLINE_MOCK_OPENAI to mock_openai.py "
        f"(looked at {', '.join(str(c) for c in candidates)})"
    )


@contextmanager
def mock_openai(*args: str) -> Iterator[str]:
    """Start the mock on a free loopback port with extra arguments; yield its /v1 base URL."""
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        cmd = [
            sys.executable,
            str(mock_openai_path()),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--quiet",
        ]
        proc = subprocess.Popen([*cmd, *args])
        try:
            deadline = time.monotonic() + 15
            while not port_file.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mock server did not start (exit code {proc.poll()})")
                time.sleep(0.02)
            yield f"http://127.0.0.1:{int(port_file.read_text())}/v1"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@asynccontextmanager
async def app_server(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp app on a free loopback port in the running loop; yield its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
