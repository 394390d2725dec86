"""Revisited decisions as a user types them: gate status, upkeep, escalate, the condition checklist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.config.settings import Settings
from redline.core.ids import new_id
from redline.core.register.findings import Finding
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.program.workspace import init_workspace, open_workspace_store
from redline.store.repos import findings as findings_repo
from tests import world as data
from tests.e2e.inprocess import cli

NARROW = "name: narrow\napplies_to: [injection.direct]\nrequired_signoffs: 0\ndefault_max_upper_rate: 0.25\n"
STAGED = NARROW.replace("narrow", "staged") + (
    "conditional:\n  max_open_risk: high\n  rollout_share: 0.05\n  feature_flags: [tools]\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> tuple[Path, str]:
    """A workspace with people, two policies and a clean round on chat@1.0; returns it and the release id."""
    SETTINGS.clear()
    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    (settings.workspace / "policies" / "narrow.yaml").write_text(NARROW)
    (settings.workspace / "policies" / "staged.yaml").write_text(STAGED)
    store = open_workspace_store(settings)
    data.people(store)
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes={"injection.direct": data.n("pass", 60)})
    store.dispose()
    SETTINGS.append(settings)
    return settings.workspace, rel.id


SETTINGS: list[Settings] = []


def high_finding(root: Path, release_id: str) -> str:
    (settings,) = SETTINGS
    assert settings.workspace == root
    store = open_workspace_store(settings)
    with store.session() as s:
        f = findings_repo.add_finding(
            s,
            Finding(
                id=new_id("fnd"),
                title="tool call leaks account data",
                threat_id="injection.direct",
                likelihood=Likelihood.LIKELY,
                impact=Impact.MAJOR,
                risk=RiskLevel.HIGH,
                release_id=release_id,
            ),
            actor="test",
        )
    store.dispose()
    return f.id


def test_a_stale_go_fails_gate_status_is_escalated_once_and_gate_check_says_what_it_replaced(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rel_id = ws
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--policy", "narrow", "--json")
    assert code == 0 and json.loads(out)["decision"]["outcome"] == "go" and json.loads(out)["holds"] is True
    assert cli(capsys, root, "gate", "status", "--release", "chat@1.0")[0] == 0
    fid = high_finding(root, rel_id)
    code, out, _ = cli(capsys, root, "gate", "status", "--release", "chat@1.0")
    assert code == 1 and out.startswith("STALE GO") and fid in out
    code, out, _ = cli(capsys, root, "gate", "status", "--release", "chat@1.0", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["holds"] is False and doc["status"]["staleness"]["stale"] is True
    code, out, _ = cli(capsys, root, "gate", "upkeep")
    assert code == 0 and "1 escalation(s) raised" in out and "no longer holds" in out
    code, out, _ = cli(capsys, root, "gate", "upkeep", "--json")
    assert code == 0 and json.loads(out)["raised"] == []
    code, out, _ = cli(capsys, root, "gate", "escalations", "--open", "--json")
    assert [e["kind"] for e in json.loads(out)] == ["stale_decision"]
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--policy", "narrow")
    assert code == 1 and out.startswith("NO GO") and "replaces a stale decision" in out
    code, out, _ = cli(capsys, root, "gate", "upkeep")
    assert "1 closed" in out
    # escalating by hand
    code, _, err = cli(
        capsys, root, "gate", "escalate", "--finding", fid, "--reason", "seen live", "--as", "vic"
    )
    assert code == 2 and "may not escalate" in err
    code, _, err = cli(
        capsys, root, "gate", "escalate", "--finding", fid, "--reason", "x", "--to", "boss", "--as", "eli"
    )
    assert code == 2 and "--to must be a role" in err
    code, out, _ = cli(
        capsys,
        root,
        "gate",
        "escalate",
        "--finding",
        fid,
        "--reason",
        "seen live",
        "--to",
        "lead",
        "--as",
        "eli",
    )
    assert code == 0 and "escalated finding" in out and "to the lead: seen live" in out
    code, out, _ = cli(capsys, root, "gate", "escalations", "--open", "--json")
    assert [e["kind"] for e in json.loads(out)] == ["manual"]


def test_conditions_of_a_conditional_go_are_reported_and_a_broken_one_fails_gate_check(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rel_id = ws
    fid = high_finding(root, rel_id)
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--policy", "staged", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["decision"]["outcome"] == "conditional_go" and doc["holds"] is True
    states = {c["condition"]["key"]: c["state"] for c in doc["status"]["conditions"]}
    assert states == {"rollout_share": "pending", "feature_flag:tools": "pending", "monitoring": "pending"}
    code, out, _ = cli(capsys, root, "gate", "condition", "list", "--release", "chat@1.0", "--json")
    ids = {c["condition"]["key"]: c["condition"]["id"] for c in json.loads(out)["conditions"]}
    share = ids["rollout_share"]
    code, _, err = cli(capsys, root, "gate", "condition", "report", share, "--flag", "on", "--as", "eli")
    assert code == 2 and "--share" in err
    code, out, _ = cli(
        capsys, root, "gate", "condition", "report", share, "--share", "0.2", "--owner", "eli", "--as", "eli"
    )
    assert code == 1 and " broken: " in out
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--policy", "staged")
    assert code == 1 and "condition broken: " in out and "owner eli" in out
    code, out, _ = cli(capsys, root, "gate", "condition", "report", share, "--share", "0.05", "--as", "eli")
    assert code == 0 and " holds: " in out
    flag = ids["feature_flag:tools"]
    assert cli(capsys, root, "gate", "condition", "report", flag, "--flag", "off", "--as", "eli")[0] == 0
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--policy", "staged")
    assert code == 0 and "condition holds: " in out and "condition pending: " in out
    assert "  [ok] max-rate: " in out and "  [FAIL] open-risk: " in out  # printed, not read as markup
    code, out, _ = cli(
        capsys,
        root,
        "gate",
        "condition",
        "add",
        "--release",
        "chat@1.0",
        "--text",
        "support trained",
        "--as",
        "lena",
    )
    assert code == 0 and out.startswith("cnd_")
    code, out, _ = cli(capsys, root, "gate", "condition", "list", "--release", "chat@1.0")
    assert code == 0 and "support" in out and "manual" in out
    # accepting a risk takes a review date, which must lie ahead
    code, _, err = cli(
        capsys,
        root,
        "finding",
        "move",
        fid,
        "accepted_risk",
        "--note",
        "n",
        "--review-by",
        "2020-01-01",
        "--as",
        "cora",
    )
    assert code == 2 and "must be after today" in err
    code, _, err = cli(
        capsys,
        root,
        "finding",
        "move",
        fid,
        "accepted_risk",
        "--note",
        "n",
        "--review-by",
        "soon",
        "--as",
        "cora",
    )
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, _ = cli(
        capsys,
        root,
        "finding",
        "move",
        fid,
        "accepted_risk",
        "--note",
        "n",
        "--review-by",
        "2999-01-01",
        "--as",
        "cora",
    )
    assert code == 0
