"""The governance commands as a user types them: JSON twins of every read, exit codes of every check."""

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
    """A workspace with people, a release and a round in which system-prompt leaks failed 8 of 20."""
    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    store = open_workspace_store(settings)
    data.people(store)
    rel = data.release(store)
    rid = data.stored_round(
        store, release_id=rel.id, outcomes={"leakage.system-prompt": data.n("fail", 8) + data.n("pass", 12)}
    )
    store.dispose()
    return settings.workspace, rid


def test_findings_read_as_json_and_moves_check_roles(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rid = ws
    code, out, _ = cli(capsys, root, "finding", "propose", "--round", rid, "--json")
    fid = json.loads(out)["actions"][0]["finding"]["id"]
    code, out, _ = cli(capsys, root, "finding", "list", "--open", "--json")
    assert code == 0 and [f["id"] for f in json.loads(out)] == [fid]
    code, out, _ = cli(capsys, root, "finding", "show", fid, "--json")
    assert code == 0 and json.loads(out)["evidence"][0]["evidence"]["failures"] == 8
    assert cli(capsys, root, "finding", "move", fid, "bogus", "--as", "cora")[0] == 2
    code, _, err = cli(capsys, root, "finding", "move", fid, "accepted_risk", "--note", "x", "--as", "lena")
    assert code == 2 and "needs one of the roles committee" in err
    code, _, err = cli(capsys, root, "finding", "comment", fid, "seen")
    assert code == 2 and "--as NAME" in err
    assert cli(capsys, root, "finding", "link", fid, "--ref", "prompt template", "--as", "eli")[0] == 0
    assert (
        cli(capsys, root, "finding", "postmortem", fid, "--what", "w", "--why", "y", "--as", "lena")[0] == 0
    )
    assert (
        cli(capsys, root, "finding", "move", fid, "accepted_risk", "--note", "internal", "--as", "cora")[0]
        == 0
    )
    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert "accepted_risk" in out and "prompt template" in out


def test_gate_release_and_mitigation_reads(capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]) -> None:
    root, rid = ws
    code, out, _ = cli(capsys, root, "gate", "check", "--release", "chat@1.0", "--json")
    assert code == 1 and json.loads(out)["decision"]["outcome"] == "no_go"
    code, out, _ = cli(capsys, root, "gate", "history", "--release", "chat@1.0", "--json")
    assert code == 0 and len(json.loads(out)["decisions"]) == 1
    code, out, _ = cli(capsys, root, "release", "list", "--json")
    assert code == 0 and json.loads(out)[0]["label"] == "chat@1.0"
    _, out, _ = cli(capsys, root, "finding", "propose", "--round", rid, "--json")
    fid = json.loads(out)["actions"][0]["finding"]["id"]
    assert (
        cli(
            capsys, root, "mitigation", "add", fid, "--type", "nonsense", "--description", "d", "--as", "eli"
        )[0]
        == 2
    )
    assert (
        cli(
            capsys, root, "mitigation", "add", fid, "--type", "ui_change", "--description", "d", "--as", "eli"
        )[0]
        == 0
    )
    code, out, _ = cli(capsys, root, "mitigation", "list", "--finding", fid, "--json")
    (m,) = json.loads(out)
    assert code == 0 and m["type"] == "ui_change"
    assert cli(capsys, root, "mitigation", "status", m["id"], "verified", "--as", "eli")[0] == 2
    assert m["status"] == "proposed"
    assert (
        cli(capsys, root, "mitigation", "status", m["id"], "shipped", "--as", "eli")[0] == 2
    )  # authorise first
    assert cli(capsys, root, "mitigation", "vote", m["id"], "--approve", "--as", "cora")[0] == 0
    assert cli(capsys, root, "mitigation", "status", m["id"], "shipped", "--as", "eli")[0] == 0
    code, out, _ = cli(capsys, root, "gate", "escalations", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = cli(capsys, root, "gate", "check", "--release", "chat@9.9")
    assert code == 2 and "no release 'chat@9.9'; name it by id, as SYSTEM@VERSION" in err
