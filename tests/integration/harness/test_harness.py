"""The test harness itself: a crashed worker ends the run with a failure, and no cluster outlives it."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _make_pytest_args() -> list[str]:
    """PYTEST_ARGS as `make test` passes them."""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"PYTEST_ARGS\s*\?=\s*(.*)", line)
        if match:
            return shlex.split(match.group(1))
    raise AssertionError("Makefile sets no PYTEST_ARGS")


def test_a_crashed_worker_ends_the_run_with_a_failure_not_a_hang(tmp_path: Path) -> None:
    for name, body in {
        "test_a.py": "def test_one():\n    pass\n\ndef test_two():\n    pass\n",
        "test_b.py": "import os, signal\n\ndef test_dies():\n    os.kill(os.getpid(), signal.SIGKILL)\n",
        "test_c.py": "def test_three():\n    pass\n",
        "test_d.py": "def test_four():\n    pass\n",
    }.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    args = [a for a in _make_pytest_args() if not a.startswith("--durations")]
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    took = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert proc.returncode not in (0, 5), out
    assert "test_b.py::test_dies" in out and "crashed" in out.lower(), out
    assert took < 120, f"the run took {took:.0f} s"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.postgres
def test_a_cluster_is_stopped_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    if os.environ.get("REDLINE_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL tests skipped: REDLINE_SKIP_POSTGRES=1")
    from tests.pg_cluster import find_bindir

    if find_bindir() is None:
        pytest.fail("PostgreSQL is not installed; 'make test' installs it (scripts/ensure-postgres.sh)")
    code = textwrap.dedent(
        """
        import os, signal, sys, tempfile
        sys.path.insert(0, sys.argv[1])
        from tests.pg_cluster import cluster
        with cluster() as url:
            print(url, tempfile.gettempdir(), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("redline-pg-*"))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    found = re.search(r":(\d+)/", line)
    assert found is not None, line
    port = int(found.group(1))
    new = set(Path(line.split()[1]).glob("redline-pg-*")) - before
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (_port_open(port) or any(p.exists() for p in new)):
        time.sleep(0.2)
    assert not _port_open(port), "the cluster still listens after its test process was killed"
    assert not any(p.exists() for p in new), "the cluster's folder is still there"
