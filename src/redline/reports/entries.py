"""Findings, mitigations and votes as a report shows them, and the heat map they make."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.heatmap import risk_heatmap
from redline.core.register.mitigations import Mitigation
from redline.core.register.policy import Decision
from redline.core.register.risk import RiskLevel, RiskMatrix
from redline.core.runs.systems import Release
from redline.reports import sections as sec
from redline.reports.model import FindingEntry, MitigationEntry, SignoffEntry
from redline.store.repos import decisions as decisions_repo

# Turns a stored name into what the audience may see (a role for external readers).
Person = Callable[[str | None, str], str | None]


def heatmap_of(
    findings: Sequence[Finding], matrix: RiskMatrix
) -> tuple[sec.HeatMap, list[sec.SeverityCount]]:
    """Open findings on the likelihood x impact matrix (the one rule of `core.register.heatmap`, as on the
    dashboard), and how many findings, open and all, sit at each risk level."""
    counted = [f for f in findings if f.status is not FindingStatus.DUPLICATE]
    rows = risk_heatmap(findings, matrix)
    thresholds = {"low": matrix.low_max, "medium": matrix.medium_max, "high": matrix.high_max}
    severity = [
        sec.SeverityCount(
            level=lv,
            total=sum(1 for f in counted if f.risk is lv),
            open=sum(1 for f in counted if f.risk is lv and f.is_open),
        )
        for lv in reversed(RiskLevel)
    ]
    return sec.HeatMap(rows=rows, thresholds=thresholds), severity


def votes_of(
    session: Session, release: Release | None, decision: Decision | None, person: Person
) -> tuple[SignoffEntry, ...]:
    """The committee's votes on the release, signers shown as `person` says."""
    if release is None:
        return ()
    return tuple(
        SignoffEntry(
            signer=person(s.signer, "committee member") or "",
            vote=s.vote.value,
            comment=s.comment,
            at=s.at,
            current=decision is not None and s.decision_id == decision.id,
        )
        for s in decisions_repo.list_signoffs(session, release.id)
    )


def finding_entry(
    f: Finding, mitigations: Sequence[Mitigation], person: Person, *, external: bool
) -> FindingEntry:
    """A finding as the report shows it; external readers get no description."""
    return FindingEntry(
        id=f.id,
        title=f.title,
        threat_id=f.threat_id,
        status=f.status,
        likelihood=f.likelihood,
        impact=f.impact,
        risk=f.risk,
        is_open=f.is_open,
        owner=person(f.owner, "assigned owner"),
        effort=f.effort,
        due=f.due.isoformat() if f.due else None,
        description="" if external else f.description,
        round_id=f.round_id,
        mitigation_ids=tuple(m.id for m in mitigations if m.finding_id == f.id),
    )


def mitigation_entry(m: Mitigation, person: Person) -> MitigationEntry:
    """A mitigation as the report shows it."""
    return MitigationEntry(
        id=m.id,
        finding_id=m.finding_id,
        type=m.type,
        description=m.description,
        owner=person(m.owner, "assigned owner"),
        status=m.status,
    )
