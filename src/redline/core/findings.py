"""Findings and their status machine: the allowed transitions are one table (stage 5)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import TransitionError
from redline.core.risk import Impact, Likelihood, RiskLevel


class FindingStatus(StrEnum):
    """Where a finding stands in triage."""

    NEW = "new"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    MITIGATED = "mitigated"
    VERIFIED = "verified"
    CLOSED = "closed"
    ACCEPTED_RISK = "accepted_risk"
    REOPENED = "reopened"
    DUPLICATE = "duplicate"


S = FindingStatus

# The one table of allowed transitions. ACCEPTED_RISK needs committee sign-off (checked in program/).
TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    S.NEW: frozenset({S.TRIAGED, S.DUPLICATE, S.ACCEPTED_RISK, S.CLOSED}),
    S.TRIAGED: frozenset({S.IN_PROGRESS, S.ACCEPTED_RISK, S.DUPLICATE, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.MITIGATED, S.ACCEPTED_RISK, S.TRIAGED}),
    S.MITIGATED: frozenset({S.VERIFIED, S.IN_PROGRESS, S.REOPENED}),
    S.VERIFIED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.ACCEPTED_RISK: frozenset({S.REOPENED, S.CLOSED}),
    S.REOPENED: frozenset({S.TRIAGED, S.IN_PROGRESS, S.ACCEPTED_RISK}),
    S.DUPLICATE: frozenset({S.REOPENED}),
}

OPEN_STATUSES: frozenset[FindingStatus] = frozenset(
    {S.NEW, S.TRIAGED, S.IN_PROGRESS, S.MITIGATED, S.REOPENED}
)
STATUSES_NEEDING_COMMITTEE: frozenset[FindingStatus] = frozenset({S.ACCEPTED_RISK})
STATUSES_NEEDING_NOTE: frozenset[FindingStatus] = frozenset({S.ACCEPTED_RISK, S.CLOSED, S.DUPLICATE})
"""Moves that must say why: a risk acceptance, a close and a duplicate."""
UNFIXED_STATUSES: frozenset[FindingStatus] = frozenset({S.NEW, S.TRIAGED})
"""Statuses from which closing a finding skips the fix and its verification."""


def check_transition(current: FindingStatus, new: FindingStatus) -> None:
    """Raise `TransitionError` unless the table allows `current -> new`."""
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        raise TransitionError(f"a finding cannot go from {current.value} to {new.value} (allowed: {allowed})")


def needs_note(new: FindingStatus) -> bool:
    """Whether a move into `new` must carry a note saying why."""
    return new in STATUSES_NEEDING_NOTE


def closing_needs_acceptors(current: FindingStatus, risk: RiskLevel, new: FindingStatus) -> bool:
    """Whether a move closes an unfixed, unverified high or critical finding: only risk acceptors may."""
    return new is S.CLOSED and current in UNFIXED_STATUSES and risk.rank >= RiskLevel.HIGH.rank


class Finding(BaseModel):
    """A confirmed or candidate way the system can cause harm, with its risk classification."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    threat_id: str
    status: FindingStatus = FindingStatus.NEW
    likelihood: Likelihood
    impact: Impact
    risk: RiskLevel
    round_id: str | None = Field(default=None, description="Round whose evidence raised the finding.")
    release_id: str | None = None
    owner: str | None = None
    effort: str | None = Field(default=None, description="Effort estimate, e.g. 'S', 'M', '3d'.")
    due: date | None = None
    description: str = ""
    created_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True while the finding still needs work."""
        return self.status in OPEN_STATUSES
