"""Escalations: a critical finding, a split committee or production drift goes up to the committee."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from redline.core.signoffs import Escalation, EscalationKind
from redline.program.notifications import Delivery, Notification, dispatch
from redline.settings import Settings
from redline.store import audit
from redline.store.repos import decisions as decisions_repo
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
        )
        sent = dispatch(settings, note, env=env)
        if not sent:
            continue
        with store.session() as session:
            for d in sent:
                audit.append(
                    session,
                    actor=settings.actor,
                    action="notification.sent" if d.ok else "notification.failed",
                    subject=esc.id,
                    payload={"notifier": d.notifier, "detail": d.detail},
                )
        deliveries.extend(sent)
    return deliveries
