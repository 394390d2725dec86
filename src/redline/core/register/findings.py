"""Findings and their status machine: the allowed transitions are one table (stage 5)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import TransitionError
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.runs.conversation import Conversation, MessageRole


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
"""Statuses before any fix was started."""
VERIFIED_STATUSES: frozenset[FindingStatus] = frozenset({S.VERIFIED})
"""The only status from which a close rests on a verification re-run; a close from any other status
(new, triaged, in progress, mitigated, reopened, accepted risk, duplicate) skips the verification."""


def check_transition(current: FindingStatus, new: FindingStatus) -> None:
    """Raise `TransitionError` unless the table allows `current -> new`."""
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        hint = (
            "; verify the fix first: 'redline finding verify ID --release R'"
            if new is S.CLOSED and current is S.MITIGATED
            else ""
        )
        raise TransitionError(
            f"a finding cannot go from {current.value} to {new.value} (allowed: {allowed}){hint}"
        )


def check_duplicate(finding: Finding, original: Finding) -> None:
    """Raise `TransitionError` unless `finding` may be marked a duplicate of `original`.

    A duplicate leaves the register's counts (and the release gate) to its original, so the original
    must be another finding of the same threat, not itself a duplicate, and carry at least the same
    risk: otherwise marking it would hide a risk without anyone accepting it.
    """
    if original.id == finding.id:
        raise TransitionError(f"finding {finding.id} cannot be a duplicate of itself")
    if original.status is S.DUPLICATE:
        raise TransitionError(f"finding {original.id} is itself a duplicate: name the finding it repeats")
    if original.threat_id != finding.threat_id:
        raise TransitionError(
            f"finding {original.id} is about {original.threat_id}, not {finding.threat_id}: not a duplicate"
        )
    if original.risk.rank < finding.risk.rank:
        raise TransitionError(
            f"finding {original.id} is {original.risk.value} risk and {finding.id} is {finding.risk.value}: "
            "re-rate the original first, or keep this finding open"
        )


def needs_note(new: FindingStatus) -> bool:
    """Whether a move into `new` must carry a note saying why."""
    return new in STATUSES_NEEDING_NOTE


def closing_needs_acceptors(current: FindingStatus, risk: RiskLevel, new: FindingStatus) -> bool:
    """Whether a move closes an unverified high or critical finding: only risk acceptors may, with a note.

    Any close that does not come from a verified fix counts, whatever the path: a fix that was never
    verified is no fix the release gate may stop counting on someone's word.
    """
    return new is S.CLOSED and current not in VERIFIED_STATUSES and risk.rank >= RiskLevel.HIGH.rank


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


class CaseSource(StrEnum):
    """Where a finding's reproducible case was recorded."""

    PLAYGROUND = "playground"
    INTAKE = "intake"
    MONITORING = "monitoring"


HUMAN_VERDICT = "human"
"""The checker of a case whose failure a person judged: reviewers re-check each re-sent answer."""
DEFAULT_SAMPLES = 10
MAX_SAMPLES = 100


class CaseSpec(BaseModel):
    """What a promoter records so a finding without a round can be verified: the messages to send
    again, how many times, and who judges the answers (a scorer, or reviewers re-checking a verdict)."""

    model_config = ConfigDict(frozen=True)

    conversations: tuple[Conversation, ...] = Field(
        min_length=1, description="Messages to send, each ending with the user's message."
    )
    scorer: str | None = Field(
        default=None, description="Registered scorer that judges each answer; None: reviewers re-check."
    )
    samples: int = Field(
        default=DEFAULT_SAMPLES, ge=1, le=MAX_SAMPLES, description="Sends of each conversation per release."
    )
    system: str = Field(min_length=1, description="Configured system the failing release was reached by.")

    @property
    def checker(self) -> str:
        """The scorer's name, or 'human' when a reviewer re-checks each answer."""
        return self.scorer or HUMAN_VERDICT

    @property
    def sends(self) -> int:
        """Answers collected per release."""
        return self.samples * len(self.conversations)


class ReproducibleCase(CaseSpec):
    """A stored case of a finding, with the round holding its baseline answers on the failing release."""

    id: str
    finding_id: str
    source: CaseSource
    baseline_round_id: str | None = Field(
        default=None, description="Ad-hoc round of the re-sent answers on the failing release."
    )
    created_by: str = ""
    created_at: datetime | None = None


def replayable(conversation: Conversation) -> Conversation:
    """The part of a recorded conversation to send again: everything up to its last user message."""
    messages = conversation.messages
    last = max((i for i, m in enumerate(messages) if m.role is MessageRole.USER), default=-1)
    return Conversation(messages=messages[: last + 1])
