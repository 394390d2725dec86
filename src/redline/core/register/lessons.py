"""The lessons digest: findings closed in a release or a period, their post-mortems grouped by root cause,
the process changes decided, and root causes that recur across releases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.risk import RiskLevel
from redline.core.register.triage import ROOT_CAUSE_LABELS, UNCLASSIFIED, PostMortem, RootCause

RESOLVED: frozenset[FindingStatus] = frozenset(
    {FindingStatus.VERIFIED, FindingStatus.CLOSED, FindingStatus.ACCEPTED_RISK}
)
"""Statuses in which a finding counts as closed for the digest (duplicates are left out)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LessonRecord(_Frozen):
    """What the register holds for one finding that the digest reads."""

    finding: Finding
    release: str | None = Field(default=None, description="Release label, e.g. 'chat@1.0'.")
    closed_at: datetime | None = Field(default=None, description="When it last moved to a closed status.")
    postmortem: PostMortem | None = None


class ClosedFinding(_Frozen):
    """A finding the digest counts as closed."""

    id: str = Field(description="Finding id.")
    title: str = Field(description="Short title.")
    threat_id: str = Field(description="Catalog threat.")
    risk: RiskLevel = Field(description="Risk level.")
    status: FindingStatus = Field(description="verified, closed or accepted_risk.")
    release: str | None = Field(default=None, description="Release it was found in.")
    closed_at: datetime | None = Field(default=None, description="When it was closed.")
    has_postmortem: bool = Field(description="A post-mortem is recorded for it.")


class Lesson(_Frozen):
    """One post-mortem as the digest shows it."""

    finding_id: str = Field(description="Finding id.")
    title: str = Field(description="Finding title.")
    risk: RiskLevel = Field(description="Risk level of the finding.")
    release: str | None = Field(default=None, description="Release the finding was found in.")
    what_failed: str = Field(description="What failed.")
    why: str = Field(description="Why it failed and why the process let it through.")
    root_cause: str = Field(description="Root-cause category, or 'unclassified'.")
    changes: tuple[str, ...] = Field(default=(), description="Process changes decided.")
    owner: str = Field(default="", description="Who owns the process changes.")
    held_on: date | None = Field(default=None, description="When the post-mortem was held (or written).")


class CauseGroup(_Frozen):
    """The post-mortems of one root-cause category."""

    cause: str = Field(description="Root-cause category, or 'unclassified'.")
    label: str = Field(description="The category in words.")
    lessons: tuple[Lesson, ...] = Field(description="Its post-mortems, highest risk first.")


class ProcessChange(_Frozen):
    """A process change a post-mortem decided."""

    change: str = Field(description="What changes in the process.")
    finding_id: str = Field(description="The finding whose post-mortem decided it.")
    root_cause: str = Field(description="The root cause it answers.")
    owner: str = Field(default="", description="Who owns it.")


class RecurringCause(_Frozen):
    """A root cause seen in this digest that post-mortems name in more than one release."""

    cause: str = Field(description="Root-cause category.")
    label: str = Field(description="The category in words.")
    releases: tuple[str, ...] = Field(description="Releases whose findings' post-mortems name it.")
    findings: int = Field(ge=0, description="Post-mortems naming it, over the whole register.")


class LessonsDigest(_Frozen):
    """What failed, why, and what changed in the process: for a release, a period, or both."""

    scope: str = Field(description="What the digest covers, in words.")
    release: str | None = Field(default=None, description="Release the digest is about.")
    since: date | None = Field(default=None, description="First day of the period (inclusive).")
    until: date | None = Field(default=None, description="Last day of the period (inclusive).")
    closed: tuple[ClosedFinding, ...] = Field(default=(), description="Findings closed in scope.")
    causes: tuple[CauseGroup, ...] = Field(
        default=(), description="Post-mortems in scope by root cause, most frequent cause first."
    )
    changes: tuple[ProcessChange, ...] = Field(default=(), description="Process changes decided in scope.")
    recurring: tuple[RecurringCause, ...] = Field(
        default=(), description="Root causes in scope that recur across releases."
    )
    without_postmortem: tuple[str, ...] = Field(
        default=(), description="Closed findings in scope with no post-mortem yet."
    )

    @property
    def lessons(self) -> int:
        """Post-mortems in scope."""
        return sum(len(g.lessons) for g in self.causes)

    @property
    def empty(self) -> bool:
        """Nothing closed and no post-mortem in scope."""
        return not self.closed and not self.causes

    def summary(self) -> str:
        """One paragraph a person can act on."""
        parts = [f"{len(self.closed)} finding(s) closed, {self.lessons} post-mortem(s)"]
        if self.causes:
            top = ", ".join(f"{g.label} ({len(g.lessons)})" for g in self.causes[:3])
            parts.append(f"root causes: {top}")
        if self.changes:
            parts.append(f"{len(self.changes)} process change(s)")
        if self.recurring:
            parts.append("recurring across releases: " + ", ".join(r.label for r in self.recurring))
        if self.without_postmortem:
            parts.append(f"{len(self.without_postmortem)} closed without a post-mortem")
        return f"{self.scope}: " + "; ".join(parts) + "."


def cause_label(cause: str) -> str:
    """A root-cause value in words ('unclassified' for none)."""
    try:
        return ROOT_CAUSE_LABELS[RootCause(cause)]
    except ValueError:
        return UNCLASSIFIED


def _in(day: date | None, since: date | None, until: date | None) -> bool:
    if day is None:
        return since is None and until is None
    return (since is None or day >= since) and (until is None or day <= until)


def _scope_words(release: str | None, since: date | None, until: date | None) -> str:
    words = [f"release {release}"] if release else []
    if since and until:
        words.append(f"{since.isoformat()} to {until.isoformat()}")
    elif since:
        words.append(f"since {since.isoformat()}")
    elif until:
        words.append(f"until {until.isoformat()}")
    return "Lessons for " + (", ".join(words) or "the whole register")


def _lesson(r: LessonRecord, pm: PostMortem) -> Lesson:
    f = r.finding
    return Lesson(
        finding_id=f.id,
        title=f.title,
        risk=f.risk,
        release=r.release,
        what_failed=pm.what_happened,
        why=pm.why_missed,
        root_cause=pm.cause,
        changes=pm.changes,
        owner=pm.owner,
        held_on=pm.day,
    )


def lessons_digest(
    records: Iterable[LessonRecord],
    *,
    release_id: str | None = None,
    release: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> LessonsDigest:
    """The digest of `records` for a release (by id; `release` is its label), a period, or both.

    A finding is in a period when it was closed in it or its post-mortem is dated in it (held, else
    written); a finding is in a release when it was found in it. Recurring causes count every
    post-mortem of the register, so a cause met again in this release shows the earlier releases too.
    """
    everything = list(records)
    period = since is not None or until is not None

    def in_scope(r: LessonRecord) -> bool:
        if release_id is not None and r.finding.release_id != release_id:
            return False
        if not period:
            return True
        closed_in = r.finding.status in RESOLVED and r.closed_at is not None
        closed_in = closed_in and _in(r.closed_at.date() if r.closed_at else None, since, until)
        written_in = r.postmortem is not None and _in(r.postmortem.day, since, until)
        return closed_in or written_in

    scoped = [r for r in everything if in_scope(r)]
    closed_records = [
        r
        for r in scoped
        if r.finding.status in RESOLVED
        and (not period or (r.closed_at is not None and _in(r.closed_at.date(), since, until)))
    ]
    closed = tuple(
        ClosedFinding(
            id=r.finding.id,
            title=r.finding.title,
            threat_id=r.finding.threat_id,
            risk=r.finding.risk,
            status=r.finding.status,
            release=r.release,
            closed_at=r.closed_at,
            has_postmortem=r.postmortem is not None,
        )
        for r in sorted(closed_records, key=_by_risk)
    )
    lessons = [_lesson(r, r.postmortem) for r in sorted(scoped, key=_by_risk) if r.postmortem is not None]
    by_cause: dict[str, list[Lesson]] = {}
    for lesson in lessons:
        by_cause.setdefault(lesson.root_cause, []).append(lesson)
    causes = tuple(
        CauseGroup(cause=c, label=cause_label(c), lessons=tuple(items))
        for c, items in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), _cause_order(kv[0])))
    )
    changes = tuple(
        ProcessChange(
            change=change, finding_id=lesson.finding_id, root_cause=lesson.root_cause, owner=lesson.owner
        )
        for group in causes
        for lesson in group.lessons
        for change in lesson.changes
    )
    return LessonsDigest(
        scope=_scope_words(release, since, until),
        release=release,
        since=since,
        until=until,
        closed=closed,
        causes=causes,
        changes=changes,
        recurring=_recurring(everything, by_cause),
        without_postmortem=tuple(c.id for c in closed if not c.has_postmortem),
    )


def _by_risk(r: LessonRecord) -> tuple[int, str]:
    return (-r.finding.risk.rank, r.finding.id)


def _cause_order(cause: str) -> int:
    values: Sequence[str] = [c.value for c in RootCause]
    return values.index(cause) if cause in values else len(values)


def _recurring(
    records: Sequence[LessonRecord], in_scope: dict[str, list[Lesson]]
) -> tuple[RecurringCause, ...]:
    releases: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for r in records:
        if r.postmortem is None or r.postmortem.root_cause is None:
            continue
        cause = r.postmortem.cause
        counts[cause] = counts.get(cause, 0) + 1
        if r.release:
            releases.setdefault(cause, set()).add(r.release)
    return tuple(
        RecurringCause(cause=c, label=cause_label(c), releases=tuple(sorted(releases[c])), findings=counts[c])
        for c in sorted(in_scope, key=_cause_order)
        if c != UNCLASSIFIED and len(releases.get(c, ())) >= 2
    )
