"""Decisions that are revisited: stale decisions, expiring risk acceptances, SLA breaches, tracked conditions.

Every rule here is pure: it reads a decision, findings, acceptances, escalations and condition reports, and
says what holds at a given moment; `program.register.upkeep` applies the answers to the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import UsageError
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.policy import ConditionKind, ConditionSpec, Decision, GateOutcome
from redline.core.register.risk import RiskLevel
from redline.core.register.signoffs import Escalation, EscalationKind

S = FindingStatus

DEFAULT_REVIEW_DAYS = 90
"""Days a risk acceptance holds before it must be reviewed (redline.yaml: triage.acceptance_review_days)."""

SLA_PENDING: frozenset[FindingStatus] = frozenset({S.NEW, S.TRIAGED, S.IN_PROGRESS, S.REOPENED})
"""Statuses in which a finding is still waiting for its mitigation: past its due date, the SLA is breached."""

SETTLED: frozenset[FindingStatus] = frozenset({S.VERIFIED, S.CLOSED, S.DUPLICATE, S.ACCEPTED_RISK})
"""Statuses that settle an escalation about a finding: fixed and verified, closed, a duplicate, accepted."""


def utc(moment: datetime) -> datetime:
    """A datetime in UTC; a naive one (as SQLite returns them) is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- stale decisions -------------------------------------------------------------------------------


class StaleFinding(BaseModel):
    """A finding that opened after a decision and is above the policy's threshold."""

    model_config = ConfigDict(frozen=True)

    finding_id: str
    title: str
    risk: RiskLevel
    opened_at: datetime


class Staleness(BaseModel):
    """Whether a go or conditional go still rests on what is known: stale once a blocking finding arrives."""

    model_config = ConfigDict(frozen=True)

    decision_id: str
    stale: bool = False
    threshold: RiskLevel = Field(description="The policy's max_open_risk; findings above it make it stale.")
    findings: tuple[StaleFinding, ...] = Field(default=(), description="What arrived after the decision.")

    @property
    def detail(self) -> str:
        """One line saying why, or that it is current."""
        if not self.stale:
            return f"decision {self.decision_id} is current"
        parts = ", ".join(f"{f.finding_id} ({f.risk.value})" for f in self.findings)
        return (
            f"decision {self.decision_id} is stale: finding(s) above {self.threshold.value} opened after it: "
            f"{parts}; check the gate again and sign the new decision"
        )


def decision_staleness(
    decision: Decision,
    findings: Sequence[Finding],
    *,
    threshold: RiskLevel,
    opened_at: Mapping[str, datetime] | None = None,
) -> Staleness:
    """A go or conditional go is stale when an open finding above `threshold` opened after it.

    `findings` are the findings of the decision's release (and its siblings, as the gate counts them);
    `opened_at` gives the latest time a finding (re)opened when that is later than its creation (a reopen,
    an expired risk acceptance). A no-go is never stale: it already blocks.
    """
    if decision.outcome is GateOutcome.NO_GO or decision.created_at is None:
        return Staleness(decision_id=decision.id, threshold=threshold)
    decided = utc(decision.created_at)
    times = opened_at or {}
    late: list[StaleFinding] = []
    for f in findings:
        if not f.is_open or f.risk.rank <= threshold.rank:
            continue
        candidates = [utc(t) for t in (f.created_at, times.get(f.id)) if t is not None]
        when = max(candidates, default=None)
        if when is not None and when > decided:
            late.append(StaleFinding(finding_id=f.id, title=f.title, risk=f.risk, opened_at=when))
    late.sort(key=lambda s: (-s.risk.rank, s.opened_at, s.finding_id))
    return Staleness(decision_id=decision.id, stale=bool(late), threshold=threshold, findings=tuple(late))


# --- risk acceptances --------------------------------------------------------------------------------


class RiskAcceptance(BaseModel):
    """A committee's acceptance of a finding's risk, which holds until its review date."""

    model_config = ConfigDict(frozen=True)

    id: int | None = None
    finding_id: str
    review_by: date = Field(description="The acceptance expires on this day unless accepted again.")
    accepted_by: str
    note: str = ""
    accepted_at: datetime | None = None
    expired_at: datetime | None = Field(default=None, description="When upkeep sent the finding back.")

    def expired(self, today: date) -> bool:
        """An acceptance holds up to the day before its review date."""
        return today >= self.review_by


def review_date(accepted_on: date, *, days: int, review_by: date | None = None) -> date:
    """The review date of an acceptance made on `accepted_on`: `review_by` when given, else `days` later."""
    if review_by is None:
        return accepted_on + timedelta(days=days)
    if review_by <= accepted_on:
        raise UsageError(
            f"the review date {review_by.isoformat()} must be after today ({accepted_on.isoformat()})"
        )
    return review_by


def expired_acceptances(
    findings: Sequence[Finding], acceptances: Mapping[str, RiskAcceptance], *, today: date
) -> list[Finding]:
    """Findings in accepted_risk whose current acceptance has reached its review date.

    An accepted finding without a recorded acceptance (accepted before review dates existed) never
    expires on its own: accept it again to give it one.
    """
    out = []
    for f in findings:
        acc = acceptances.get(f.id)
        if f.status is S.ACCEPTED_RISK and acc is not None and acc.expired(today):
            out.append(f)
    return out


# --- SLA breaches ------------------------------------------------------------------------------------


def sla_breached(finding: Finding, *, today: date) -> bool:
    """The due date has passed and no mitigation is in place yet (new, triaged, in progress, reopened)."""
    return finding.due is not None and finding.status in SLA_PENDING and today > finding.due


# --- escalations that follow their subject -----------------------------------------------------------


def finding_of(escalation: Escalation) -> str | None:
    """The finding an escalation is about: its `finding_id` detail, else a subject that is a finding id."""
    named = escalation.details.get("finding_id")
    if isinstance(named, str) and named:
        return named
    return escalation.subject if escalation.subject.startswith("fnd_") else None


def should_be_open(
    escalation: Escalation, *, finding: Finding | None = None, standing_holds: bool | None = None
) -> bool | None:
    """Whether an escalation's subject still needs the committee; None when no rule follows it.

    A finding's escalation (critical, SLA breach, drift, by hand) settles when the finding is verified,
    closed, a duplicate or accepted; an SLA breach settles as soon as a mitigation is in place. A stale
    decision settles when it holds again or a newer decision supersedes it (`standing_holds` None).
    A split committee is settled by the committee itself.
    """
    K = EscalationKind
    if escalation.kind is K.STALE_DECISION:
        return standing_holds is False
    if escalation.kind is K.SPLIT_COMMITTEE or finding is None:
        return None
    if escalation.kind is K.SLA_BREACH:
        return finding.status in SLA_PENDING
    return finding.status not in SETTLED


# --- tracked conditions ------------------------------------------------------------------------------


class ConditionState(StrEnum):
    """Whether a condition of a conditional go holds."""

    HOLDS = "holds"
    PENDING = "pending"
    BROKEN = "broken"


class ConditionReport(BaseModel):
    """The latest report on a condition: a rollout share, a flag's state, or evidence text."""

    model_config = ConfigDict(frozen=True)

    share: float | None = Field(default=None, ge=0, le=1, description="Rollout share in force.")
    flag_on: bool | None = Field(default=None, description="The feature flag's reported state.")
    holds: bool | None = Field(default=None, description="A person's word on a manual condition.")
    evidence: str = ""
    by: str = ""
    at: datetime | None = None


class GateCondition(ConditionSpec):
    """A checklist item of a release's conditional go, with its owner and latest report."""

    id: str
    release_id: str
    decision_id: str | None = None
    owner: str | None = None
    report: ConditionReport | None = None
    created_at: datetime | None = None


class ConditionCheck(BaseModel):
    """One condition and whether it holds now, in plain words."""

    model_config = ConfigDict(frozen=True)

    condition: GateCondition
    state: ConditionState
    detail: str


def check_condition(
    condition: GateCondition, *, monitoring_runs: Sequence[datetime], now: datetime
) -> ConditionCheck:
    """Whether a condition holds at `now`.

    - rollout_share: holds when the recorded share is at most the maximum; broken above it.
    - feature_flag: holds when the flag is reported off; broken when reported on.
    - monitoring: holds when a monitoring run of the release lies in the last window_days; pending for the
      first window after the condition was set; broken once a whole window passed without a run.
    - manual: holds when evidence was reported; broken when the report says it does not hold.
    Without any report a condition is pending.
    """
    K, St = ConditionKind, ConditionState
    rep = condition.report

    def out(state: ConditionState, detail: str) -> ConditionCheck:
        return ConditionCheck(condition=condition, state=state, detail=detail)

    if condition.kind is K.MONITORING:
        days = condition.window_days or 7
        start = utc(now) - timedelta(days=days)
        recent = [utc(t) for t in monitoring_runs if start <= utc(t) <= utc(now)]
        if recent:
            return out(St.HOLDS, f"monitoring ran {max(recent):%Y-%m-%d %H:%M} (window {days} days)")
        since = utc(condition.created_at) if condition.created_at else utc(now)
        if since > start:
            return out(St.PENDING, f"no monitoring run yet; one is due within {days} days of the decision")
        return out(St.BROKEN, f"no monitoring run of the release in the last {days} days")
    if rep is None:
        return out(St.PENDING, "nothing reported yet")
    if condition.kind is K.ROLLOUT_SHARE:
        if rep.share is None:
            return out(St.PENDING, "no rollout share recorded")
        limit = condition.maximum if condition.maximum is not None else 1.0
        ok = rep.share <= limit
        return out(
            St.HOLDS if ok else St.BROKEN,
            f"rollout share {rep.share:.1%} {'within' if ok else 'above'} the maximum {limit:.1%}",
        )
    if condition.kind is K.FEATURE_FLAG:
        if rep.flag_on is None:
            return out(St.PENDING, "no flag state reported")
        return out(
            St.BROKEN if rep.flag_on else St.HOLDS,
            f"flag '{condition.flag}' reported {'on' if rep.flag_on else 'off'}",
        )
    if rep.holds is False:
        return out(St.BROKEN, f"reported not holding: {rep.evidence}".rstrip(": "))
    if rep.evidence.strip():
        return out(St.HOLDS, f"evidence: {rep.evidence}")
    return out(St.PENDING, "no evidence reported")


def decision_holds(
    outcome: GateOutcome, *, stale: bool = False, checks: Sequence[ConditionCheck] = ()
) -> bool:
    """Whether a decision lets the release ship (exit 0 of `redline gate check`).

    A no-go never does; a stale go or conditional go does not; a conditional go does not while any of its
    conditions is broken (pending ones are shown but do not block).
    """
    if outcome is GateOutcome.NO_GO or stale:
        return False
    return not (
        outcome is GateOutcome.CONDITIONAL_GO and any(c.state is ConditionState.BROKEN for c in checks)
    )


# --- a recorded decision, revisited ----------------------------------------------------------------------


class DecisionStatus(BaseModel):
    """A recorded decision revisited: stale or current, its conditions, whether it lets the release ship."""

    model_config = ConfigDict(frozen=True)

    decision: Decision
    staleness: Staleness
    conditions: tuple[ConditionCheck, ...] = Field(default=(), description="Checklist of a conditional go.")
    holds: bool = Field(description="Go, or conditional go with no broken condition, and not stale.")

    @property
    def stale(self) -> bool:
        """True when a blocking finding arrived after the decision."""
        return self.staleness.stale

    @property
    def broken(self) -> tuple[ConditionCheck, ...]:
        """Conditions that do not hold."""
        return tuple(c for c in self.conditions if c.state is ConditionState.BROKEN)


def with_expired_acceptances(
    findings: Sequence[Finding], acceptances: Mapping[str, RiskAcceptance], *, today: date
) -> tuple[list[Finding], dict[str, datetime]]:
    """Findings as the gate counts them today: an expired acceptance is open again (reopened on its review
    date), even before upkeep moves it. Returns the findings and when each expired one reopened."""
    expired = {f.id for f in expired_acceptances(findings, acceptances, today=today)}
    out = [f.model_copy(update={"status": S.REOPENED}) if f.id in expired else f for f in findings]
    when = {
        fid: datetime.combine(acceptances[fid].review_by, datetime.min.time(), tzinfo=UTC) for fid in expired
    }
    return out, when


def assess_decision(
    decision: Decision,
    *,
    findings: Sequence[Finding],
    threshold: RiskLevel,
    now: datetime,
    acceptances: Mapping[str, RiskAcceptance] | None = None,
    opened_at: Mapping[str, datetime] | None = None,
    conditions: Sequence[GateCondition] = (),
    monitoring_runs: Sequence[datetime] = (),
) -> DecisionStatus:
    """Revisit a recorded decision at `now`: staleness, the conditions of a conditional go, and the verdict.

    Conditions count only for a conditional go: those the decision set (`decision_id`) and those added by
    hand (no `decision_id`).
    """
    accepted = acceptances or {}
    counted, expired_on = with_expired_acceptances(findings, accepted, today=utc(now).date())
    times = dict(opened_at or {})
    for fid, acc in accepted.items():  # sent back by upkeep: it reopened on its review date
        if acc.expired_at is not None:
            expired_on[fid] = datetime.combine(acc.review_by, datetime.min.time(), tzinfo=UTC)
    for fid, when in expired_on.items():
        times[fid] = max(when, utc(times[fid])) if fid in times else when
    staleness = decision_staleness(decision, counted, threshold=threshold, opened_at=times)
    checks: tuple[ConditionCheck, ...] = ()
    if decision.outcome is GateOutcome.CONDITIONAL_GO:
        checks = tuple(
            check_condition(c, monitoring_runs=monitoring_runs, now=now)
            for c in conditions
            if c.decision_id in (None, decision.id)
        )
    holds = decision_holds(decision.outcome, stale=staleness.stale, checks=checks)
    return DecisionStatus(decision=decision, staleness=staleness, conditions=checks, holds=holds)
