"""Password checks at the door: throttled per account and client, failures audited as `auth.login_failed`.

The audit event names the account only when it exists (a name that matches no account may be a
password typed into the wrong field) and never the client address or the password.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, PermissionDeniedError
from redline.core.people.users import User
from redline.program.people import accounts
from redline.program.people.throttle import LoginThrottle
from redline.store import audit
from redline.store.repos import users as users_repo
from redline.store.session import Store

LOGIN_FAILED = "auth.login_failed"


def _known(session: Session, name: str) -> str | None:
    try:
        return users_repo.get_user(session, name).name
    except NotFoundError:
        return None


def _record_failure(store: Store, *, name: str, via: str, actor: str | None) -> None:
    with store.session() as session:
        known = _known(session, name)
        audit.append(
            session,
            actor=actor or "anonymous",
            action=LOGIN_FAILED,
            subject=known or "",
            payload={"user": known, "via": via},
        )


def sign_in(
    store: Store, throttle: LoginThrottle, *, name: str, password: str, client: str
) -> accounts.SignIn:
    """Check a name and password and open a session, after the throttle; a failure is audited."""
    throttle.begin(name, client)
    try:
        with store.session() as session:
            grant = accounts.sign_in(session, name=name, password=password)
    except PermissionDeniedError:
        throttle.failed(name, client)
        _record_failure(store, name=name, via="login", actor=None)
        raise
    throttle.succeeded(name, client)
    return grant


def change_password(
    store: Store, throttle: LoginThrottle, *, name: str, current: str, new: str, client: str, reopen: bool
) -> tuple[User, accounts.SignIn | None]:
    """Change one's own password after the throttle and the current-password check (failures audited);
    with `reopen`, a fresh session for the browser that asked."""
    throttle.begin(name, client)
    try:
        with store.session() as session:
            user = accounts.change_password(session, name=name, current=current, new=new)
            grant = accounts.open_session(session, user=user) if reopen else None
    except PermissionDeniedError:
        throttle.failed(name, client)
        _record_failure(store, name=name, via="password_change", actor=name)
        raise
    throttle.succeeded(name, client)
    return user, grant


def verify(store: Store, throttle: LoginThrottle, *, name: str, password: str, client: str, via: str) -> User:
    """Check a name and password after the throttle, opening no session (`redline login` issues a
    token instead); a failure is audited like a failed web sign-in, with `via` saying where."""
    throttle.begin(name, client)
    try:
        with store.session() as session:
            user = accounts.check_password(session, name=name, password=password)
    except PermissionDeniedError:
        throttle.failed(name, client)
        _record_failure(store, name=name, via=via, actor=None)
        raise
    throttle.succeeded(name, client)
    return user
