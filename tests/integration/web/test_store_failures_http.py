"""Database failures and refused text over HTTP: problem JSON, nothing of a concern in any log, and the
web secret created owner-only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from redline.web import security
from tests.world import WebWorld

MARK = "zq-concern-text-that-must-not-be-logged-51c9"


def _formatted(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


def test_a_database_error_is_a_503_problem_and_logs_nothing_of_the_concern(
    world: WebWorld, caplog: pytest.LogCaptureFixture
) -> None:
    engine = getattr(world.store, "concerns_engine", None) or world.store.engine
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON concerns BEGIN SELECT RAISE(ABORT, 'refused'); END")
        )
    client = world.client("tess")
    caplog.set_level(logging.DEBUG)
    answer = client.post("/api/concerns", json={"subject_kind": "program", "text": MARK})
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "store_unavailable" and MARK not in answer.text
    logged = _formatted(caplog.records)
    assert "database error on POST /api/concerns" in logged
    assert MARK not in logged


def test_a_nul_byte_in_a_concern_is_a_422_naming_the_field(world: WebWorld) -> None:
    answer = world.client("tess").post("/api/concerns", json={"subject_kind": "program", "text": "a\x00b"})
    assert answer.status_code == 422
    assert "concerns.text" in answer.json()["detail"] and "NUL" in answer.json()["detail"]


def test_the_web_secret_is_never_on_disk_with_a_wider_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Created 0600 from its first byte: even if setting a mode afterwards failed, nothing is readable."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("chmod not reached")

    old = os.umask(0o022)
    try:
        monkeypatch.setattr(Path, "chmod", refuse)
        try:
            secret = security.load_secret(tmp_path / "state")
        except OSError:
            secret = b""
        path = tmp_path / "state" / security.SECRET_FILE
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(secret) == 32 and security.load_secret(tmp_path / "state") == secret
        assert [p.name for p in path.parent.iterdir()] == [security.SECRET_FILE]
    finally:
        os.umask(old)
