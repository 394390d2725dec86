"""`redline perspectives` and the coverage in `redline plan show`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_catalog_plan_cli import run, ws

__all__ = ["ws"]

PLAN = """title: Fairness round
threats: [bias.stereotype]
testers: [tess, lena]
"""


@pytest.mark.slow  # a minute of subprocess CLI calls: run by make test, not make test-fast
def test_declare_show_withdraw_and_plan_coverage(ws: Path) -> None:
    assert run(ws, "user", "add", "ada", "--role", "admin").returncode == 0
    for name, role in (("tess", "tester"), ("lena", "lead")):
        assert run(ws, "user", "add", name, "--role", role, user="ada").returncode == 0

    refused = run(ws, "perspectives", "declare", "--domain", "discrimination", user="tess")
    assert refused.returncode != 0 and "consent" in refused.stderr + refused.stdout
    declared = run(
        ws,
        "perspectives",
        "declare",
        "--domain",
        "Discrimination",
        "--community",
        "protected groups, Quillfeather collective",
        "--language",
        "Swahili",
        "--consent",
        "--json",
        user="tess",
    )
    assert declared.returncode == 0, declared.stderr
    values = {(p["kind"], p["value"]) for p in json.loads(declared.stdout)["perspectives"]}
    assert values == {
        ("domain", "discrimination"),
        ("community", "protected groups"),
        ("community", "quillfeather collective"),
        ("language", "sw"),
    }
    shown = run(ws, "perspectives", "show", user="tess")
    assert "language: Swahili (sw)" in shown.stdout and "Consent statement" in shown.stdout
    assert "you have not declared" in run(ws, "perspectives", "show", user="lena").stdout

    plan_file = ws / "plan.yaml"
    plan_file.write_text(PLAN, encoding="utf-8")
    created = run(ws, "plan", "create", str(plan_file), "--json", user="lena")
    assert created.returncode == 0, created.stderr
    plan_id = json.loads(created.stdout)["id"]
    text = run(ws, "plan", "show", plan_id).stdout
    assert "covered: domain expertise: discrimination" in text
    assert "GAP: lived experience: discrimination" in text
    assert "GAP: affected community: young users forming views" in text
    assert "quillfeather" not in text and "tess declared" not in text
    body = json.loads(run(ws, "plan", "show", plan_id, "--json").stdout)
    assert "lived experience: discrimination" in body["perspectives"]["gaps"]
    assert body["perspectives"]["declared"] is None  # one declarer of two: not counted

    assert run(ws, "perspectives", "remove", "tess", user="lena").returncode != 0
    assert "deleted" in run(ws, "perspectives", "withdraw", user="tess").stdout
    assert "you have not declared" in run(ws, "perspectives", "show", user="tess").stdout
    assert "GAP: domain expertise: discrimination" in run(ws, "plan", "show", plan_id).stdout
