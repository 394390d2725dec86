"""The finding lifecycle as a user types it: expected mitigations proposed, committee authorisation,
closing an unverified high-risk finding only by the risk acceptors with a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.program.workspace import init_workspace, open_workspace_store
from tests import world as data
from tests.e2e.inprocess import cli

pytestmark = pytest.mark.slow


@pytest.fixture
def ws(tmp_path: Path) -> tuple[Path, str]:
    """People, a release and a round in which system-prompt leaks failed 8 of 20 (a high-risk finding)."""
    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    store = open_workspace_store(settings)
    data.people(store)
    rel = data.release(store)
    rid = data.stored_round(
        store, release_id=rel.id, outcomes={"leakage.system-prompt": data.n("fail", 8) + data.n("pass", 12)}
    )
    store.dispose()
    return settings.workspace, rid


def _finding(capsys: pytest.CaptureFixture[str], root: Path, rid: str) -> dict[str, str]:
    code, out, _ = cli(capsys, root, "finding", "propose", "--round", rid, "--json")
    assert code == 0
    finding: dict[str, str] = json.loads(out)["actions"][0]["finding"]
    assert finding["risk"] in ("high", "critical")
    return finding


def test_a_finding_proposes_its_threats_expected_mitigations_and_the_committee_authorises(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rid = ws
    fid = _finding(capsys, root, rid)["id"]
    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert code == 0
    assert "expected mitigation guardrail, proposed: Filter replies that quote the system prompt" in out
    assert "expected mitigation system_prompt, proposed" in out
    assert (
        cli(
            capsys,
            root,
            "mitigation",
            "add",
            fid,
            "--type",
            "guardrail",
            "--description",
            "filter",
            "--as",
            "eli",
        )[0]
        == 0
    )
    (m,) = json.loads(cli(capsys, root, "mitigation", "list", "--finding", fid, "--json")[1])
    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert (
        "expected mitigation guardrail, recorded" in out
        and f"mitigation {m['id']} (guardrail) proposed" in out
    )
    assert "expected mitigation system_prompt, proposed" in out

    code, _, err = cli(capsys, root, "mitigation", "vote", m["id"], "--approve", "--as", "eli")
    assert code == 2 and "authorise mitigations" in err  # engineers do not authorise
    code, _, err = cli(capsys, root, "mitigation", "vote", m["id"], "--reject", "--as", "cora")
    assert code == 2 and "--comment" in err  # a rejection says why
    code, out, _ = cli(capsys, root, "mitigation", "vote", m["id"], "--approve", "--as", "cora")
    assert code == 0 and "authorised (1 of 1 approvals)" in out
    code, _, err = cli(capsys, root, "mitigation", "vote", m["id"], "--approve", "--as", "carl")
    assert code == 2 and "only a proposed one is voted on" in err
    assert cli(capsys, root, "mitigation", "status", m["id"], "in_progress", "--as", "eli")[0] == 0


def test_closing_an_unverified_high_finding_needs_the_risk_acceptors_and_a_note(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rid = ws
    fid = _finding(capsys, root, rid)["id"]
    code, _, err = cli(capsys, root, "finding", "move", fid, "closed", "--as", "cora")
    assert code == 2 and "needs a note" in err
    code, _, err = cli(capsys, root, "finding", "move", fid, "closed", "--note", "won't fix", "--as", "lena")
    assert code == 2 and "risk acceptors" in err
    # accepted, then closed: the close still skips a verified fix, so the risk acceptors decide again
    assert (
        cli(capsys, root, "finding", "move", fid, "accepted_risk", "--note", "internal only", "--as", "cora")[
            0
        ]
        == 0
    )
    code, _, err = cli(capsys, root, "finding", "move", fid, "closed", "--note", "tidy up", "--as", "lena")
    assert code == 2 and "risk acceptors" in err
    code, out, _ = cli(
        capsys, root, "finding", "move", fid, "closed", "--note", "risk owner agrees", "--as", "cora"
    )
    assert code == 0 and "closed" in out


def test_a_mitigated_finding_is_closed_only_after_verification(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rid = ws
    fid = _finding(capsys, root, rid)["id"]
    assert cli(capsys, root, "finding", "triage", fid, "--owner", "eli", "--as", "lena")[0] == 0
    assert (
        cli(
            capsys, root, "mitigation", "add", fid, "--type", "guardrail", "--description", "f", "--as", "eli"
        )[0]
        == 0
    )
    assert cli(capsys, root, "finding", "move", fid, "mitigated", "--as", "eli")[0] == 0
    code, _, err = cli(capsys, root, "finding", "move", fid, "closed", "--note", "done", "--as", "cora")
    assert code != 0 and "verify the fix first" in err


def test_an_intake_finding_is_verified_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.integration.test_finding_cases import SYSTEM, _accept, _release

    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    store = open_workspace_store(settings)
    data.people(store)
    for version, model in (("1.0", "leaky_model"), ("2.0", "fixed_model")):
        _release(store, version, model)
    fid = _accept(store, settings)
    store.dispose()
    root = settings.workspace
    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert code == 0 and f"reproducible case from intake on {SYSTEM}" in out and "refusal.phrases" in out
    code, _, err = cli(capsys, root, "finding", "verify", fid, "--release", f"{SYSTEM}@2.0", "--as", "eli")
    assert code == 2 and "mitigation add" in err
    assert (
        cli(
            capsys, root, "mitigation", "add", fid, "--type", "guardrail", "--description", "f", "--as", "eli"
        )[0]
        == 0
    )
    code, out, _ = cli(capsys, root, "finding", "verify", fid, "--release", f"{SYSTEM}@2.0", "--as", "eli")
    assert code == 0 and out.startswith("VERIFIED")
    code, out, _ = cli(capsys, root, "finding", "show", fid, "--json")
    assert json.loads(out)["finding"]["status"] == "verified"
