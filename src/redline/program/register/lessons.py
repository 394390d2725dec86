"""The lessons digest of the program: what failed, why, and what changed in the process, per release or
per period, as a record, and as a notification to the hooks subscribed to `lessons`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from redline.config.settings import Settings
from redline.core.errors import UsageError
from redline.core.register.lessons import LessonsDigest, lessons_digest
from redline.program.channels.notifications import Delivery, Notification, notify
from redline.store.repos import findings as findings_repo
from redline.store.repos import systems as systems_repo
from redline.store.session import Store

EVENT = "lessons"


def digest(
    store: Store,
    *,
    release: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> LessonsDigest:
    """The lessons digest of a release (SYSTEM@VERSION, a version or an id), a period, or both."""
    if release is None and since is None and until is None:
        raise UsageError("a lessons digest needs a release (--release) or a period (--since/--until)")
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    with store.session() as session:
        release_id = systems_repo.resolve_release(session, release).id if release is not None else None
        label = findings_repo.release_labels(session).get(release_id or "") if release_id else None
        records = findings_repo.lesson_records(session)
    return lessons_digest(records, release_id=release_id, release=label, since=since, until=until)


def notification(settings: Settings, lessons: LessonsDigest) -> Notification:
    """The digest as a notification (event 'lessons'): counts and causes as fields, the whole digest in
    the details for machines."""
    if lessons.release:
        kind, subject = "release", lessons.release
    else:
        kind = "period"
        subject = f"{lessons.since or '...'}..{lessons.until or '...'}"
    fields = {
        "findings closed": str(len(lessons.closed)),
        "post-mortems": str(lessons.lessons),
    }
    for group in lessons.causes[:4]:
        fields[f"cause: {group.label}"] = str(len(group.lessons))
    if lessons.changes:
        fields["process changes"] = "; ".join(c.change for c in lessons.changes[:5]) + (
            f" (+{len(lessons.changes) - 5} more)" if len(lessons.changes) > 5 else ""
        )
    if lessons.recurring:
        fields["recurring causes"] = "; ".join(
            f"{r.label} in {', '.join(r.releases)}" for r in lessons.recurring
        )
    if lessons.without_postmortem:
        fields["closed without a post-mortem"] = ", ".join(lessons.without_postmortem[:10])
    return Notification(
        event=EVENT,
        kind=kind,
        subject=subject,
        title=lessons.scope,
        summary=lessons.summary(),
        workspace=settings.config.name,
        link="/findings?all=true",
        fields=fields,
        details=lessons.model_dump(mode="json"),
    )


def announce(
    store: Store, settings: Settings, lessons: LessonsDigest, *, env: Mapping[str, str] | None = None
) -> list[Delivery]:
    """Send the digest to every hook subscribed to 'lessons'; each delivery is audited."""
    note = notification(settings, lessons)
    return notify(settings, note, store=store, env=env, audit_subject=f"lessons:{note.subject}")
