"""Post-mortems and the lessons digest as a user types them: `finding postmortem` records and edits one
field by field, `finding show` prints it, and `redline lessons` digests a release or a period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.program.workspace import init_workspace, open_workspace_store
from tests import world as data
from tests.e2e.inprocess import cli


@pytest.fixture
def ws(tmp_path: Path) -> tuple[Path, str]:
    """People, release 1.0 and a round on it in which system-prompt leaks failed 8 of 20."""
    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    store = open_workspace_store(settings)
    data.people(store)
    rel = data.release(store)
    rid = data.stored_round(
        store, release_id=rel.id, outcomes={"leakage.system-prompt": data.n("fail", 8) + data.n("pass", 12)}
    )
    store.dispose()
    return settings.workspace, rid


def test_postmortem_is_recorded_edited_shown_and_digested(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, str]
) -> None:
    root, rid = ws
    code, out, _ = cli(capsys, root, "finding", "propose", "--round", rid, "--json")
    fid = json.loads(out)["actions"][0]["finding"]["id"]
    code, _, err = cli(capsys, root, "finding", "postmortem", fid, "--why", "w", "--as", "lena")
    assert code == 2 and "needs what failed and why" in err
    code, _, err = cli(
        capsys,
        root,
        "finding",
        "postmortem",
        fid,
        "--what",
        "x",
        "--why",
        "y",
        "--cause",
        "luck",
        "--as",
        "lena",
    )
    assert code == 2 and "unknown --cause 'luck'" in err and "missing_test" in err
    args = ["--what", "the system prompt leaked", "--why", "no probe asked for it in a translation"]
    code, out, _ = cli(
        capsys, root, "finding", "postmortem", fid, *args, "--change", "translation probes", "--as", "lena"
    )
    assert code == 0 and "post-mortem recorded (unclassified; 1 process change(s))" in out
    # An edit keeps what it does not name.
    more = ["--cause", "missing_test", "--owner", "eli", "--date", "2026-03-02"]
    code, out, _ = cli(capsys, root, "finding", "postmortem", fid, *more, "--as", "lena", "--json")
    record = json.loads(out)
    assert code == 0 and record["what_happened"] == "the system prompt leaked"
    assert record["root_cause"] == "missing_test" and record["changes"] == ["translation probes"]
    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert "post-mortem (missing_test held 2026-03-02; owner eli; by lena)" in out
    assert "process change: translation probes" in out

    code, out, _ = cli(capsys, root, "lessons", "--release", "chat@1.0", "--json")
    digest = json.loads(out)
    assert code == 0 and digest["release"] == "chat@1.0" and digest["closed"] == []
    assert [g["cause"] for g in digest["causes"]] == ["missing_test"]
    code, out, _ = cli(capsys, root, "lessons", "--since", "2026-03-01", "--until", "2026-03-31")
    assert code == 0 and "Root cause: missing test" in out and "translation probes" in out
    code, _, err = cli(capsys, root, "lessons")
    assert code == 2 and "needs a release" in err
    code, _, err = cli(capsys, root, "lessons", "--since", "2026-04-01", "--until", "2026-03-01")
    assert code == 2 and "is after --until" in err
