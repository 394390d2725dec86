"""External intake: reports from outside researchers -> triage queue -> candidate findings.

The fields follow common AI bug-bounty practice (reporter contact, affected model and version,
category, steps, transcript, claimed severity, disclosure preference); the coordinated-disclosure
clock starts at receipt (default 90 days, as in Project Zero's policy; `intake.disclosure_days`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.channels.intake import IntakeStatus, ReporterStatus, reporter_status
from redline.core.errors import NotFoundError, RedlineError, UsageError
from redline.core.ids import new_id
from redline.core.register.findings import FindingStatus
from redline.core.register.mitigations import VerificationOutcome
from redline.core.register.proposals import Embed
from redline.program.channels.intake_triage import suggest_duplicate
from redline.program.people.throttle import client_network
from redline.store.repos import findings as findings_repo
from redline.store.repos import intake as intake_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.session import Store


class IntakeCategory(StrEnum):
    """What kind of failure the researcher reports."""

    JAILBREAK = "jailbreak"
    PROMPT_INJECTION = "prompt_injection"
    DATA_LEAKAGE = "data_leakage"
    HARMFUL_CONTENT = "harmful_content"
    BIAS = "bias"
    MISINFORMATION = "misinformation"
    EXCESSIVE_AGENCY = "excessive_agency"
    MODEL_THEFT = "model_theft"
    DENIAL_OF_SERVICE = "denial_of_service"
    OTHER = "other"


class SeverityClaim(StrEnum):
    """The severity the researcher claims; triage sets the real one."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    SEVERE = "severe"


class AccessSurface(StrEnum):
    """Where the researcher reached the model."""

    API = "api"
    APP = "app"
    AGENT = "agent"
    OTHER = "other"


class DisclosurePreference(StrEnum):
    """What the researcher wants done about publication."""

    COORDINATED = "coordinated"
    PRIVATE = "private"
    OWN_DATE = "own_date"


class IntakeReport(BaseModel):
    """A report from an outside researcher, as submitted through the public page or API."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    reporter_contact: str = Field(min_length=3, max_length=320, description="E-mail or handle to reply to.")
    credit_name: str = Field(
        default="", max_length=200, description="Name to credit; empty to stay anonymous."
    )
    affected_system: str = Field(min_length=1, max_length=200, description="Model or product affected.")
    affected_version: str = Field(min_length=1, max_length=100, description="Its version, as seen.")
    access_surface: AccessSurface = Field(default=AccessSurface.API, description="Where it was reached.")
    category: IntakeCategory
    title: str = Field(min_length=3, max_length=300, description="The failure, in a line.")
    reproduction_steps: str = Field(min_length=1, max_length=20_000, description="How to reproduce it.")
    transcript: str = Field(default="", max_length=50_000, description="Prompts and answers, verbatim.")
    reproducibility: str = Field(default="", max_length=200, description="E.g. '4 of 5 attempts'.")
    impact: str = Field(default="", max_length=5_000, description="Who is harmed, and how.")
    severity_claim: SeverityClaim = SeverityClaim.MEDIUM
    disclosure_preference: DisclosurePreference = DisclosurePreference.COORDINATED
    planned_disclosure: date | None = Field(default=None, description="The researcher's own date, if any.")
    accept_terms: bool = Field(description="The researcher accepts the disclosure policy and safe harbour.")


class Acknowledgement(BaseModel):
    """What the researcher gets back: the id to quote, and the disclosure date."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Acknowledgement id; quote it in any follow-up.")
    received_at: datetime
    disclosure_due: date = Field(description="Coordinated-disclosure date, unless agreed otherwise.")
    status: IntakeStatus = IntakeStatus.RECEIVED
    status_secret: str | None = Field(
        default=None,
        description="Shown once, never stored (only its hash): with the id it opens the report's status "
        "at /report/status.",
    )


class ReportStatus(BaseModel):
    """What a reporter sees of their report: where it stands, triage's words for them, the disclosure date."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Acknowledgement id.")
    status: ReporterStatus = Field(
        description="received, triaging, accepted, duplicate, declined or fixed (the finding was verified)."
    )
    received_at: datetime
    outcome: str = Field(default="", description="What triage tells the reporter.")
    outcome_at: datetime | None = Field(default=None, description="When triage last wrote to the reporter.")
    disclosure_due: date = Field(description="Planned coordinated-disclosure date.")


class StatusNotFoundError(NotFoundError):
    """No report matches an id and secret (the same answer for an unknown id and for a wrong secret)."""


NO_SUCH_STATUS = "no report matches this acknowledgement id and secret; check that you copied both in full"


class IntakeRateLimitedError(RedlineError):
    """One client address sent too many reports in the window."""

    exit_code = 2

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class IntakeTooLargeError(RedlineError):
    """A report is larger than the configured limit."""

    exit_code = 2


SECRET_FILE = "web-secret"
_PROCESS_KEY = secrets.token_bytes(32)
_SUBMIT_LOCK = threading.Lock()
"""Serialises the rate check and the insert within the process; the database lock covers the rest."""


def client_key(address: str, secret: bytes) -> str:
    """What is kept of a client address while its rate window lasts: an HMAC of its network (an IPv6
    address by its /64) under the workspace secret, so the addresses cannot be enumerated back."""
    network = client_network(address)
    return hmac.new(secret, f"redline-intake:{network}".encode(), hashlib.sha256).hexdigest()


def workspace_secret(settings: Settings) -> bytes:
    """The workspace's secret (the web workbench creates it); a per-process key when there is none yet."""
    path = settings.state_dir / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return _PROCESS_KEY


def status_digest(secret: str) -> str:
    """What is stored of a status secret: a SHA-256 under its own prefix. The secret has 256 random bits,
    so a fast hash cannot be brute-forced; a slow one would only make the public page cheaper to flood,
    and a keyed one would break every secret if the workspace's key were replaced."""
    return hashlib.sha256(f"redline-intake-status:{secret.strip()}".encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def forget_clients(store: Store, settings: Settings, *, now: datetime | None = None) -> int:
    """Clear the client hash of every submission older than the rate window; returns how many."""
    since = (now or datetime.now(UTC)) - timedelta(minutes=settings.config.intake.rate_window_minutes)
    with store.session() as session:
        return intake_repo.forget_clients(session, before=since)


def submit(
    store: Store,
    settings: Settings,
    report: IntakeReport,
    *,
    client: str,
    embed: Embed | None = None,
    secret: bytes | None = None,
    now: datetime | None = None,
) -> Acknowledgement:
    """Queue a report after the size and rate limits; suggests the existing finding it may repeat.

    The rate check and the insert are serialised (a process lock, and a transaction lock on
    PostgreSQL), so parallel reports from one client cannot pass the limit together. Client hashes
    older than the rate window are cleared in the same transaction.
    """
    config = settings.config.intake
    when = now or datetime.now(UTC)
    size = len(report.model_dump_json().encode("utf-8"))
    if size > config.max_bytes:
        raise IntakeTooLargeError(f"the report is {size} bytes; the limit is {config.max_bytes}")
    if not report.accept_terms:
        raise UsageError("accept the disclosure policy and safe-harbour terms to submit a report")
    key = client_key(client, secret if secret is not None else workspace_secret(settings))
    since = when - timedelta(minutes=config.rate_window_minutes)
    with store.session() as session:  # the slow part (embeddings) before the lock
        match = suggest_duplicate(session, _texts(report), embed=embed)
    with _SUBMIT_LOCK, store.session() as session:
        intake_repo.lock_submissions(session)
        intake_repo.forget_clients(session, before=since)
        if intake_repo.count_since(session, client=key, since=since) >= config.rate_limit:
            oldest = intake_repo.oldest_since(session, client=key, since=since) or when
            wait = _aware(oldest) + timedelta(minutes=config.rate_window_minutes) - when
            raise IntakeRateLimitedError(
                f"at most {config.rate_limit} reports per {config.rate_window_minutes} minutes from one "
                "address; please wait before sending another",
                retry_after_s=max(1, int(wait.total_seconds())),
            )
        record = intake_repo.StoredSubmission(
            id=new_id("ack"),
            received_at=when,
            status=IntakeStatus.RECEIVED.value,
            category=report.category.value,
            severity_claim=report.severity_claim.value,
            title=report.title,
            body=report.model_dump(mode="json"),
            duplicate_of=match.finding_id,
            similarity=match.similarity,
            match_method=match.method,
            disclosure_due=(when + timedelta(days=config.disclosure_days)).date(),
        )
        status_secret = secrets.token_urlsafe(32)
        stored = intake_repo.add_submission(
            session, record, client=key, actor="intake", status_secret_hash=status_digest(status_secret)
        )
    return Acknowledgement(
        id=stored.id, received_at=when, disclosure_due=stored.disclosure_due, status_secret=status_secret
    )


def _fixed(session: Session, finding_id: str | None) -> bool:
    """Whether the report's finding was verified fixed (verified, or closed after a passing verification)."""
    if finding_id is None:
        return False
    status = findings_repo.get_finding(session, finding_id).status
    if status is FindingStatus.VERIFIED:
        return True
    if status is not FindingStatus.CLOSED:
        return False
    found = mitigations_repo.list_verifications(session, finding_id=finding_id)
    return any(v.outcome is VerificationOutcome.VERIFIED for v in found)


def report_status(store: Store, *, submission_id: str, secret: str) -> ReportStatus:
    """A report's status for its reporter, given the id and the secret of its acknowledgement.

    An unknown id and a wrong secret raise the same `StatusNotFoundError`, after the same work (the
    secret is hashed and compared in constant time either way)."""
    ack_id = submission_id.strip()[:60]
    given = status_digest(secret)
    with store.session() as session:
        stored = intake_repo.status_secret_hash(session, ack_id) if ack_id else None
        matches = (
            hmac.compare_digest(stored or "0" * 64, given) and stored is not None and bool(secret.strip())
        )
        if not matches:
            raise StatusNotFoundError(NO_SUCH_STATUS)
        sub = intake_repo.get_submission(session, ack_id)
        fixed = _fixed(session, sub.finding_id)
    return ReportStatus(
        id=sub.id,
        status=reporter_status(IntakeStatus(sub.status), replied=bool(sub.reporter_note), fixed=fixed),
        received_at=sub.received_at,
        outcome=sub.reporter_note,
        outcome_at=sub.reporter_note_at,
        disclosure_due=sub.disclosure_due,
    )


class StatusThrottle:
    """Status look-ups that match no report, counted per client network in memory, with the limits of
    intake submissions (`intake.rate_limit` per `intake.rate_window_minutes`).

    The look-up comes first, so a reporter with the right id and secret is always answered; only misses
    count (the secrets have 256 bits: the limit is about load, not luck)."""

    def __init__(self, settings: Settings) -> None:
        from redline.program.channels.concerns import ClaimThrottle

        config = settings.config.intake
        self._misses = ClaimThrottle(
            per_client=config.rate_limit, window=timedelta(minutes=config.rate_window_minutes)
        )
        self._config = config

    def missed(self, client: str) -> None:
        """Count a miss, or raise `IntakeRateLimitedError` once the client is over the limit."""
        from redline.program.channels.concerns import ClaimThrottledError

        try:
            self._misses.missed(client)
        except ClaimThrottledError as exc:
            raise IntakeRateLimitedError(
                f"at most {self._config.rate_limit} status look-ups that match no report per "
                f"{self._config.rate_window_minutes} minutes from one address; please wait before trying "
                "again",
                retry_after_s=exc.retry_after_s,
            ) from exc


def _texts(report: IntakeReport) -> Sequence[str]:
    texts = [report.title, report.reproduction_steps[:2000]]
    if report.transcript:
        texts.append(report.transcript[:2000])
    return texts
