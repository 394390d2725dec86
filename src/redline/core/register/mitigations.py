"""Mitigations: what is done about a finding, who authorises it, and whether re-running shows it works."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import TransitionError


class MitigationType(StrEnum):
    """The kind of change a mitigation makes."""

    DATA = "data"
    TRAINING = "training"
    SYSTEM_PROMPT = "system_prompt"
    GUARDRAIL = "guardrail"
    UI_CHANGE = "ui_change"
    FEATURE_FLAG = "feature_flag"
    STAGED_ROLLOUT = "staged_rollout"
    MONITORING = "monitoring"
    POLICY = "policy"


class MitigationStatus(StrEnum):
    """Where a mitigation stands: proposed -> authorised (committee quorum) -> in progress -> shipped."""

    PROPOSED = "proposed"
    AUTHORISED = "authorised"
    REJECTED = "rejected"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    ABANDONED = "abandoned"


M = MitigationStatus
# Moves a person makes; AUTHORISED and REJECTED come only from committee votes, VERIFIED and
# NOT_VERIFIED only from a verification re-run. PLANNED is the state of mitigations recorded before
# authorisation existed: they are treated as authorised.
MITIGATION_TRANSITIONS: dict[MitigationStatus, frozenset[MitigationStatus]] = {
    M.PROPOSED: frozenset({M.ABANDONED}),
    M.AUTHORISED: frozenset({M.IN_PROGRESS, M.SHIPPED, M.ABANDONED}),
    M.REJECTED: frozenset({M.PROPOSED, M.ABANDONED}),
    M.PLANNED: frozenset({M.IN_PROGRESS, M.SHIPPED, M.ABANDONED}),
    M.IN_PROGRESS: frozenset({M.SHIPPED, M.ABANDONED}),
    M.SHIPPED: frozenset({M.IN_PROGRESS, M.ABANDONED}),
    M.VERIFIED: frozenset({M.ABANDONED}),
    M.NOT_VERIFIED: frozenset({M.IN_PROGRESS, M.SHIPPED, M.ABANDONED}),
    M.ABANDONED: frozenset(),
}
VOTED_STATUSES: frozenset[MitigationStatus] = frozenset({M.AUTHORISED, M.REJECTED})
"""Statuses only committee votes set."""
UNAUTHORISED_STATUSES: frozenset[MitigationStatus] = frozenset({M.PROPOSED, M.REJECTED})
"""Statuses of a mitigation the committee has not authorised (yet)."""


def check_mitigation_transition(current: MitigationStatus, new: MitigationStatus) -> None:
    """Raise `TransitionError` unless a person may move a mitigation from `current` to `new`."""
    if new in VOTED_STATUSES:
        raise TransitionError(f"a mitigation becomes {new.value} only by the committee's votes")
    if new not in MITIGATION_TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in MITIGATION_TRANSITIONS[current])) or "none"
        hint = "; the committee authorises it first" if current in UNAUTHORISED_STATUSES else ""
        raise TransitionError(
            f"a mitigation cannot go from {current.value} to {new.value} (allowed: {allowed}){hint}"
        )


class MitigationVote(BaseModel):
    """One committee member's vote on authorising a mitigation."""

    model_config = ConfigDict(frozen=True)

    mitigation_id: str
    voter: str
    approve: bool
    comment: str = ""
    at: datetime | None = None


def authorisation_outcome(votes: Sequence[MitigationVote], *, quorum: int) -> MitigationStatus | None:
    """What the votes decide, as for plans: one rejection rejects, `quorum` approvals authorise.

    Each voter counts once (their latest vote); None while the quorum is not reached.
    """
    latest = {v.voter: v for v in votes}
    if any(not v.approve for v in latest.values()):
        return M.REJECTED
    if sum(1 for v in latest.values() if v.approve) >= quorum:
        return M.AUTHORISED
    return None


class VerificationOutcome(StrEnum):
    """Result of re-running a finding's evidence against a new release."""

    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    INCONCLUSIVE = "inconclusive"
    PENDING = "pending"


class ExpectedMitigation(BaseModel):
    """A mitigation a catalog threat expects, which findings of that threat propose."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: MitigationType
    what: str = Field(min_length=1, max_length=300, description="The change, in one short sentence.")


class Mitigation(BaseModel):
    """A change made to reduce a finding's risk."""

    model_config = ConfigDict(frozen=True)

    id: str
    finding_id: str
    type: MitigationType
    description: str
    owner: str | None = None
    status: MitigationStatus = MitigationStatus.PROPOSED
