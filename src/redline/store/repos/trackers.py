"""Findings' issues in external trackers: the link, what was last pushed, and the state last reported."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.store import audit
from redline.store.tables import TrackerLinkRow


class TrackerLink(BaseModel):
    """A finding's issue in one tracker."""

    model_config = ConfigDict(frozen=True)

    finding_id: str
    tracker: str = Field(description="The tracker's name in redline.yaml.")
    kind: str = Field(description="github, gitlab or jira.")
    external_id: str = Field(description="Issue number (github), iid (gitlab) or key (jira).")
    url: str = ""
    content_hash: str = Field(description="SHA-256 of the issue content last pushed.")
    state: str = Field(default="open", description="The issue state last reported: open or closed.")
    pushed_at: datetime | None = None
    state_at: datetime | None = None


def _link(row: TrackerLinkRow) -> TrackerLink:
    return TrackerLink(
        finding_id=row.finding_id,
        tracker=row.tracker,
        kind=row.kind,
        external_id=row.external_id,
        url=row.url,
        content_hash=row.content_hash,
        state=row.state,
        pushed_at=row.pushed_at,
        state_at=row.state_at,
    )


def get_link(session: Session, finding_id: str, tracker: str) -> TrackerLink | None:
    """The finding's issue in `tracker`, if it was exported there."""
    row = session.scalar(
        select(TrackerLinkRow).where(
            TrackerLinkRow.finding_id == finding_id, TrackerLinkRow.tracker == tracker
        )
    )
    return _link(row) if row is not None else None


def find_by_issue(session: Session, tracker: str, external_id: str) -> TrackerLink | None:
    """The link of an issue of `tracker`, by its number, iid or key."""
    row = session.scalar(
        select(TrackerLinkRow).where(
            TrackerLinkRow.tracker == tracker, TrackerLinkRow.external_id == external_id
        )
    )
    return _link(row) if row is not None else None


def links_of(session: Session, finding_id: str) -> list[TrackerLink]:
    """Every tracker issue of a finding, by tracker name."""
    rows = session.scalars(
        select(TrackerLinkRow).where(TrackerLinkRow.finding_id == finding_id).order_by(TrackerLinkRow.tracker)
    )
    return [_link(r) for r in rows]


def record_push(
    session: Session,
    *,
    finding_id: str,
    tracker: str,
    kind: str,
    external_id: str,
    url: str,
    content_hash: str,
    created: bool,
    actor: str,
) -> TrackerLink:
    """Record an issue created or updated for a finding (audited as tracker.export)."""
    row = session.scalar(
        select(TrackerLinkRow).where(
            TrackerLinkRow.finding_id == finding_id, TrackerLinkRow.tracker == tracker
        )
    )
    now = datetime.now(UTC)
    if row is None:
        row = TrackerLinkRow(
            finding_id=finding_id,
            tracker=tracker,
            kind=kind,
            external_id=external_id,
            url=url,
            content_hash=content_hash,
            state="open",
            pushed_at=now,
        )
        session.add(row)
    else:
        row.external_id, row.url, row.content_hash, row.pushed_at = (
            external_id,
            url or row.url,
            content_hash,
            now,
        )
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="tracker.export",
        subject=finding_id,
        payload={
            "tracker": tracker,
            "kind": kind,
            "issue": external_id,
            "url": row.url,
            "created": created,
            "content_hash": content_hash,
        },
    )
    return _link(row)


def record_state(
    session: Session, finding_id: str, tracker: str, *, state: str, event: str, actor: str, outcome: str
) -> TrackerLink:
    """Record the issue state a tracker reported (audited as tracker.inbound)."""
    row = session.scalar(
        select(TrackerLinkRow).where(
            TrackerLinkRow.finding_id == finding_id, TrackerLinkRow.tracker == tracker
        )
    )
    if row is None:
        raise LookupError(f"finding {finding_id} has no issue in {tracker}")
    previous = row.state
    row.state, row.state_at = state, datetime.now(UTC)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="tracker.inbound",
        subject=finding_id,
        payload={
            "tracker": tracker,
            "issue": row.external_id,
            "event": event,
            "state": state,
            "previous": previous,
            "outcome": outcome,
        },
    )
    return _link(row)
