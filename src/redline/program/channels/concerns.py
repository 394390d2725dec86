"""The anonymous concern channel: anyone in the program raises a concern without being identifiable.

A concern is about the program itself, a release decision, a finding, or anything else. It may be
raised by anyone with an account (signed in; the account is checked and then forgotten), by anyone
holding a one-time link an admin issued (the link is deleted when used), or from the CLI by anyone
with access to the workspace. The reporter gets a claim code, shown once, with which they read the
thread and add follow-ups without signing in. The committee and admins handle the queue.

What is kept, and what is not:

- A concern stores its subject, optional reference, text, status and the **UTC day** it was raised.
  No user id, no client address, no user agent, no time of day; ids are random (`new_id`), never
  sequential, and the tables have no SQLite rowid whose order could be matched with other tables.
- The claim code has 160 random bits and is stored only as a SHA-256 hash; so is a link's token.
  A used link is deleted, so nothing ties it to the concern it opened.
- Handler steps (respond, acknowledge and every status change, issuing links) are audited at once
  with the handler as actor, like every other state change in Redline.
- Reporter steps are **not** written to the hash chain when they happen. The chain is ordered and
  timestamped: an event written at the moment of a raise would sit between other users' events and
  tell, to the second, when it was raised (and so, with the server logs or a calendar, by whom).
  Instead each reporter step is kept as a pending day-level fact, and the next handler step writes
  all pending facts into the chain just before its own event, with actor "anonymous" and the day
  only (raises first, then follow-ups, each ordered by day and random id). The chain still records
  every step, stays verifiable, and its order only says "before the handler acted", which the
  handler knows anyway.
- Wrong claim codes are counted in memory only (`ClaimThrottle`), keyed by a salted hash of the
  client's network that lives as long as the process; nothing of it is stored. Only misses count:
  the right code always opens its thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.channels.concerns import ConcernStatus, check_concern_transition, concern_moves
from redline.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    RedlineError,
    UsageError,
)
from redline.core.ids import new_id
from redline.core.people.users import Role, User
from redline.program.people.actors import authorize
from redline.program.people.permissions import CONCERN_HANDLERS, CONCERN_LINK_ISSUERS
from redline.program.people.throttle import client_network
from redline.store import audit
from redline.store.repos import concerns as concerns_repo
from redline.store.repos.concerns import StoredConcern, StoredLink, StoredMessage

LINK_DAYS = 14
MAX_LINK_DAYS = 90
CLAIM_BYTES = 20  # 160 bits: out of reach of guessing even without the throttle
CLAIM_PATH = "/concerns/claim"
RAISE_PATH = "/concerns/new"


class SubjectKind(StrEnum):
    """What a concern is about."""

    PROGRAM = "program"
    RELEASE_DECISION = "release_decision"
    FINDING = "finding"
    OTHER = "other"


class ConcernDraft(BaseModel):
    """What a reporter writes."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    subject_kind: SubjectKind = Field(description="What the concern is about.")
    reference: str = Field(
        default="", max_length=200, description="Optional id it refers to, e.g. a release or finding id."
    )
    text: str = Field(min_length=1, max_length=20_000, description="The concern, in the reporter's words.")


class Raised(BaseModel):
    """What the reporter gets back once: the claim code opens the thread later."""

    model_config = ConfigDict(frozen=True)

    concern_id: str
    raised_on: date
    claim_code: str = Field(description="Shown once and stored only as a hash; keep it to read replies.")


class ThreadEntry(BaseModel):
    """One entry of the thread as the reporter sees it: handlers appear by role unless they signed."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="'reporter', 'response' or 'status'.")
    author: str = Field(description="'you', a role such as 'committee', or a signed handler's name and role.")
    text: str
    status: str | None = None
    day: date


class ReporterView(BaseModel):
    """A concern and its thread, as the claim code's holder sees it."""

    model_config = ConfigDict(frozen=True)

    id: str
    subject_kind: SubjectKind
    reference: str
    text: str
    status: ConcernStatus
    status_reason: str
    raised_on: date
    thread: list[ThreadEntry]


class QueueEntry(BaseModel):
    """A concern in the handlers' queue."""

    model_config = ConfigDict(frozen=True)

    concern: StoredConcern
    entries: int = Field(description="Entries in its thread.")
    awaiting_reply: bool = Field(description="Nothing answered yet, or the reporter spoke last.")


class HandlerView(BaseModel):
    """A concern, its full thread and the status moves open to handlers."""

    model_config = ConfigDict(frozen=True)

    concern: StoredConcern
    thread: list[StoredMessage]
    moves: list[ConcernStatus]


class IssuedLink(BaseModel):
    """A one-time link; `token` is shown once and never stored."""

    model_config = ConfigDict(frozen=True)

    token: str = Field(description="Shown once; the link is RAISE_PATH?link=TOKEN.")
    path: str = Field(description="The path to hand out, with the token.")
    link: StoredLink


class ClaimNotFoundError(NotFoundError):
    """No concern matches a claim code (the message says nothing more)."""


class ClaimThrottledError(RedlineError):
    """Too many wrong claim codes from one client in the window."""

    exit_code = 2

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


WRONG_CODE = (
    "No concern matches this claim code. Check that you copied all of it (letters, digits and dashes; "
    "case does not matter)."
)


def _today(now: datetime | None) -> date:
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def new_claim_code() -> str:
    """A fresh claim code: 160 random bits in base32, grouped by four for copying."""
    raw = base64.b32encode(secrets.token_bytes(CLAIM_BYTES)).decode("ascii").rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_claim(code: str) -> str:
    """A claim code as hashed: upper case, without spaces or dashes (so copies with either still work)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def claim_digest(code: str) -> str:
    """What is stored of a claim code: a SHA-256 of its normal form (160 random bits need no slow hash)."""
    return hashlib.sha256(f"redline-concern-claim:{normalize_claim(code)}".encode()).hexdigest()


def link_digest(token: str) -> str:
    """What is stored of a one-time link's token."""
    return hashlib.sha256(f"redline-concern-link:{token.strip()}".encode()).hexdigest()


def role_of(user: User) -> Role:
    """The role a handler answers as: committee before admin."""
    return Role.COMMITTEE if Role.COMMITTEE in user.roles else Role.ADMIN


def link_is_valid(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """Whether a one-time link can still be used (checked before showing its form; not consumed)."""
    found = concerns_repo.find_link(session, link_digest(token)) if token else None
    return found is not None and _aware(found.expires_at) > (now or datetime.now(UTC))


def raise_concern(
    session: Session,
    draft: ConcernDraft,
    *,
    account: User | None = None,
    link: str | None = None,
    workspace_access: bool = False,
    now: datetime | None = None,
) -> Raised:
    """Queue a concern; who raised it is checked (an account, a link, or the CLI) and never stored.

    `account` is the signed-in user, only checked to be active. `link` is consumed (deleted) in the
    same transaction. `workspace_access` is for the CLI, whose user can open the database anyway.
    """
    when = now or datetime.now(UTC)
    if link:
        if not link_is_valid(session, link, now=when) or not concerns_repo.use_link(
            session, link_digest(link)
        ):
            raise PermissionDeniedError(
                "this link cannot be used: it was used already or has expired; ask an admin for a new one"
            )
    elif not workspace_access and (account is None or not account.active):
        raise PermissionDeniedError(
            "sign in, or open the one-time link an admin gave you, to raise a concern"
        )
    code = new_claim_code()
    record = StoredConcern(
        id=new_id("cn"),
        raised_on=_today(when),
        subject_kind=draft.subject_kind.value,
        reference=draft.reference,
        text=draft.text,
        status=ConcernStatus.NEW.value,
        updated_on=_today(when),
    )
    stored = concerns_repo.add_concern(session, record, claim_hash=claim_digest(code))
    return Raised(concern_id=stored.id, raised_on=stored.raised_on, claim_code=code)


def _author(msg: StoredMessage) -> str:
    if msg.kind == concerns_repo.REPORTER:
        return "you"
    role = msg.role or Role.COMMITTEE.value
    return f"{msg.handler} ({role})" if msg.signed and msg.handler else role


def _reporter_view(session: Session, concern: StoredConcern) -> ReporterView:
    entries = [
        ThreadEntry(kind=m.kind, author=_author(m), text=m.text, status=m.status, day=m.day)
        for m in concerns_repo.thread(session, concern.id)
    ]
    return ReporterView(
        id=concern.id,
        subject_kind=SubjectKind(concern.subject_kind),
        reference=concern.reference,
        text=concern.text,
        status=ConcernStatus(concern.status),
        status_reason=concern.status_reason,
        raised_on=concern.raised_on,
        thread=entries,
    )


def _claimed(session: Session, code: str) -> StoredConcern:
    found = concerns_repo.by_claim(session, claim_digest(code)) if normalize_claim(code) else None
    if found is None:
        raise ClaimNotFoundError(WRONG_CODE)
    return found


def read_claim(session: Session, code: str) -> ReporterView:
    """The concern and thread a claim code opens, as its reporter sees them."""
    return _reporter_view(session, _claimed(session, code))


def follow_up(session: Session, code: str, text: str, *, now: datetime | None = None) -> ReporterView:
    """Add the reporter's follow-up to the thread (it joins the audit chain when a handler next acts)."""
    text = text.strip()
    if not text:
        raise UsageError("write something to add to the thread")
    if len(text) > 20_000:
        raise UsageError("a follow-up holds at most 20,000 characters")
    concern = _claimed(session, code)
    day = _today(now)
    concerns_repo.add_message(
        session,
        StoredMessage(
            id=new_id("cnm"),
            concern_id=concern.id,
            position=0,
            kind=concerns_repo.REPORTER,
            text=text,
            day=day,
        ),
    )
    concerns_repo.touch(session, concern.id, day=day)
    return _reporter_view(session, concerns_repo.get_concern(session, concern.id))


def queue(session: Session, *, acting: str | None, status: ConcernStatus | None = None) -> list[QueueEntry]:
    """The handlers' queue, newest day first."""
    authorize(session, acting, CONCERN_HANDLERS, action="read the concern queue")
    entries = []
    for concern in concerns_repo.list_concerns(session, status=status.value if status else None):
        thread = concerns_repo.thread(session, concern.id)
        answers = [m for m in thread if m.kind != concerns_repo.STATUS]
        awaiting = not any(m.kind == concerns_repo.RESPONSE for m in thread) or (
            bool(answers) and answers[-1].kind == concerns_repo.REPORTER
        )
        entries.append(QueueEntry(concern=concern, entries=len(thread), awaiting_reply=awaiting))
    return entries


def _view(session: Session, concern_id: str) -> HandlerView:
    concern = concerns_repo.get_concern(session, concern_id)
    moves = concern_moves(ConcernStatus(concern.status))
    return HandlerView(concern=concern, thread=concerns_repo.thread(session, concern_id), moves=moves)


def show(session: Session, concern_id: str, *, acting: str | None) -> HandlerView:
    """One concern with its thread, for handlers."""
    authorize(session, acting, CONCERN_HANDLERS, action="read concerns")
    return _view(session, concern_id)


def _move(
    session: Session, concern: StoredConcern, to: ConcernStatus, *, user: User, reason: str, day: date
) -> None:
    before = ConcernStatus(concern.status)
    check_concern_transition(before, to, reason=reason)
    concerns_repo.set_status(session, concern.id, status=to.value, reason=reason, day=day)
    concerns_repo.add_message(
        session,
        StoredMessage(
            id=new_id("cnm"),
            concern_id=concern.id,
            position=0,
            kind=concerns_repo.STATUS,
            handler=user.name,
            role=role_of(user).value,
            status=to.value,
            text=reason,
            day=day,
        ),
    )
    audit.append(
        session,
        actor=user.name,
        action="concern.status",
        subject=concern.id,
        payload={"from": before.value, "to": to.value, "reason": reason},
    )


def set_status(
    session: Session,
    concern_id: str,
    status: ConcernStatus,
    *,
    acting: str | None,
    reason: str = "",
    now: datetime | None = None,
) -> HandlerView:
    """Move a concern (acknowledge, investigate, resolve, dismiss with a reason, reopen); audited."""
    user = authorize(session, acting, CONCERN_HANDLERS, action="change the status of concerns")
    concern = concerns_repo.get_concern(session, concern_id)
    concerns_repo.flush_reporter_facts(session)
    _move(session, concern, status, user=user, reason=reason.strip(), day=_today(now))
    return _view(session, concern_id)


def acknowledge(
    session: Session, concern_id: str, *, acting: str | None, now: datetime | None = None
) -> HandlerView:
    """Tell the reporter the concern was seen."""
    return set_status(session, concern_id, ConcernStatus.ACKNOWLEDGED, acting=acting, now=now)


def respond(
    session: Session,
    concern_id: str,
    text: str,
    *,
    acting: str | None,
    sign: bool = False,
    now: datetime | None = None,
) -> HandlerView:
    """Answer in the thread, as a role unless `sign`; answering a new concern acknowledges it. Audited."""
    user = authorize(session, acting, CONCERN_HANDLERS, action="answer concerns")
    text = text.strip()
    if not text:
        raise UsageError("write an answer")
    if len(text) > 20_000:
        raise UsageError("an answer holds at most 20,000 characters")
    concern = concerns_repo.get_concern(session, concern_id)
    day = _today(now)
    concerns_repo.flush_reporter_facts(session)
    if concern.status == ConcernStatus.NEW:
        _move(session, concern, ConcernStatus.ACKNOWLEDGED, user=user, reason="", day=day)
    message = concerns_repo.add_message(
        session,
        StoredMessage(
            id=new_id("cnm"),
            concern_id=concern_id,
            position=0,
            kind=concerns_repo.RESPONSE,
            handler=user.name,
            role=role_of(user).value,
            signed=sign,
            text=text,
            day=day,
        ),
    )
    concerns_repo.touch(session, concern_id, day=day)
    audit.append(
        session,
        actor=user.name,
        action="concern.respond",
        subject=concern_id,
        payload={"message": message.id, "signed": sign},
    )
    return _view(session, concern_id)


def issue_link(
    session: Session, *, acting: str | None, days: int = LINK_DAYS, now: datetime | None = None
) -> IssuedLink:
    """A one-time link to raise a concern without an account (admins only; audited without the token)."""
    user = authorize(session, acting, CONCERN_LINK_ISSUERS, action="issue concern links")
    if not 1 <= days <= MAX_LINK_DAYS:
        raise UsageError(f"a link lasts from 1 to {MAX_LINK_DAYS} days")
    when = now or datetime.now(UTC)
    concerns_repo.purge_links(session, now=when)
    concerns_repo.flush_reporter_facts(session)
    token = secrets.token_urlsafe(32)
    stored = concerns_repo.add_link(
        session,
        link_id=new_id("cnl"),
        token_hash=link_digest(token),
        issued_by=user.name,
        expires_at=when + timedelta(days=days),
    )
    audit.append(
        session,
        actor=user.name,
        action="concern.link.issue",
        subject=stored.id,
        payload={"expires_at": stored.expires_at.isoformat()},
    )
    return IssuedLink(token=token, path=f"{RAISE_PATH}?link={token}", link=stored)


def list_links(session: Session, *, acting: str | None, now: datetime | None = None) -> list[StoredLink]:
    """Links not yet used or expired (admins only)."""
    authorize(session, acting, CONCERN_LINK_ISSUERS, action="list concern links")
    when = now or datetime.now(UTC)
    return [link for link in concerns_repo.list_links(session) if _aware(link.expires_at) > when]


class ClaimThrottle:
    """Counts wrong claim codes per client, in memory only, and refuses further wrong codes past the limit.

    A client is its address, or its /64 for IPv6 (`throttle.client_network`). Only misses count, and
    the code is looked up before the throttle is asked, so a reporter whose network guessed wrong still
    opens their thread with the right code; there is no overall limit that one guesser could use to
    close the channel for everyone (claim codes have 160 bits: the limit is about load, not luck).
    Clients are keyed by an HMAC of their network under a salt drawn when the throttle is made, so
    even the process's memory holds no address.
    """

    def __init__(
        self,
        *,
        per_client: int = 10,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.per_client = per_client
        self.window = window
        self._clock = clock or (lambda: datetime.now(UTC))
        self._salt = secrets.token_bytes(32)
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _key(self, client: str) -> str:
        return hmac.new(self._salt, client_network(client).encode(), hashlib.sha256).hexdigest()

    def _prune(self, times: deque[datetime], now: datetime) -> None:
        while times and now - times[0] >= self.window:
            times.popleft()

    def check(self, client: str) -> None:
        """Raise ClaimThrottledError while the client is over the limit of wrong codes."""
        now = self._clock()
        with self._lock:
            mine = self._failures.get(self._key(client), deque())
            self._prune(mine, now)
            if len(mine) >= self.per_client:
                wait = mine[0] + self.window - now
                raise ClaimThrottledError(
                    "too many wrong claim codes; wait a while before trying again",
                    retry_after_s=max(1, int(wait.total_seconds())),
                )

    def failed(self, client: str) -> None:
        """Count one wrong claim code."""
        now = self._clock()
        with self._lock:
            self._failures.setdefault(self._key(client), deque()).append(now)
            if len(self._failures) > 10_000:  # bound memory: forget clients whose window has passed
                for stale in [k for k, v in self._failures.items() if not v or now - v[-1] >= self.window]:
                    del self._failures[stale]

    def missed(self, client: str) -> None:
        """A wrong code: refuse it with ClaimThrottledError if the client is over the limit, else count it."""
        self.check(client)
        self.failed(client)
