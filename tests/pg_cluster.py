"""A throwaway PostgreSQL cluster on loopback for the store tests, started and stopped by pytest."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_bindir() -> Path | None:
    """Folder holding initdb and pg_ctl, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, so run the server as the 'postgres' user.
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster in a temp dir; yields a SQLAlchemy URL to its 'postgres' database."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed; 'make test' installs it (scripts/ensure-postgres.sh)"
        )
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="redline-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if owner:
        shutil.chown(base, owner)
        shutil.chown(sock, owner)
        os.chmod(base, 0o755)
    port = _free_port()
    log = base / "server.log"
    # Whatever happens to this process (a crashed test worker included), the reaper stops the cluster.
    reaper = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("pg_reaper.py")),
            str(os.getpid()),
            str(base),
            str(bindir / "pg_ctl"),
            str(data),
            owner or "",
        ],
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        subprocess.run(
            _as_owner(
                [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "redline", "-E", "UTF8"], owner
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    opts,
                    "-l",
                    str(base / "pg.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"postgresql+psycopg://redline@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as exc:
        log.write_text(exc.stderr or "", encoding="utf-8")
        raise RuntimeError(
            f"could not start PostgreSQL: {(exc.stderr or exc.stdout or '').strip()[:500]}"
        ) from exc
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
        if reaper.stdin is not None:
            reaper.stdin.close()
        try:
            reaper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            reaper.kill()


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database; returns its URL."""
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
