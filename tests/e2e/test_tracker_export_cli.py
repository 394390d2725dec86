"""`redline finding export --to NAME` as a user types it, against a local GitHub stub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.program.workspace import init_workspace, open_workspace_store
from tests import world as data
from tests.e2e.inprocess import cli
from tests.integration.tracker_stubs import Stub, serve, tracker_yaml


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Stub, str]]:
    """A workspace whose `github` tracker is a stub, and a round with system-prompt leaks."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_clitoken00000000000000")
    with serve("github") as stub:
        settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
        with settings.config_path.open("a", encoding="utf-8") as f:
            f.write("privacy: {ner: false}\ntrackers:\n" + tracker_yaml(stub))
        store = open_workspace_store(settings)
        data.people(store)
        rel = data.release(store)
        rid = data.stored_round(
            store,
            release_id=rel.id,
            outcomes={"leakage.system-prompt": data.n("fail", 8) + data.n("pass", 12)},
        )
        store.dispose()
        yield settings.workspace, stub, rid


def test_export_creates_then_leaves_alone_and_show_prints_the_issue(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, Stub, str]
) -> None:
    root, stub, rid = ws
    code, out, _ = cli(capsys, root, "finding", "propose", "--round", rid, "--json")
    assert code == 0
    fid = json.loads(out)["actions"][0]["finding"]["id"]

    code, out, err = cli(capsys, root, "finding", "export", "--to", "github", fid, "--as", "lena", "--json")
    assert code == 0, err
    (item,) = json.loads(out)["items"]
    assert (item["finding_id"], item["action"], item["external_id"]) == (fid, "created", "1")
    assert [(r.method, r.path) for r in stub.requests] == [("POST", "/repos/acme/chat/issues")]

    code, out, _ = cli(
        capsys, root, "finding", "export", "--to", "github", "--release", "chat@1.0", "--as", "lena"
    )
    assert code == 0 and "unchanged" in out and len(stub.requests) == 1

    code, out, _ = cli(capsys, root, "finding", "show", fid)
    assert code == 0
    assert "tracker github (github) issue 1, open: https://github.test/acme/chat/issues/1" in out

    code, out, _ = cli(capsys, root, "audit", "log", "--json")
    assert code == 0 and "tracker.export" in out and "ghp_clitoken" not in out


def test_export_errors_are_one_line_with_the_right_exit_code(
    capsys: pytest.CaptureFixture[str], ws: tuple[Path, Stub, str]
) -> None:
    root, stub, rid = ws
    fid = json.loads(cli(capsys, root, "finding", "propose", "--round", rid, "--json")[1])["actions"][0][
        "finding"
    ]["id"]
    code, _, err = cli(capsys, root, "finding", "export", "--to", "jira", fid, "--as", "lena")
    assert code == 2 and "no tracker named 'jira'" in err and "known: github" in err
    code, _, err = cli(capsys, root, "finding", "export", "--to", "github", "--as", "lena")
    assert code == 2 and "FINDING_ID ..., --release R or --open" in err
    code, _, err = cli(capsys, root, "finding", "export", "--to", "github", fid, "--as", "vic")
    assert code == 2 and "may not export findings to trackers" in err

    stub.script.append((403, {}, {"message": "Resource not accessible by personal access token"}))
    code, _, err = cli(capsys, root, "finding", "export", "--to", "github", fid, "--as", "lena")
    assert code == 2
    assert err.strip().count("\n") == 0
    assert f"tracker 'github' (github at 127.0.0.1:{stub.port}): 403" in err and "GITHUB_TOKEN" in err

    stub.script.append((502, {}, {"message": "Server Error"}))
    code, _, err = cli(capsys, root, "finding", "export", "--to", "github", fid, "--as", "lena")
    assert code == 3 and "502" in err and stub.issues == {}
