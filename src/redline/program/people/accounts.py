"""Signing in: Argon2 password hashes, browser sessions and API tokens for CI (stored as hashes only)."""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, PermissionDeniedError, UsageError
from redline.core.people.users import Role, User
from redline.program.people.actors import acting_user
from redline.program.people.throttle import LoginThrottledError
from redline.store.repos import accounts as accounts_repo

SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=5)
MIN_PASSWORD = 10
TOKEN_PREFIX = "rl_"
TOKEN_DAYS = 90
"""How long a new API token lives unless its issuer says otherwise."""
TOKEN_MAX_DAYS = 366


class TokenScope(StrEnum):
    """What an API token may do: read (safe requests only) or write. No token administers users or
    issues tokens, whatever its scope."""

    READ = "read"
    WRITE = "write"
    CLI = "cli"
    """A `redline login` token: it acts on the command line only, and the web refuses it."""


MAX_CONCURRENT_VERIFY = 2
"""Argon2 checks at once (64 MiB each); more wait their turn, so a burst of logins cannot exhaust memory."""
VERIFY_WAIT_S = 30.0

_hasher = PasswordHasher()
_verify_slots = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFY)


def _verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (a dummy hash when there is none), one of a few at a time."""
    if not _verify_slots.acquire(timeout=VERIFY_WAIT_S):
        raise LoginThrottledError("the server is busy checking passwords; try again", retry_after_s=5)
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _verify_slots.release()
    return stored is not None


@cache
def _dummy_hash() -> str:
    """Verified against when an account has no password, so a wrong name costs as long as a wrong password."""
    return _hasher.hash("no password is set for this account")


class SignIn(BaseModel):
    """A new browser session: the cookie token and the anti-forgery token, both shown only to the browser."""

    model_config = ConfigDict(frozen=True)

    user: User
    token: str = Field(description="The session cookie's value.")
    csrf: str = Field(description="The session's anti-forgery token.")
    expires_at: datetime


class IssuedToken(BaseModel):
    """A new API token; `token` is shown once and never stored."""

    model_config = ConfigDict(frozen=True)

    token: str = Field(description="The token: send it as 'Authorization: Bearer TOKEN'. Shown once.")
    record: accounts_repo.ApiToken


def digest(token: str) -> str:
    """SHA-256 of a random token: enough for 256-bit secrets, which no one can guess or brute-force."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    """An Argon2id hash of a password, after checking it is long enough."""
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def set_password(session: Session, *, name: str, password: str, acting: str | None) -> User:
    """Set an account's password: the account itself or an admin may; other sessions are signed out."""
    who = acting_user(session, acting)
    if who.name != name and Role.ADMIN not in who.roles:
        raise PermissionDeniedError(f"{who.name} may not set the password of {name}: only an admin may")
    return accounts_repo.set_password_hash(session, name, hash_password(password), actor=who.name)


def change_password(session: Session, *, name: str, current: str, new: str) -> User:
    """Change one's own password after checking the current one; other sessions are signed out."""
    user, stored = accounts_repo.password_hash(session, name)
    if not _verify(stored, current):
        raise PermissionDeniedError("the current password is not right")
    return accounts_repo.set_password_hash(session, user.name, hash_password(new), actor=user.name)


def sign_in(session: Session, *, name: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a name and password and open a session; every failure reads the same to the caller."""
    return open_session(session, user=check_password(session, name=name, password=password), now=now)


def check_password(session: Session, *, name: str, password: str) -> User:
    """The active account whose password this is; every failure reads the same to the caller."""
    refused = PermissionDeniedError("wrong user name or password")
    try:
        user, stored = accounts_repo.password_hash(session, name)
    except NotFoundError:
        user, stored = None, None
    if not _verify(stored, password) or user is None or stored is None or not user.active:
        raise refused
    if _hasher.check_needs_rehash(stored):
        accounts_repo.rehash_password(session, name, _hasher.hash(password))
    return user


def open_session(session: Session, *, user: User, now: datetime | None = None) -> SignIn:
    """A new session for an account whose credentials were checked."""
    when = now or datetime.now(UTC)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = when + SESSION_MAX
    accounts_repo.add_session(
        session, user=user, token_hash=digest(token), csrf=csrf, now=when, expires_at=expires
    )
    return SignIn(user=user, token=token, csrf=csrf, expires_at=expires)


def session_of(
    session: Session, token: str, *, now: datetime | None = None, touch: bool = True
) -> accounts_repo.WebSession | None:
    """The live session a cookie names; expired, idle or deactivated ones count as none.

    `touch=False` leaves its last-seen time alone (pages whose visit must leave no trace, such as
    raising an anonymous concern).
    """
    when = now or datetime.now(UTC)
    key = digest(token)
    found = accounts_repo.get_session(session, key)
    if found is None:
        return None
    last = _aware(found.last_seen_at)
    if when >= _aware(found.expires_at) or when - last >= SESSION_IDLE or not found.user.active:
        accounts_repo.end_session(session, key, actor=None)
        return None
    if touch and when - last >= TOUCH_EVERY:
        accounts_repo.touch_session(session, key, now=when)
    return found


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def sign_out(session: Session, token: str, *, user: str) -> None:
    """End a session."""
    accounts_repo.end_session(session, digest(token), actor=user)


def issue_token(
    session: Session,
    *,
    name: str,
    label: str,
    acting: str | None,
    scope: TokenScope = TokenScope.READ,
    days: int = TOKEN_DAYS,
    now: datetime | None = None,
) -> IssuedToken:
    """A new API token for an account: the account itself or an admin may issue it.

    Tokens are read-only unless `scope` is write, and expire after `days` (1 to TOKEN_MAX_DAYS).
    """
    who = acting_user(session, acting)
    if who.name != name and Role.ADMIN not in who.roles:
        raise PermissionDeniedError(f"{who.name} may not issue tokens for {name}: only an admin may")
    if TokenScope(scope) is TokenScope.CLI:
        raise UsageError("command-line tokens come from 'redline login' only")
    label = label.strip()
    if not label:
        raise UsageError("say what the token is for: give it a label")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise UsageError(f"a token lives 1 to {TOKEN_MAX_DAYS} days, not {days}")
    expires = (now or datetime.now(UTC)) + timedelta(days=days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = accounts_repo.add_token(
        session,
        name=name,
        label=label,
        token_hash=digest(token),
        prefix=token[:10],
        actor=who.name,
        scope=TokenScope(scope).value,
        expires_at=expires,
    )
    return IssuedToken(token=token, record=record)


def issue_cli_token(
    session: Session, *, user: User, label: str, days: int, now: datetime | None = None
) -> IssuedToken:
    """A command-line token for an account whose password was just checked (`redline login`)."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise UsageError(f"a sign-in lives 1 to {TOKEN_MAX_DAYS} days, not {days}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = accounts_repo.add_token(
        session,
        name=user.name,
        label=label,
        token_hash=digest(token),
        prefix=token[:10],
        actor=user.name,
        scope=TokenScope.CLI.value,
        expires_at=(now or datetime.now(UTC)) + timedelta(days=days),
    )
    return IssuedToken(token=token, record=record)


class TokenGrant(BaseModel):
    """Who a bearer token acts as, and what it may do."""

    model_config = ConfigDict(frozen=True)

    user: User
    scope: TokenScope
    prefix: str = Field(description="The token's first characters, for the audit log.")


def token_grant(
    session: Session, token: str, *, now: datetime | None = None, touch: bool = True, cli: bool = False
) -> TokenGrant | None:
    """The live grant of a bearer token: unrevoked, unexpired, of an active account; else None.

    Command-line tokens (`redline login`) count only where `cli` says the command line asks, and
    only they count there.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    when = now or datetime.now(UTC)
    found = accounts_repo.token_grant(session, digest(token), now=when if touch else None)
    if found is None:
        return None
    user, record = found
    if (record.scope == TokenScope.CLI.value) != cli:
        return None
    if not user.active or (record.expires_at is not None and when >= _aware(record.expires_at)):
        return None
    return TokenGrant(user=user, scope=TokenScope(record.scope), prefix=record.prefix)


def token_user(
    session: Session, token: str, *, now: datetime | None = None, touch: bool = True
) -> User | None:
    """The active account a live bearer token acts as, or None; `touch=False` leaves its last use alone."""
    grant = token_grant(session, token, now=now, touch=touch)
    return grant.user if grant is not None else None


def list_tokens(session: Session, *, name: str | None, acting: str | None) -> list[accounts_repo.ApiToken]:
    """Tokens of one account (its own, or any for an admin); all tokens for an admin when no name."""
    who = acting_user(session, acting)
    if (name is None or name != who.name) and Role.ADMIN not in who.roles:
        raise PermissionDeniedError(f"{who.name} may list only their own tokens")
    return accounts_repo.list_tokens(session, name=name)


def revoke_token(session: Session, *, token_id: str, acting: str | None) -> accounts_repo.ApiToken:
    """Revoke a token: its owner or an admin may."""
    who = acting_user(session, acting)
    token = accounts_repo.get_token(session, token_id)
    if token.user != who.name and Role.ADMIN not in who.roles:
        raise PermissionDeniedError(f"{who.name} may not revoke a token of {token.user}")
    return accounts_repo.revoke_token(session, token_id, actor=who.name)
