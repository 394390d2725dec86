"""How failure rates moved across a system's releases, overall and per threat."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from redline.core.analysis.comparison import Change, classify_change
from redline.core.analysis.evidence import Evidence
from redline.core.analysis.stats import rate_interval
from redline.core.runs.systems import Release
from redline.reports.sections import ThreatTrend, TrendPoint, TrendSeries
from redline.store.repos import reporting, systems
from redline.store.repos.reporting import Sourced


def _point(release: Release, evidence: Sequence[Evidence], *, current: bool) -> TrendPoint:
    failures = sum(e.failures for e in evidence)
    n = sum(e.n for e in evidence)
    interval = rate_interval(failures, n)
    return TrendPoint(
        release=release.version,
        release_id=release.id,
        created_at=release.created_at,
        failures=failures,
        n=n,
        rate=failures / n if n else 0.0,
        low=interval.low,
        high=interval.high,
        current=current,
    )


def _cell(ev: Evidence | None) -> str:
    if ev is None or not ev.n:
        return ""
    return f"{ev.failures}/{ev.n} ({ev.rate:.0%}; 95% CI {ev.low:.0%}-{ev.high:.0%})"


def _threat_trend(threat_id: str, history: Sequence[Evidence | None]) -> ThreatTrend:
    tested = [e for e in history if e is not None and e.n > 0]
    if len(tested) >= 2:
        change, test = classify_change(tested[-2], tested[-1])
    elif tested:
        change, test = classify_change(None, tested[-1])
    else:
        change, test = Change.NOT_TESTED, None
    return ThreatTrend(
        threat_id=threat_id,
        cells=tuple(_cell(e) for e in history),
        change=change,
        p_value=test.p_value if test else None,
    )


def build_trends(session: Session, release: Release | None, *, current: Sourced) -> TrendSeries:
    """Overall and per-threat failure rates for every release of the system, up to the current one."""
    if release is None:
        return TrendSeries()
    releases = list(systems.list_releases(session, system_id=release.system_id))
    cutoff = next((i for i, r in enumerate(releases) if r.id == release.id), len(releases) - 1)
    releases = releases[: cutoff + 1]
    per_release: list[tuple[Release, dict[str, Evidence]]] = []
    for rel in releases:
        sourced = current if rel.id == release.id else reporting.release_sourced(session, rel.id)
        if sourced:
            per_release.append((rel, {tid: ev for tid, (_, ev) in sourced.items()}))
    points = tuple(_point(rel, list(evs.values()), current=rel.id == release.id) for rel, evs in per_release)
    threat_ids = sorted({tid for _, evs in per_release for tid in evs})
    threats = tuple(_threat_trend(tid, [evs.get(tid) for _, evs in per_release]) for tid in threat_ids)
    return TrendSeries(points=points, threats=threats)
