"""Tester wellbeing: views of flagged content, leads' overrides of the daily limit, category opt-outs."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redline.store import audit
from redline.store.tables import (
    AttemptRow,
    CaseRow,
    ExposureOverrideRow,
    ExposureRow,
    ScoreRow,
    WellbeingPreferenceRow,
)


def add_view(session: Session, *, viewer: str, subject: str, category: str, day: str, at: datetime) -> None:
    """Count one view of flagged content (audited: who saw what, never the content itself)."""
    session.add(ExposureRow(viewer=viewer, subject=subject, category=category, day=day, at=at))
    audit.append(
        session,
        actor=viewer,
        action="content.view",
        subject=subject,
        payload={"category": category, "day": day},
    )


def views_on(session: Session, *, viewer: str, day: str) -> int:
    """Views by one person on one day."""
    query = select(func.count()).where(ExposureRow.viewer == viewer, ExposureRow.day == day)
    return int(session.scalar(query) or 0)


def views_by_viewer(session: Session, *, day: str) -> dict[str, int]:
    """Views per person on one day."""
    rows = session.execute(
        select(ExposureRow.viewer, func.count()).where(ExposureRow.day == day).group_by(ExposureRow.viewer)
    ).all()
    return {r[0]: int(r[1]) for r in rows}


def viewed_since(session: Session, *, viewer: str, subjects: Collection[str], since: datetime) -> set[str]:
    """Which of `subjects` the person consented to view since a moment."""
    if not subjects:
        return set()
    rows = session.scalars(
        select(ExposureRow.subject).where(
            ExposureRow.viewer == viewer, ExposureRow.subject.in_(list(subjects)), ExposureRow.at >= since
        )
    )
    return set(rows)


def add_override(
    session: Session, *, viewer: str, day: str, extra: int, granted_by: str, reason: str, at: datetime
) -> None:
    """A lead lets one person view `extra` more items today (audited)."""
    session.add(
        ExposureOverrideRow(viewer=viewer, day=day, extra=extra, granted_by=granted_by, reason=reason, at=at)
    )
    audit.append(
        session,
        actor=granted_by,
        action="wellbeing.override",
        subject=viewer,
        payload={"day": day, "extra": extra, "reason": reason},
    )


def extra_on(session: Session, *, viewer: str, day: str) -> int:
    """Extra views leads granted one person on one day."""
    query = select(func.coalesce(func.sum(ExposureOverrideRow.extra), 0)).where(
        ExposureOverrideRow.viewer == viewer, ExposureOverrideRow.day == day
    )
    return int(session.scalar(query) or 0)


def opted_out(session: Session, viewer: str) -> list[str]:
    """Categories one person does not want to see."""
    row = session.get(WellbeingPreferenceRow, viewer)
    return list(row.opted_out) if row is not None else []


def set_opted_out(session: Session, viewer: str, categories: Collection[str]) -> list[str]:
    """Replace one person's opt-outs (audited)."""
    chosen = sorted(set(categories))
    row = session.get(WellbeingPreferenceRow, viewer)
    if row is None:
        session.add(WellbeingPreferenceRow(viewer=viewer, opted_out=chosen))
    else:
        row.opted_out = chosen
    audit.append(
        session, actor=viewer, action="wellbeing.opt_out", subject=viewer, payload={"categories": chosen}
    )
    return chosen


def attempt_exchange(session: Session, attempt_id: str) -> tuple[str, str, list[str], list[str]] | None:
    """(prompt, response, threat ids, verdicts) of one attempt, or None."""
    row = session.get(AttemptRow, attempt_id)
    if row is None:
        return None
    case = session.get(CaseRow, (row.round_id, row.case_id))
    messages = (row.request or {}).get("messages", [])
    prompt = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
    verdicts = session.scalars(select(ScoreRow.verdict).where(ScoreRow.attempt_id == attempt_id))
    return prompt, row.response_text, list(case.threat_ids) if case else [], [v for v in verdicts if v]


def failing_attempts(session: Session, round_id: str, case_ids: Collection[str], *, limit: int) -> list[str]:
    """Ids of attempts of the given cases in a round, in case and turn order."""
    if not case_ids:
        return []
    rows = session.scalars(
        select(AttemptRow.id)
        .where(AttemptRow.round_id == round_id, AttemptRow.case_id.in_(list(case_ids)))
        .order_by(AttemptRow.case_id, AttemptRow.turn)
        .limit(limit)
    )
    return list(rows)
