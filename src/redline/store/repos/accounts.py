"""Credentials of local accounts: password hashes, browser sessions and API tokens (hashes only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.ids import new_id
from redline.core.people.users import Role, User
from redline.store import audit
from redline.store.tables import ApiTokenRow, UserRow, WebSessionRow


class ApiToken(BaseModel):
    """An API token as listed: never the token itself, only its first characters."""

    model_config = ConfigDict(frozen=True)

    id: str
    user: str = Field(description="User name the token acts as.")
    label: str = Field(description="What the token is for, e.g. 'nightly CI'.")
    prefix: str = Field(description="First characters of the token, to recognise it.")
    revoked: bool = False
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    scope: str = Field(default="read", description="'read' (safe requests only) or 'write'.")
    expires_at: datetime | None = Field(default=None, description="After this the token acts as no one.")


class WebSession(BaseModel):
    """A signed-in browser session."""

    model_config = ConfigDict(frozen=True)

    user: User
    csrf: str = Field(description="The session's anti-forgery token.")
    last_seen_at: datetime
    expires_at: datetime


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        email=row.email,
        roles=frozenset(Role(r) for r in row.roles),
        active=row.active,
    )


def _user_row(session: Session, name: str) -> UserRow:
    row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
    if row is None:
        raise NotFoundError(f"no user named '{name}'")
    return row


def password_hash(session: Session, name: str) -> tuple[User, str | None]:
    """An account and its stored password hash (None when no password was ever set)."""
    row = _user_row(session, name)
    return _user(row), row.password_hash


def set_password_hash(session: Session, name: str, digest: str, *, actor: str) -> User:
    """Store a new password hash and end the account's sessions (audited; the hash is not logged)."""
    row = _user_row(session, name)
    row.password_hash = digest
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    revoked = _revoke_all_tokens(session, row.id)
    audit.append(
        session,
        actor=actor,
        action="user.password",
        subject=row.id,
        payload={"name": name, "tokens_revoked": revoked},
    )
    return _user(row)


def _revoke_all_tokens(session: Session, user_id: str) -> int:
    rows = session.scalars(
        select(ApiTokenRow).where(ApiTokenRow.user_id == user_id, ApiTokenRow.revoked.is_(False))
    ).all()
    for token in rows:
        token.revoked = True
    return len(rows)


def deactivate(session: Session, name: str, *, actor: str) -> tuple[User, int, int]:
    """Deactivate an account, end its sessions, revoke its tokens (audited): (user, sessions, tokens)."""
    row = _user_row(session, name)
    row.active = False
    ended = session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    sessions = int(getattr(ended, "rowcount", 0) or 0)
    tokens = _revoke_all_tokens(session, row.id)
    audit.append(
        session,
        actor=actor,
        action="user.deactivate",
        subject=row.id,
        payload={"name": name, "sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return _user(row), sessions, tokens


def rehash_password(session: Session, name: str, digest: str) -> None:
    """Replace a hash with a stronger one of the same password (not a change of credentials)."""
    _user_row(session, name).password_hash = digest


def add_session(
    session: Session, *, user: User, token_hash: str, csrf: str, now: datetime, expires_at: datetime
) -> None:
    """Record a sign-in (audited)."""
    session.add(
        WebSessionRow(
            id=token_hash, user_id=user.id, csrf=csrf, created_at=now, last_seen_at=now, expires_at=expires_at
        )
    )
    audit.append(session, actor=user.name, action="auth.login", subject=user.id, payload={})


def get_session(session: Session, token_hash: str) -> WebSession | None:
    """The session with that token hash and its account, if both exist."""
    found = session.execute(
        select(WebSessionRow, UserRow)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.id == token_hash)
    ).first()
    if found is None:
        return None
    row, user = found
    return WebSession(
        user=_user(user), csrf=row.csrf, last_seen_at=row.last_seen_at, expires_at=row.expires_at
    )


def touch_session(session: Session, token_hash: str, *, now: datetime) -> None:
    """Note that the session was used (not audited: it changes no permission)."""
    row = session.get(WebSessionRow, token_hash)
    if row is not None:
        row.last_seen_at = now


def end_session(session: Session, token_hash: str, *, actor: str | None) -> bool:
    """Sign a session out (audited when it existed and someone ended it); expired ones go quietly."""
    row = session.get(WebSessionRow, token_hash)
    if row is None:
        return False
    user_id = row.user_id
    session.delete(row)
    if actor is not None:
        audit.append(session, actor=actor, action="auth.logout", subject=user_id, payload={})
    return True


def add_token(
    session: Session,
    *,
    name: str,
    label: str,
    token_hash: str,
    prefix: str,
    actor: str,
    scope: str = "read",
    expires_at: datetime | None = None,
) -> ApiToken:
    """Record an API token by its hash, with its scope and expiry (audited)."""
    user = _user_row(session, name)
    row = ApiTokenRow(
        id=new_id("tok"),
        user_id=user.id,
        label=label,
        token_hash=token_hash,
        prefix=prefix,
        scope=scope,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="token.issue",
        subject=row.id,
        payload={
            "user": name,
            "label": label,
            "prefix": prefix,
            "scope": scope,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return _token(row, name)


def _token(row: ApiTokenRow, user: str) -> ApiToken:
    return ApiToken(
        id=row.id,
        user=user,
        label=row.label,
        prefix=row.prefix,
        revoked=row.revoked,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        scope=row.scope,
        expires_at=row.expires_at,
    )


def token_user(session: Session, token_hash: str, *, now: datetime | None) -> User | None:
    """The account a live token acts as; notes its use at `now` (None: leaves no note)."""
    found = token_grant(session, token_hash, now=now)
    return found[0] if found is not None else None


def token_grant(session: Session, token_hash: str, *, now: datetime | None) -> tuple[User, ApiToken] | None:
    """The account a live (unrevoked) token acts as, and the token; notes its use at `now` (None: no note).

    Expiry is the caller's to check (it knows the time even when it leaves no note).
    """
    found = session.execute(
        select(ApiTokenRow, UserRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked.is_(False))
    ).first()
    if found is None:
        return None
    row, user = found
    if now is not None:
        row.last_used_at = now
    return _user(user), _token(row, user.name)


def list_tokens(session: Session, *, name: str | None = None) -> list[ApiToken]:
    """Tokens, newest first; of one account when `name` is given."""
    query = select(ApiTokenRow, UserRow.name).join(UserRow, UserRow.id == ApiTokenRow.user_id)
    if name is not None:
        query = query.where(UserRow.name == name)
    rows = session.execute(query.order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id)).all()
    return [_token(row, user) for row, user in rows]


def get_token(session: Session, token_id: str) -> ApiToken:
    """A token by id."""
    found = session.execute(
        select(ApiTokenRow, UserRow.name)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.id == token_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no API token with id '{token_id}'")
    return _token(found[0], found[1])


def revoke_token(session: Session, token_id: str, *, actor: str) -> ApiToken:
    """Revoke a token for good (audited)."""
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFoundError(f"no API token with id '{token_id}'")
    row.revoked = True
    audit.append(
        session, actor=actor, action="token.revoke", subject=token_id, payload={"prefix": row.prefix}
    )
    return get_token(session, token_id)
