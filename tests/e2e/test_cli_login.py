"""`auth: required`: the command line acts as the account of `redline login`, never as whatever --as says,
and every audit event from the command line names the OS user (and the account when signed in)."""

from __future__ import annotations

import getpass
import io
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from redline.cli.login import tokens_path
from redline.config.settings import load_settings
from redline.core.audit import AuditEvent
from redline.program.people import accounts
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.tables import ApiTokenRow
from tests.e2e.inprocess import cli, workspace_with_people

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ws(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with ada (admin) and tess (tester), both with a password, that requires sign-in."""
    monkeypatch.delenv("REDLINE_USER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = workspace_with_people(tmp_path / "ws", capsys)
    for name in ("ada", "tess"):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert cli(capsys, folder, "user", "password", name, "--stdin", "--as", "ada")[0] == 0
    config = folder / "redline.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nauth: required\n", encoding="utf-8")
    return folder


def _login(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ws: Path, name: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return cli(capsys, ws, "login", name, "--stdin")[0]


def _events(ws: Path, action: str) -> list[AuditEvent]:
    store = open_workspace_store(load_settings(ws, env={}))
    try:
        with store.session() as s:
            return audit.list_events(s, action=action, limit=50)
    finally:
        store.dispose()


def _tokens(ws: Path) -> dict[str, object]:
    data = json.loads(tokens_path().read_text(encoding="utf-8"))
    entry = data[str(ws.resolve())]
    assert isinstance(entry, dict)
    return entry


def test_without_a_sign_in_acting_commands_are_refused_in_one_line(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, ws, "user", "add", "bob", "--role", "viewer", "--as", "ada")
    assert code == 2
    assert err.count("\n") == 1 and "run `redline login NAME`" in err
    assert all(e.payload["name"] != "bob" for e in _events(ws, "user.add"))


def test_login_acts_as_the_account_and_refuses_anyone_else(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("not the password\n"))
    code, _, err = cli(capsys, ws, "login", "ada", "--stdin")
    assert code == 2 and "wrong user name or password" in err
    failed = _events(ws, "auth.login_failed")
    assert failed and failed[0].payload["via"] == "cli_login" and "not the password" not in str(failed)

    assert _login(capsys, monkeypatch, ws, "ada") == 0
    path = tokens_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    entry = _tokens(ws)
    assert entry["account"] == "ada" and str(entry["token"]).startswith("rl_")
    assert PASSWORD not in path.read_text(encoding="utf-8")

    code, _, err = cli(capsys, ws, "user", "add", "bob", "--role", "viewer")
    assert code == 0, err
    added = next(e for e in _events(ws, "user.add") if e.payload["name"] == "bob")
    assert added.actor == "ada"
    assert added.payload["account"] == "ada" and added.payload["os_user"] == getpass.getuser()

    code, _, err = cli(capsys, ws, "user", "add", "carl", "--role", "viewer", "--as", "tess")
    assert code == 2 and err.count("\n") == 1
    assert "signed in as 'ada'" in err and "'tess' is refused" in err

    store = open_workspace_store(load_settings(ws, env={}))
    try:
        with store.session() as s:
            assert accounts.token_grant(s, str(entry["token"])) is None, "the web refuses a CLI token"
            assert accounts.token_grant(s, str(entry["token"]), cli=True) is not None
    finally:
        store.dispose()


def test_an_expired_or_revoked_sign_in_is_refused_and_logout_revokes(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _login(capsys, monkeypatch, ws, "tess") == 0
    token_id = str(_tokens(ws)["token_id"])
    store = open_workspace_store(load_settings(ws, env={}))
    try:
        with store.session() as s:
            s.execute(
                update(ApiTokenRow)
                .where(ApiTokenRow.id == token_id)
                .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
    finally:
        store.dispose()
    code, _, err = cli(capsys, ws, "onboarding", "show", "--json")
    assert code == 2 and "expired or was revoked" in err and "redline login tess" in err

    assert _login(capsys, monkeypatch, ws, "tess") == 0
    second = str(_tokens(ws)["token_id"])
    assert second != token_id
    assert cli(capsys, ws, "onboarding", "show", "--json")[0] == 0
    code, out, _ = cli(capsys, ws, "logout")
    assert code == 0 and "revoked" in out
    assert str(ws.resolve()) not in json.loads(tokens_path().read_text(encoding="utf-8"))
    revoked = _events(ws, "token.revoke")
    assert revoked and revoked[0].subject == second and revoked[0].payload["account"] == "tess"
    code, _, err = cli(capsys, ws, "onboarding", "show", "--json")
    assert code == 2 and "redline login NAME" in err


def test_without_auth_required_cli_events_still_name_the_os_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    folder = workspace_with_people(tmp_path / "ws", capsys)
    code = cli(capsys, folder, "user", "add", "bob", "--role", "viewer", "--as", "tess")[0]
    assert code == 2  # a tester adds no one: --as still decides, as before
    assert cli(capsys, folder, "user", "add", "bob", "--role", "viewer", "--as", "ada")[0] == 0
    events = _events(folder, "user.add")
    assert events and all(e.payload["os_user"] == getpass.getuser() for e in events)
    assert all("account" not in e.payload for e in events)
    assert audit.ACTING.get() is None, "nothing of a command's actor outlives it"


def test_a_reporters_concern_never_carries_the_handlers_os_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    folder = workspace_with_people(tmp_path / "ws", capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("The release review skipped the harm areas we agreed.\n"))
    assert cli(capsys, folder, "concern", "raise")[0] == 0
    assert cli(capsys, folder, "concern", "link", "--as", "ada")[0] == 0  # a handler's act flushes the raise
    (raised,) = _events(folder, "concern.raise")
    assert raised.actor == "anonymous" and "os_user" not in raised.payload and "account" not in raised.payload
    (issued,) = _events(folder, "concern.link.issue")
    assert issued.payload["os_user"] == getpass.getuser()
