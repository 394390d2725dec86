"""Onboarding consents: who agreed to which version of each section of the material, and withdrawals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import UsageError
from redline.store import audit
from redline.store.tables import OnboardingConsentRow


class SectionVersion(BaseModel):
    """The version of one section of the material: its id, human label and content hash."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Section id, e.g. 'code-of-conduct' or 'warning.privacy'.")
    version: str = Field(description="Human version label the material gives.")
    digest: str = Field(description="SHA-256 of the section's normalised title and text.")


class OnboardingConsent(BaseModel):
    """One consent: the person, when, and the version of each section agreed to."""

    model_config = ConfigDict(frozen=True)

    id: int
    user: str
    sections: tuple[SectionVersion, ...]
    consented_at: datetime
    withdrawn_at: datetime | None = None
    withdraw_reason: str = ""

    def digests(self) -> dict[str, str]:
        """Section id -> the content hash agreed to."""
        return {s.id: s.digest for s in self.sections}


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _consent(row: OnboardingConsentRow) -> OnboardingConsent:
    return OnboardingConsent(
        id=row.id,
        user=row.user,
        sections=tuple(SectionVersion.model_validate(s) for s in row.sections),
        consented_at=_aware(row.consented_at),
        withdrawn_at=_aware(row.withdrawn_at) if row.withdrawn_at is not None else None,
        withdraw_reason=row.withdraw_reason,
    )


def record_consent(
    session: Session, *, user: str, sections: Sequence[SectionVersion], at: datetime
) -> OnboardingConsent:
    """Store one person's consent to these sections (audited with every section's version)."""
    versions = [s.model_dump(mode="json") for s in sections]
    row = OnboardingConsentRow(user=user, sections=versions, consented_at=at)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=user,
        action="onboarding.consent",
        subject=user,
        payload={"consent": row.id, "sections": versions},
    )
    return _consent(row)


def _latest_row(session: Session, user: str) -> OnboardingConsentRow | None:
    query = (
        select(OnboardingConsentRow)
        .where(OnboardingConsentRow.user == user)
        .order_by(OnboardingConsentRow.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def latest(session: Session, user: str) -> OnboardingConsent | None:
    """A person's most recent consent (possibly withdrawn), or None."""
    row = _latest_row(session, user)
    return _consent(row) if row is not None else None


def latest_by_user(session: Session) -> dict[str, OnboardingConsent]:
    """Everyone's most recent consent, by user name."""
    found: dict[str, OnboardingConsent] = {}
    for row in session.scalars(select(OnboardingConsentRow).order_by(OnboardingConsentRow.id)):
        found[row.user] = _consent(row)
    return found


def history(session: Session, user: str) -> list[OnboardingConsent]:
    """A person's consents, oldest first."""
    rows = session.scalars(
        select(OnboardingConsentRow)
        .where(OnboardingConsentRow.user == user)
        .order_by(OnboardingConsentRow.id)
    )
    return [_consent(r) for r in rows]


def withdraw(session: Session, *, user: str, reason: str, at: datetime) -> OnboardingConsent:
    """Withdraw a person's current consent (audited); the record stays, marked withdrawn."""
    row = _latest_row(session, user)
    if row is None or row.withdrawn_at is not None:
        raise UsageError(f"{user} has no consent in force to withdraw")
    row.withdrawn_at = at
    row.withdraw_reason = reason
    session.flush()
    audit.append(
        session,
        actor=user,
        action="onboarding.withdraw",
        subject=user,
        payload={"consent": row.id, "reason": reason},
    )
    return _consent(row)
