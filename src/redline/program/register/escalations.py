"""Escalations: a critical finding, a split committee, drift, a stale decision, a missed SLA or a person's
concern goes up to the committee."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.errors import UsageError
from redline.core.people.users import Role
from redline.core.register.findings import Finding
from redline.core.register.revisits import finding_of, should_be_open
from redline.core.register.signoffs import Escalation, EscalationKind
from redline.program.channels.notifications import Delivery, Notification, notify
from redline.program.people.actors import authorize
from redline.program.people.permissions import ESCALATORS
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.systems import resolve_release
from redline.store.session import Store


def escalate(
    session: Session,
    *,
    kind: EscalationKind,
    subject: str,
    summary: str,
    release_id: str | None,
    actor: str,
    details: dict[str, Any] | None = None,
) -> Escalation | None:
    """Record an escalation unless one about the same subject is still open; returns the new one."""
    if decisions_repo.open_escalation(session, kind=kind, subject=subject) is not None:
        return None
    return decisions_repo.add_escalation(
        session,
        kind=kind,
        subject=subject,
        summary=summary,
        release_id=release_id,
        details=details or {},
        actor=actor,
    )


def follow_finding(session: Session, finding: Finding, *, actor: str) -> list[Escalation]:
    """Close the open escalations about a finding that its new status settles (verified, closed, ...).

    Called where a finding moves; reopening a closed one when the finding regresses is left to the upkeep
    sweep, which tells the hooks about it.
    """
    closed: list[Escalation] = []
    for esc in decisions_repo.list_escalations(session, unresolved=True):
        if finding_of(esc) == finding.id and should_be_open(esc, finding=finding) is False:
            why = f"finding {finding.id} is {finding.status.value}"
            closed.append(decisions_repo.settle_escalation(session, esc.id, actor=actor, why=why))
    return closed


def escalate_by_hand(
    store: Store,
    settings: Settings,
    *,
    reason: str,
    user: str | None,
    finding: str | None = None,
    release: str | None = None,
    to: Role | None = None,
) -> Escalation:
    """Raise a finding or a release to the committee (or a named role) by hand; the hooks fire.

    One open escalation by hand per subject: while one is open, add to it by commenting instead. An
    escalation about a finding closes by itself when the finding is verified or closed (`upkeep`).
    """
    if not reason.strip():
        raise UsageError("an escalation needs a reason: pass --reason TEXT")
    if (finding is None) == (release is None):
        raise UsageError("escalate either a finding (--finding ID) or a release (--release R), not both")
    with store.session() as session:
        who = authorize(session, user, ESCALATORS, action="escalate to the committee")
        if finding is not None:
            found = findings_repo.get_finding(session, finding)
            subject, release_id, what = found.id, found.release_id, f"finding {found.id} ({found.title})"
            details: dict[str, Any] = {"finding_id": found.id}
        else:
            rel = resolve_release(session, release or "")
            label = f"{rel.id}"
            for system in systems_repo.list_systems(session):
                if system.id == rel.system_id:
                    label = f"{system.name}@{rel.version}"
            subject, release_id, what, details = rel.id, rel.id, f"release {label}", {}
        existing = decisions_repo.open_escalation(session, kind=EscalationKind.MANUAL, subject=subject)
        if existing is not None:
            raise UsageError(
                f"{what} is already escalated by hand ({existing.id}); resolve it first or comment on it"
            )
        audience = to.value if to is not None else "committee"
        esc = decisions_repo.add_escalation(
            session,
            kind=EscalationKind.MANUAL,
            subject=subject,
            summary=f"{who.name} escalated {what} to the {audience}: {reason.strip()}",
            release_id=release_id,
            details={**details, "reason": reason.strip(), "to": audience, "by": who.name},
            actor=who.name,
        )
    announce(store, settings, [esc])
    return esc


def announce(
    store: Store,
    settings: Settings,
    escalations: Sequence[Escalation],
    *,
    env: Mapping[str, str] | None = None,
) -> list[Delivery]:
    """Fire the notification hooks for escalations already committed; each delivery is audited."""
    deliveries: list[Delivery] = []
    for esc in escalations:
        note = Notification(
            event="escalation",
            kind=esc.kind.value,
            subject=esc.subject,
            summary=esc.summary,
            workspace=settings.config.name,
            details={"escalation_id": esc.id, "release_id": esc.release_id, **esc.details},
            link=f"/findings/{esc.subject}" if esc.subject.startswith("fnd_") else None,
        )
        deliveries.extend(notify(settings, note, store=store, env=env, audit_subject=esc.id))
    return deliveries
