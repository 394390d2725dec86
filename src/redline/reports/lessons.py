"""Post-mortems and the lessons digest in internal and committee reports (external reports carry neither:
post-mortems are the team's own account of its process)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from redline.core.register.findings import Finding
from redline.core.register.lessons import LessonsDigest, cause_label, lessons_digest
from redline.core.runs.systems import Release
from redline.reports.model import PostMortemEntry
from redline.store.repos import findings as findings_repo


def lessons_section(
    session: Session, findings: Sequence[Finding], release: Release | None
) -> tuple[tuple[PostMortemEntry, ...], LessonsDigest | None]:
    """The post-mortems of the findings in scope (highest risk first, as `findings` is ordered), and the
    lessons digest of the release in scope (None for rounds tied to no release)."""
    records = findings_repo.lesson_records(session)
    by_id = {r.finding.id: r for r in records}
    entries = []
    for f in findings:
        found = by_id.get(f.id)
        pm = found.postmortem if found is not None else None
        if pm is None:
            continue
        entries.append(
            PostMortemEntry(
                finding_id=f.id,
                title=f.title,
                root_cause=pm.cause,
                root_cause_label=cause_label(pm.cause),
                what_failed=pm.what_happened,
                why=pm.why_missed,
                changes=pm.changes,
                owner=pm.owner,
                held_on=pm.day,
                author=pm.author,
            )
        )
    digest = None
    if release is not None:
        label = findings_repo.release_labels(session).get(release.id)
        digest = lessons_digest(records, release_id=release.id, release=label)
    return tuple(entries), digest
