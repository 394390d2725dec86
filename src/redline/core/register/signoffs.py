"""Committee sign-offs on a release decision, and the escalations a split vote or critical risk raises."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.register.policy import GateEvaluation, GateOutcome, GateReason


class Vote(StrEnum):
    """A committee member's vote on shipping a release."""

    GO = "go"
    NO_GO = "no-go"


class SignOff(BaseModel):
    """One committee member's signed vote, bound to the evidence it was given."""

    model_config = ConfigDict(frozen=True)

    release_id: str
    signer: str
    vote: Vote
    comment: str = ""
    basis: str = Field(description="Fingerprint of the evidence and open findings the signer saw.")
    decision_id: str | None = Field(default=None, description="The gate evaluation the signer read.")
    at: datetime | None = None


class Tally(BaseModel):
    """The votes that count for the current evidence."""

    model_config = ConfigDict(frozen=True)

    go: tuple[str, ...] = ()
    no_go: tuple[str, ...] = ()
    stale: tuple[str, ...] = Field(default=(), description="Signers whose vote was on older evidence.")

    @property
    def split(self) -> bool:
        """True when the committee voted both ways."""
        return bool(self.go) and bool(self.no_go)


def tally(signoffs: Sequence[SignOff], *, basis: str) -> Tally:
    """Count each signer's latest vote (`signoffs` in the order given), only when on the current `basis`."""
    latest: dict[str, SignOff] = {}
    for s in signoffs:
        latest[s.signer] = s
    current = [s for s in latest.values() if s.basis == basis]
    return Tally(
        go=tuple(sorted(s.signer for s in current if s.vote is Vote.GO)),
        no_go=tuple(sorted(s.signer for s in current if s.vote is Vote.NO_GO)),
        stale=tuple(sorted(s.signer for s in latest.values() if s.basis != basis)),
    )


def apply_votes(evaluation: GateEvaluation, votes: Tally) -> GateEvaluation:
    """A no-go vote from any committee member blocks the release, whatever the evidence says."""
    if not votes.no_go:
        return evaluation
    reason = GateReason(
        criterion="sign-off",
        passed=False,
        subject=",".join(votes.no_go),
        detail=f"committee member(s) voted no-go: {', '.join(votes.no_go)}",
    )
    return GateEvaluation(outcome=GateOutcome.NO_GO, reasons=(*evaluation.reasons, reason))


class EscalationKind(StrEnum):
    """Why a matter went up to the committee."""

    CRITICAL_FINDING = "critical_finding"
    SPLIT_COMMITTEE = "split_committee"
    DRIFT = "drift"
    STALE_DECISION = "stale_decision"
    SLA_BREACH = "sla_breach"
    MANUAL = "manual"


class Escalation(BaseModel):
    """A matter raised to the committee, and the notice sent about it."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: EscalationKind
    subject: str = Field(description="Finding or release id the escalation is about.")
    release_id: str | None = None
    summary: str
    details: dict[str, object] = Field(default_factory=dict)
    resolved: bool = False
    created_at: datetime | None = None
