"""Accounts: the first one bootstraps as admin; afterwards only admins manage people and roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.people import users
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.session import Store


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    yield st
    st.dispose()


def test_first_user_must_be_admin_then_only_admins_add(store: Store) -> None:
    with store.session() as s, pytest.raises(UsageError, match="first user must have the admin role"):
        users.add_user(s, name="lee", roles={Role.LEAD}, acting=None, fallback_actor="cli:me")
    with store.session() as s:
        ada = users.add_user(s, name="ada", roles={Role.ADMIN}, acting=None, fallback_actor="cli:me")
        users.add_user(s, name="lee", roles={Role.LEAD}, acting="ada", fallback_actor="cli:me")
    assert ada.roles == {Role.ADMIN}
    with store.session() as s, pytest.raises(PermissionDeniedError, match="lee may not add users"):
        users.add_user(s, name="tia", roles={Role.TESTER}, acting="lee", fallback_actor="cli:me")
    with store.session() as s, pytest.raises(UsageError, match="--as NAME"):
        users.add_user(s, name="tia", roles={Role.TESTER}, acting=None, fallback_actor="cli:me")
    with store.session() as s:
        assert [e.actor for e in reversed(audit.list_events(s, action="user.add"))] == ["cli:me", "ada"]


def test_roles_change_but_the_last_admin_stays(store: Store) -> None:
    with store.session() as s:
        users.add_user(s, name="ada", roles={Role.ADMIN}, acting=None, fallback_actor="x")
        users.add_user(s, name="lee", roles={Role.LEAD}, acting="ada", fallback_actor="x")
        lee = users.set_user_roles(s, name="lee", roles={Role.LEAD, Role.COMMITTEE}, acting="ada")
    assert lee.roles == {Role.LEAD, Role.COMMITTEE}
    with store.session() as s, pytest.raises(PermissionDeniedError, match="last admin"):
        users.set_user_roles(s, name="ada", roles={Role.LEAD}, acting="ada")


def test_role_names_parse_with_commas_and_reject_typos() -> None:
    assert users.parse_roles(["lead,committee", "external-reviewer"]) == {
        Role.LEAD,
        Role.COMMITTEE,
        Role.EXTERNAL_REVIEWER,
    }
    with pytest.raises(UsageError, match="unknown role 'comittee'"):
        users.parse_roles(["comittee"])
