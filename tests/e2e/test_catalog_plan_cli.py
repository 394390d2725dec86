"""The catalog, playbook, user and plan commands as a user runs them (real subprocesses)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

REDLINE = [sys.executable, "-m", "redline.cli.main"]
FIXTURE = Path(__file__).parents[1] / "unit" / "catalog" / "data" / "atlas-mini.yaml"


def run(ws: Path, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ws), "USER": "tester"}
    if user:
        env["REDLINE_USER"] = user
    return subprocess.run(
        [*REDLINE, "-w", str(ws), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "WS"
    res = subprocess.run([*REDLINE, "-q", "init", str(folder)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    return folder


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_lint_passes_and_export_prints_the_catalog(ws: Path) -> None:
    lint = run(ws, "catalog", "lint", "--json")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert json.loads(lint.stdout)["checked"] >= 60
    doc = json.loads(run(ws, "catalog", "export", "--format", "json").stdout)
    assert doc["count"] >= 60
    rows = list(csv.reader(io.StringIO(run(ws, "catalog", "export", "--format", "csv").stdout)))
    assert len(rows) == doc["count"] + 1
    books = json.loads(run(ws, "playbook", "list", "--json").stdout)
    assert len(books) >= 12
    assert run(ws, "playbook", "lint").returncode == 0


def test_a_broken_workspace_threat_fails_lint_with_file_and_line(ws: Path) -> None:
    bad = ws / "catalog" / "ops.bad.yaml"
    bad.write_text(
        "id: ops.bad\ntitle: t\ndescription: d\nharm_category: security\nowner: o\nreview_by: 2099-01-01\n"
        "mappings:\n  - {standard: owasp-llm-2025, id: LLM42:2025}\n"
    )
    res = run(ws, "catalog", "lint")
    assert res.returncode == 1
    assert f"{bad}:8: error: mappings[0]: 'LLM42:2025' is not an id of" in res.stdout


@pytest.mark.slow
def test_users_plan_approval_and_catalog_edit(ws: Path) -> None:
    assert run(ws, "user", "add", "ada", "--role", "admin").returncode == 0
    for name, role in (("lee", "lead"), ("cam", "committee"), ("tia", "tester")):
        res = run(ws, "user", "add", name, "--role", role, user="ada")
        assert res.returncode == 0, res.stderr
    created = run(
        ws, "plan", "create", "--title", "Round 1", "--threat", "injection.direct", "--json", user="lee"
    )
    plan_id = json.loads(created.stdout)["id"]
    assert run(ws, "plan", "submit", plan_id, user="lee").returncode == 0
    denied = run(ws, "plan", "approve", plan_id, "--as", "tia")
    assert denied.returncode == 2 and "may not vote on plans" in denied.stderr
    approved = run(ws, "plan", "approve", plan_id, "--as", "cam", "-m", "scope is right", "--json")
    assert json.loads(approved.stdout)["plan"]["status"] == "approved"
    shown = json.loads(run(ws, "plan", "show", plan_id, "--json").stdout)
    assert shown["votes"][0]["comment"] == "scope is right"

    edit = run(
        ws, "catalog", "edit", "injection.direct", "--set", "owner=appsec", "--reason", "reorg", user="lee"
    )
    assert edit.returncode == 0, edit.stderr
    diff = json.loads(
        run(ws, "catalog", "diff", "injection.direct", "--from", "1", "--to", "2", "--json").stdout
    )
    assert diff[0]["fields"] == [{"field": "owner", "before": "security", "after": "appsec"}]
    versions = json.loads(run(ws, "catalog", "versions", "injection.direct", "--json").stdout)
    assert [(v["version"], v["author"]) for v in versions] == [(1, "lee"), (2, "lee")]
    log = json.loads(run(ws, "audit", "log", "--json", "--limit", "500").stdout)
    actions = {e["action"] for e in log}
    assert {
        "user.add",
        "plan.create",
        "plan.vote",
        "plan.status",
        "catalog.version",
        "catalog.edit",
    } <= actions
    assert run(ws, "audit", "verify").returncode == 0


@pytest.mark.slow
def test_import_atlas_updates_the_workspace_list_and_flags_mappings(ws: Path) -> None:
    run(ws, "user", "add", "ada", "--role", "admin")
    res = run(ws, "catalog", "import-atlas", str(FIXTURE), "--json", user="ada")
    result = json.loads(res.stdout)
    assert result["version"] == "9.9.0" and result["techniques"] == 5
    assert (ws / "catalog" / "standards" / "mitre-atlas.yaml").is_file()
    assert res.returncode == 1 and not result["ok"]  # the catalog maps ids the small fixture lacks
    assert any("AML.T0054" in p["message"] for p in result["problems"])
    lint = run(ws, "catalog", "lint")
    assert (
        lint.returncode == 1
        and "not an id of Adversarial Threat Landscape for AI Systems 9.9.0" in lint.stdout
    )
