"""The CLI as a user runs it: a real subprocess of the installed console script."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REDLINE = [sys.executable, "-m", "redline.cli.main"]


def redline(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd or Path.cwd()), "USER": "tester"}
    return subprocess.run([*REDLINE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    res = redline("init", str(tmp_path / "WS"))
    assert res.returncode == 0, res.stderr
    return tmp_path / "WS"


def test_init_creates_the_workspace_layout(ws: Path) -> None:
    for name in ("redline.yaml", "catalog", "playbooks", "policies", ".redline/redline.db"):
        assert (ws / name).exists(), name


def test_fresh_workspace_audit_verifies(ws: Path) -> None:
    res = redline("--workspace", str(ws), "audit", "verify")
    assert res.returncode == 0, res.stderr
    assert "1 events verified" in res.stdout


def test_tampered_audit_row_fails_verify_and_names_the_event(ws: Path) -> None:
    redline("--workspace", str(ws), "init", str(ws))  # idempotent, no new event
    db = sqlite3.connect(ws / ".redline" / "redline.db")
    db.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    db.commit()
    db.close()
    res = redline("--workspace", str(ws), "audit", "verify")
    assert res.returncode == 1
    assert "event 1 (workspace.init)" in res.stderr
    assert "Traceback" not in res.stderr


def test_audit_log_json(ws: Path) -> None:
    res = redline("-w", str(ws), "audit", "log", "--json")
    events = json.loads(res.stdout)
    assert events[0]["action"] == "workspace.init" and events[0]["actor"] == "cli:tester"


def test_bad_yaml_is_one_line_naming_file_line_and_field(ws: Path) -> None:
    (ws / "redline.yaml").write_text("name: x\ndefaults:\n  concurrency: -1\n")
    res = redline("-w", str(ws), "catalog", "list")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{ws / 'redline.yaml'}:3: field 'defaults.concurrency'" in lines[0]


def test_debug_flag_shows_the_traceback(ws: Path) -> None:
    (ws / "redline.yaml").write_text("name: [unclosed\n")
    res = redline("--debug", "-w", str(ws), "catalog", "list")
    assert res.returncode != 0 and "Traceback" in res.stderr


def test_missing_workspace_is_a_usage_error(tmp_path: Path) -> None:
    res = redline("audit", "verify", cwd=tmp_path)
    assert res.returncode == 2
    assert "redline init" in res.stderr


def test_version_and_json_reads(ws: Path) -> None:
    assert redline("--version").stdout.startswith("redline ")
    threats = json.loads(redline("-w", str(ws), "catalog", "list", "--json").stdout)
    assert {t["id"] for t in threats} >= {"injection.direct", "leakage.system-prompt"}
    systems = json.loads(redline("-w", str(ws), "system", "list", "--json").stdout)
    assert systems[0]["name"] == "smollm2"
    current = json.loads(redline("-w", str(ws), "db", "current", "--json").stdout)
    assert current["revision"] == current["head"]


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys, redline.cli.main as m\n"
        "heavy = [x for x in ('sqlalchemy','alembic','pydantic','rich','numpy','scipy','yaml','httpx') "
        "if x in sys.modules]\n"
        "print(','.join(heavy))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""
