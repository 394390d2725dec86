"""Local accounts and their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, UsageError
from redline.core.ids import new_id
from redline.core.people.users import Role, User
from redline.store import audit
from redline.store.tables import UserRow


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        email=row.email,
        roles=frozenset(Role(r) for r in row.roles),
        active=row.active,
    )


def add_user(session: Session, *, name: str, roles: set[Role], email: str | None = None, actor: str) -> User:
    """Create an account; names are unique."""
    if session.scalars(select(UserRow).where(UserRow.name == name)).first() is not None:
        raise UsageError(f"a user named '{name}' already exists")
    row = UserRow(id=new_id("usr"), name=name, email=email, roles=sorted(r.value for r in roles))
    session.add(row)
    session.flush()
    audit.append(
        session, actor=actor, action="user.add", subject=row.id, payload={"name": name, "roles": row.roles}
    )
    return _user(row)


def get_user(session: Session, name: str) -> User:
    """An account by name."""
    row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
    if row is None:
        raise NotFoundError(f"no user named '{name}'")
    return _user(row)


def set_roles(session: Session, *, name: str, roles: set[Role], actor: str) -> User:
    """Replace an account's roles."""
    row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
    if row is None:
        raise NotFoundError(f"no user named '{name}'")
    before = list(row.roles)
    row.roles = sorted(r.value for r in roles)
    audit.append(
        session,
        actor=actor,
        action="user.roles",
        subject=row.id,
        payload={"before": before, "after": row.roles},
    )
    return _user(row)


def list_users(session: Session) -> list[User]:
    """Every account, by name."""
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]
