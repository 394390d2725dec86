"""`redline user password`, `redline user token` and `redline serve` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REDLINE = [sys.executable, "-m", "redline.cli.main"]


def redline(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "USER": "tester"}
    return subprocess.run(
        [*REDLINE, *args], capture_output=True, text=True, cwd=cwd, env=env, input=stdin, timeout=120
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    assert redline("init", "WS", cwd=tmp_path).returncode == 0
    folder = tmp_path / "WS"
    res = redline("user", "add", "ada", "--role", "admin", cwd=folder)
    assert res.returncode == 0, res.stderr
    return folder


@pytest.mark.slow  # a minute of subprocess CLI calls: run by make test, not make test-fast
def test_password_and_tokens_from_the_command_line(ws: Path) -> None:
    short = redline("user", "password", "ada", "--stdin", "--as", "ada", cwd=ws, stdin="short\n")
    assert short.returncode == 2 and "at least 10" in short.stderr
    ok = redline("user", "password", "ada", "--stdin", "--as", "ada", cwd=ws, stdin="a long enough secret\n")
    assert ok.returncode == 0, ok.stderr
    made = redline("user", "token", "create", "ada", "--label", "nightly CI", "--as", "ada", cwd=ws)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("rl_") and "not shown again" in made.stderr
    listed = redline("user", "token", "list", "ada", "--as", "ada", "--json", cwd=ws)
    (record,) = json.loads(listed.stdout)
    assert record["label"] == "nightly CI" and token not in listed.stdout
    gone = redline("user", "token", "revoke", record["id"], "--as", "ada", cwd=ws)
    assert gone.returncode == 0, gone.stderr


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_on_localhost(ws: Path) -> None:
    port = _port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ws), "USER": "tester"}
    proc = subprocess.Popen(
        [*REDLINE, "serve", "--port", str(port)],
        cwd=ws,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as resp:
                    body = resp.read().decode()
                    assert resp.status == 200 and "Sign in" in body
                    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=2) as resp:
            assert resp.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert os.path.exists(ws / ".redline" / "web-secret")
