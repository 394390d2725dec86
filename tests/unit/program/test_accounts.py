"""Accounts: Argon2 password hashes, sessions that expire, API tokens stored as hashes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.people import accounts
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import users
from redline.store.session import Store

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SECRET = "a long enough secret"


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    opened = open_workspace_store(workspace)
    with opened.session() as s:
        users.add_user(s, name="ada", roles={Role.ADMIN}, actor="test")
        users.add_user(s, name="tess", roles={Role.TESTER}, actor="test")
        accounts.set_password(s, name="tess", password=SECRET, acting="tess")
    yield opened
    opened.dispose()


def test_passwords_are_argon2_hashes_and_short_ones_are_refused(store: Store) -> None:
    with store.session() as s:
        stored = s.execute(text("select password_hash from users where name='tess'")).scalar_one()
        assert stored.startswith("$argon2id$") and SECRET not in stored
        with pytest.raises(UsageError):
            accounts.set_password(s, name="tess", password="short", acting="tess")
        with pytest.raises(PermissionDeniedError):
            accounts.set_password(s, name="ada", password=SECRET, acting="tess")
        accounts.set_password(s, name="tess", password="another long secret", acting="ada")
        (event, *_) = audit.list_events(s, action="user.password")
        assert "argon2" not in str(event.payload)


def test_sign_in_refuses_wrong_passwords_unknown_names_and_accounts_without_a_password(store: Store) -> None:
    with store.session() as s:
        for name, password in (("tess", "wrong password!"), ("nobody", SECRET), ("ada", SECRET)):
            with pytest.raises(PermissionDeniedError, match="wrong user name or password"):
                accounts.sign_in(s, name=name, password=password, now=NOW)
        grant = accounts.sign_in(s, name="tess", password=SECRET, now=NOW)
        found = accounts.session_of(s, grant.token, now=NOW + timedelta(hours=1))
        assert found is not None and found.user.name == "tess" and found.csrf == grant.csrf
        stored = s.execute(text("select id from web_sessions")).scalars().all()
        assert grant.token not in stored and accounts.digest(grant.token) in stored


def test_sessions_end_when_idle_or_too_old(store: Store) -> None:
    with store.session() as s:
        user = users.get_user(s, "tess")
        idle = accounts.open_session(s, user=user, now=NOW)
        assert (
            accounts.session_of(s, idle.token, now=NOW + accounts.SESSION_IDLE + timedelta(seconds=1)) is None
        )
        old = accounts.open_session(s, user=user, now=NOW)
        for hours in range(6, 7 * 24, 6):  # used every six hours: never idle, but a week is the most
            assert accounts.session_of(s, old.token, now=NOW + timedelta(hours=hours)) is not None
        assert accounts.session_of(s, old.token, now=NOW + accounts.SESSION_MAX) is None


def test_tokens_act_as_their_account_until_revoked(store: Store) -> None:
    with store.session() as s:
        issued = accounts.issue_token(s, name="tess", label="nightly", acting="tess")
        assert accounts.token_user(s, issued.token) is not None
        assert accounts.token_user(s, "rl_guessed") is None and accounts.token_user(s, "no-prefix") is None
        with pytest.raises(PermissionDeniedError):
            accounts.issue_token(s, name="ada", label="x", acting="tess")
        with pytest.raises(UsageError):
            accounts.issue_token(s, name="tess", label="  ", acting="tess")
        assert [t.label for t in accounts.list_tokens(s, name="tess", acting="tess")] == ["nightly"]
        with pytest.raises(PermissionDeniedError):
            accounts.list_tokens(s, name=None, acting="tess")
        accounts.revoke_token(s, token_id=issued.record.id, acting="ada")
        assert accounts.token_user(s, issued.token) is None
