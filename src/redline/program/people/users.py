"""Accounts and roles: who may add people and change what they may do (admins, or the very first user)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.errors import PermissionDeniedError, UsageError
from redline.core.people.users import Role, User
from redline.program.people.actors import authorize
from redline.program.people.permissions import USER_ADMINS
from redline.store.repos import accounts as accounts_repo
from redline.store.repos import users as users_repo


def parse_roles(values: Iterable[str]) -> set[Role]:
    """Roles from option values; each value may hold several, separated by commas."""
    roles: set[Role] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip().lower().replace("-", "_")
            if not name:
                continue
            try:
                roles.add(Role(name))
            except ValueError:
                known = ", ".join(r.value for r in Role)
                raise UsageError(f"unknown role '{part.strip()}' (roles: {known})") from None
    return roles


def add_user(
    session: Session,
    *,
    name: str,
    roles: set[Role],
    email: str | None = None,
    acting: str | None,
    fallback_actor: str,
) -> User:
    """Create an account: an admin does it, except the first account, which must itself be an admin."""
    if not roles:
        raise UsageError("give the user at least one --role")
    if users_repo.list_users(session):
        actor = authorize(session, acting, USER_ADMINS, action="add users").name
    else:
        if Role.ADMIN not in roles:
            raise UsageError("the first user must have the admin role, so that someone can manage accounts")
        actor = acting or fallback_actor
    return users_repo.add_user(session, name=name, roles=roles, email=email, actor=actor)


def set_user_roles(session: Session, *, name: str, roles: set[Role], acting: str | None) -> User:
    """Replace an account's roles; the last admin cannot lose the admin role."""
    if not roles:
        raise UsageError("give at least one --set ROLE")
    admin = authorize(session, acting, USER_ADMINS, action="change roles")
    target = users_repo.get_user(session, name)
    if Role.ADMIN in target.roles and Role.ADMIN not in roles:
        admins = [u for u in users_repo.list_users(session) if Role.ADMIN in u.roles and u.active]
        if len(admins) <= 1:
            raise PermissionDeniedError(f"{name} is the last admin; make someone else admin first")
    return users_repo.set_roles(session, name=name, roles=roles, actor=admin.name)


class Deactivated(BaseModel):
    """An account that can no longer sign in or act, and what ended with it."""

    model_config = ConfigDict(frozen=True)

    user: User
    sessions_ended: int = Field(ge=0)
    tokens_revoked: int = Field(ge=0)


def deactivate_user(session: Session, *, name: str, acting: str | None) -> Deactivated:
    """Deactivate an account: its sessions end and its tokens are revoked (audited); the last admin stays."""
    admin = authorize(session, acting, USER_ADMINS, action="deactivate accounts")
    target = users_repo.get_user(session, name)
    if not target.active:
        raise UsageError(f"the account '{name}' is already deactivated")
    if Role.ADMIN in target.roles:
        admins = [u for u in users_repo.list_users(session) if Role.ADMIN in u.roles and u.active]
        if len(admins) <= 1:
            raise PermissionDeniedError(f"{name} is the last admin; make someone else admin first")
    user, sessions, tokens = accounts_repo.deactivate(session, name, actor=admin.name)
    return Deactivated(user=user, sessions_ended=sessions, tokens_revoked=tokens)


def list_users(session: Session) -> list[User]:
    """Every account, by name."""
    return users_repo.list_users(session)
