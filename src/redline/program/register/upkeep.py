"""One sweep that keeps decisions honest after release: by hand (`redline gate upkeep`) or on a schedule.

`run_upkeep` expires risk acceptances past their review date (the finding goes back to triage), escalates
SLA breaches once per finding and due date, marks stale decisions and conditional goes whose conditions
broke (one escalation per decision), closes escalations whose subject was resolved and reopens those whose
subject regressed. It is idempotent: a second run at the same moment changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.errors import NotFoundError
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.policy import GateOutcome
from redline.core.register.revisits import (
    SLA_PENDING,
    DecisionStatus,
    expired_acceptances,
    finding_of,
    should_be_open,
    sla_breached,
)
from redline.core.register.signoffs import Escalation, EscalationKind
from redline.program.channels.notifications import Notification, notify
from redline.program.register.decisions import standing_status
from redline.program.register.escalations import announce
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import revisits as revisits_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.revisits import EXPIRY_NOTE
from redline.store.session import Store

K = EscalationKind


class ReleaseStanding(BaseModel):
    """A release's standing decision as the sweep found it."""

    model_config = ConfigDict(frozen=True)

    release: str = Field(description="'system@version'.")
    status: DecisionStatus


class UpkeepReport(BaseModel):
    """What one sweep changed, and every release's standing decision."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    expired: tuple[str, ...] = Field(default=(), description="Findings whose risk acceptance expired.")
    raised: tuple[Escalation, ...] = Field(default=(), description="New escalations (SLA, stale decisions).")
    closed: tuple[Escalation, ...] = Field(default=(), description="Escalations closed: subject resolved.")
    reopened: tuple[Escalation, ...] = Field(default=(), description="Escalations reopened: it regressed.")
    releases: tuple[ReleaseStanding, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the sweep changed anything."""
        return bool(self.expired or self.raised or self.closed or self.reopened)

    @property
    def summary(self) -> str:
        """One line: what changed and how many standing decisions do not hold."""
        failing = sum(1 for r in self.releases if not r.status.holds)
        return (
            f"{len(self.expired)} acceptance(s) expired, {len(self.raised)} escalation(s) raised, "
            f"{len(self.closed)} closed, {len(self.reopened)} reopened; "
            f"{failing} of {len(self.releases)} standing decision(s) do not hold"
        )


def run_upkeep(store: Store, settings: Settings, *, now: datetime | None = None) -> UpkeepReport:
    """Expire risk acceptances, escalate SLA breaches, mark stale decisions, close and reopen escalations,
    and check the conditions of conditional goes; hooks fire for what was raised, reopened or expired."""
    at = now or datetime.now(UTC)
    actor = settings.actor
    with store.session() as session:
        expired = _expire_acceptances(session, at, actor)
        raised = _sla_breaches(session, at, actor)
        standings, labels = _standings(session, settings, at)
        raised += _stale_decisions(session, standings, labels, actor)
        closed, reopened = _follow_subjects(session, standings, actor)
    announce(store, settings, [*raised, *reopened])
    for finding, review_by in expired:
        notify(
            settings,
            Notification(
                event="acceptance_expired",
                kind=finding.risk.value,
                subject=finding.id,
                summary=f"the risk acceptance of {finding.id} ({finding.title}) expired on {review_by}: "
                "it is open again and back in triage",
                workspace=settings.config.name,
                details={"release_id": finding.release_id, "review_by": review_by, "owner": finding.owner},
            ),
            store=store,
        )
    return UpkeepReport(
        at=at,
        expired=tuple(f.id for f, _ in expired),
        raised=tuple(raised),
        closed=tuple(closed),
        reopened=tuple(reopened),
        releases=tuple(
            ReleaseStanding(release=labels[rid], status=status) for rid, status in standings.items()
        ),
    )


def _expire_acceptances(session: Session, at: datetime, actor: str) -> list[tuple[Finding, str]]:
    accepted = findings_repo.list_findings(session, status=FindingStatus.ACCEPTED_RISK)
    current = revisits_repo.current_acceptances(session, [f.id for f in accepted])
    out: list[tuple[Finding, str]] = []
    for finding in expired_acceptances(accepted, current, today=at.date()):
        acc = current[finding.id]
        note = f"{EXPIRY_NOTE} on {acc.review_by.isoformat()} (accepted by {acc.accepted_by}): back to triage"
        moved = findings_repo.move(session, finding.id, FindingStatus.REOPENED, actor=actor, note=note)
        if acc.id is not None:
            revisits_repo.mark_expired(session, acc.id, at=at, actor=actor)
        out.append((moved, acc.review_by.isoformat()))
    return out


def _sla_breaches(session: Session, at: datetime, actor: str) -> list[Escalation]:
    raised: list[Escalation] = []
    for f in findings_repo.list_findings(session, statuses=SLA_PENDING):
        if f.due is None or not sla_breached(f, today=at.date()):
            continue
        due = f.due.isoformat()
        seen = decisions_repo.escalations_about(session, kind=K.SLA_BREACH, subject=f.id)
        if any(e.details.get("due") == due for e in seen):
            continue  # once per finding per breach (a new due date is a new breach)
        raised.append(
            decisions_repo.add_escalation(
                session,
                kind=K.SLA_BREACH,
                subject=f.id,
                summary=f"finding {f.id} ({f.risk.value}: {f.title}) missed its SLA: due {due}, "
                f"still {f.status.value} with no mitigation in place",
                release_id=f.release_id,
                details={"finding_id": f.id, "due": due, "risk": f.risk.value, "owner": f.owner},
                actor=actor,
            )
        )
    return raised


def _standings(
    session: Session, settings: Settings, at: datetime
) -> tuple[dict[str, DecisionStatus], dict[str, str]]:
    names = {s.id: s.name for s in systems_repo.list_systems(session)}
    standings: dict[str, DecisionStatus] = {}
    labels: dict[str, str] = {}
    for rel in systems_repo.list_releases(session):
        status = standing_status(session, settings, rel.id, now=at)
        if status is not None:
            standings[rel.id] = status
            labels[rel.id] = f"{names.get(rel.system_id, rel.system_id)}@{rel.version}"
    return standings, labels


def _stale_decisions(
    session: Session, standings: dict[str, DecisionStatus], labels: dict[str, str], actor: str
) -> list[Escalation]:
    raised: list[Escalation] = []
    for release_id, status in standings.items():
        decision = status.decision
        if decision.outcome is GateOutcome.NO_GO or status.holds:
            continue
        if decisions_repo.escalations_about(session, kind=K.STALE_DECISION, subject=decision.id):
            continue  # raised once; upkeep reopens it if it was closed and the decision broke again
        why = [status.staleness.detail] if status.stale else []
        why += [f"condition not holding: {c.condition.text} ({c.detail})" for c in status.broken]
        raised.append(
            decisions_repo.add_escalation(
                session,
                kind=K.STALE_DECISION,
                subject=decision.id,
                summary=f"the {decision.outcome.value} on {labels[release_id]} no longer holds: "
                + "; ".join(why),
                release_id=release_id,
                details={
                    "decision_id": decision.id,
                    "stale_findings": [f.finding_id for f in status.staleness.findings],
                    "broken_conditions": [c.condition.id for c in status.broken],
                },
                actor=actor,
            )
        )
    return raised


def _follow_subjects(
    session: Session, standings: dict[str, DecisionStatus], actor: str
) -> tuple[list[Escalation], list[Escalation]]:
    closed: list[Escalation] = []
    reopened: list[Escalation] = []
    for esc in decisions_repo.list_escalations(session):
        finding: Finding | None = None
        holds: bool | None = None
        if esc.kind is K.STALE_DECISION:
            status = standings.get(esc.release_id or "")
            if status is not None and status.decision.id == esc.subject:
                holds = status.holds
            why = "the decision holds again" if holds else "a newer decision superseded it"
        else:
            fid = finding_of(esc)
            if fid is not None:
                try:
                    finding = findings_repo.get_finding(session, fid)
                except NotFoundError:
                    finding = None
            why = f"finding {fid} is {finding.status.value}" if finding is not None else ""
        wanted = should_be_open(esc, finding=finding, standing_holds=holds)
        if wanted is False and not esc.resolved:
            closed.append(decisions_repo.settle_escalation(session, esc.id, actor=actor, why=why))
        elif wanted is True and esc.resolved and esc.details.get("auto_closed"):
            reopened.append(decisions_repo.reopen_escalation(session, esc.id, actor=actor, why=why))
    return closed, reopened
