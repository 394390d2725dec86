"""The lessons digest: closed findings of a release or a period, post-mortems by root cause, process
changes, and root causes that recur across releases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.lessons import LessonRecord, lessons_digest
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.register.triage import PostMortem, RootCause

S = FindingStatus


def _record(
    fid: str,
    *,
    release: str,
    status: FindingStatus = S.CLOSED,
    closed: date | None = date(2026, 3, 10),
    cause: RootCause | None = None,
    held: date | None = None,
    changes: tuple[str, ...] = (),
    risk: RiskLevel = RiskLevel.HIGH,
) -> LessonRecord:
    finding = Finding(
        id=fid,
        title=f"title {fid}",
        threat_id="injection.direct",
        status=status,
        likelihood=Likelihood(3),
        impact=Impact(4),
        risk=risk,
        release_id=f"rel_{release}",
    )
    pm = (
        PostMortem(
            what_happened=f"what {fid}",
            why_missed=f"why {fid}",
            root_cause=cause,
            changes=changes,
            owner="lena",
            held_on=held,
        )
        if cause is not None or held is not None
        else None
    )
    when = datetime(closed.year, closed.month, closed.day, 12, tzinfo=UTC) if closed else None
    return LessonRecord(finding=finding, release=f"chat@{release}", closed_at=when, postmortem=pm)


REGISTER = [
    _record("f1", release="1.0", cause=RootCause.MISSING_TEST, changes=("add indirect probes",)),
    _record("f2", release="1.0", cause=RootCause.DATA, closed=date(2026, 1, 5)),
    _record(
        "f3",
        release="2.0",
        cause=RootCause.MISSING_TEST,
        changes=("scorer for tools",),
        risk=RiskLevel.CRITICAL,
    ),
    _record("f4", release="2.0", closed=None, status=S.IN_PROGRESS),
    _record("f5", release="2.0", status=S.VERIFIED),
    _record(
        "f6", release="2.0", status=S.IN_PROGRESS, closed=None, cause=RootCause.PROCESS, held=date(2026, 3, 2)
    ),
]


def test_a_release_digest_groups_post_mortems_by_cause_and_finds_recurring_causes() -> None:
    d = lessons_digest(REGISTER, release_id="rel_2.0", release="chat@2.0")
    assert [c.id for c in d.closed] == ["f3", "f5"]
    assert d.without_postmortem == ("f5",)
    assert [(g.cause, [x.finding_id for x in g.lessons]) for g in d.causes] == [
        ("missing_test", ["f3"]),
        ("process", ["f6"]),
    ]
    assert [(c.change, c.finding_id) for c in d.changes] == [("scorer for tools", "f3")]
    (recurring,) = d.recurring
    assert recurring.cause == "missing_test" and recurring.releases == ("chat@1.0", "chat@2.0")
    assert recurring.findings == 2
    assert "release chat@2.0" in d.summary() and "recurring across releases" in d.summary()


def test_a_period_digest_takes_findings_closed_or_post_mortems_held_in_it() -> None:
    d = lessons_digest(REGISTER, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert sorted(c.id for c in d.closed) == ["f1", "f3", "f5"]  # f2 closed in January
    lessons = sorted(x.finding_id for g in d.causes for x in g.lessons)
    assert lessons == ["f1", "f3", "f6"]  # f6 is open but its post-mortem was held in March
    assert d.causes[0].cause == "missing_test" and len(d.causes[0].lessons) == 2
    january = lessons_digest(REGISTER, since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert [c.id for c in january.closed] == ["f2"] and january.recurring == ()


def test_post_mortems_without_a_category_are_unclassified() -> None:
    old = _record("f9", release="1.0", held=date(2026, 3, 3))
    d = lessons_digest([old], release_id="rel_1.0", release="chat@1.0")
    assert [g.cause for g in d.causes] == ["unclassified"] and d.recurring == ()
    assert lessons_digest([], release_id="rel_1.0", release="chat@1.0").empty
