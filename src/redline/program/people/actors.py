"""Who is acting, and whether their roles allow what they ask for (checked here, not in the front doors)."""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar

from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, PermissionDeniedError, UsageError
from redline.core.people.users import Role, User
from redline.store.repos import users as users_repo

SIGNED_IN: ContextVar[str | None] = ContextVar("redline_signed_in", default=None)
"""The account a command-line sign-in fixed (`redline login` in a workspace with `auth: required`):
while set, every action is that account's, and naming anyone else is refused."""


def acting_user(session: Session, name: str | None) -> User:
    """The active account of that name; the CLI passes --as NAME or REDLINE_USER (or its sign-in)."""
    signed_in = SIGNED_IN.get()
    if signed_in is not None:
        if name and name != signed_in:
            raise PermissionDeniedError(
                f"signed in as '{signed_in}': acting as '{name}' is refused (run 'redline login {name}')"
            )
        name = signed_in
    if not name:
        raise UsageError("say who is acting: pass --as NAME or set REDLINE_USER")
    try:
        user = users_repo.get_user(session, name)
    except NotFoundError:
        raise NotFoundError(f"no user named '{name}'; an admin adds one with 'redline user add'") from None
    if not user.active:
        raise PermissionDeniedError(f"the account '{name}' is deactivated")
    return user


def require_role(user: User, roles: Collection[Role], *, action: str) -> None:
    """Raise unless the user holds one of `roles`."""
    if user.roles.isdisjoint(roles):
        wanted = ", ".join(sorted(r.value for r in roles))
        held = ", ".join(sorted(r.value for r in user.roles)) or "none"
        raise PermissionDeniedError(
            f"{user.name} may not {action}: it needs one of the roles {wanted} (has {held})"
        )


def authorize(session: Session, name: str | None, roles: Collection[Role], *, action: str) -> User:
    """The acting user, checked against `roles`."""
    user = acting_user(session, name)
    require_role(user, roles, action=action)
    return user
