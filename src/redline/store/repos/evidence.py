"""Evidence from stored scores: per-threat failure rates of a round or a release, and the failing cases.

A case fails when any of its scores failed, passes when it was scored and none failed, could not be
scored when it has scores but none decides, and is an error when its attempts all errored. The
per-case rule is one SQL query (`rounds.case_outcomes`), grouped per threat in the database
(`rounds.threat_outcome_counts`), and the per-threat tally one function
(`core.analysis.evidence.evidence_from_counted`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.analysis.evidence import Evidence, evidence_from_counted
from redline.core.runs.cases import AttackCase
from redline.core.runs.rounds import RoundStatus
from redline.store.repos import rounds as rounds_repo
from redline.store.tables import AttemptRow, RoundRow

FINISHED = (RoundStatus.COMPLETED,)


def round_evidence(session: Session, round_id: str) -> list[Evidence]:
    """Per-threat evidence of one round, by threat id (from the store's per-threat outcome counts)."""
    return evidence_from_counted(rounds_repo.threat_outcome_counts(session, round_id))


@dataclass(frozen=True)
class SourcedEvidence:
    """Evidence for one threat and the round it comes from."""

    evidence: Evidence
    round_id: str


def release_rounds(session: Session, release_id: str) -> list[str]:
    """Ids of a release's finished rounds, newest first."""
    rows = session.scalars(
        select(RoundRow.id)
        .where(RoundRow.release_id == release_id, RoundRow.status.in_([s.value for s in FINISHED]))
        .order_by(RoundRow.created_at.desc(), RoundRow.id.desc())
    )
    return list(rows)


def release_evidence(session: Session, release_id: str) -> list[SourcedEvidence]:
    """Per-threat evidence of a release: for each threat, its newest finished round that tested it."""
    found: dict[str, SourcedEvidence] = {}
    for round_id in release_rounds(session, release_id):
        for ev in round_evidence(session, round_id):
            if ev.threat_id not in found and (ev.n or ev.could_not_score or ev.errors):
                found[ev.threat_id] = SourcedEvidence(evidence=ev, round_id=round_id)
    return [found[t] for t in sorted(found)]


def _case_of(session: Session, round_id: str) -> dict[str, str]:
    rows = session.execute(select(AttemptRow.id, AttemptRow.case_id).where(AttemptRow.round_id == round_id))
    return {str(attempt_id): str(case_id) for attempt_id, case_id in rows.all()}


def failed_case_ids(session: Session, round_id: str) -> set[str]:
    """Ids of a round's cases with at least one failing score (`Score.failed`)."""
    case_of = _case_of(session, round_id)
    return {case_of[a] for a, score in rounds_repo.list_scores(session, round_id) if score.failed}


def threat_cases(
    session: Session, round_id: str, threat_id: str, *, only: Collection[str] | None = None
) -> list[AttackCase]:
    """A round's cases that exercise one threat, in planned order (optionally only the given ids)."""
    return [
        c
        for c in rounds_repo.list_cases(session, round_id)
        if threat_id in c.threat_ids and (only is None or c.id in only)
    ]


@dataclass
class ScorerResults:
    """One scorer's deciding scores over some rounds, and the threats of the cases it scored."""

    failed: list[bool] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    threats: Counter[str] = field(default_factory=Counter)


def scorer_results(session: Session, round_ids: Collection[str]) -> dict[str, ScorerResults]:
    """Per scorer, whether each deciding score failed and its value (a verdict's value is 0 or 1)."""
    out: dict[str, ScorerResults] = {}
    for round_id in round_ids:
        case_of = _case_of(session, round_id)
        threats_of = {c.id: c.threat_ids for c in rounds_repo.list_cases(session, round_id)}
        for attempt_id, score in rounds_repo.list_scores(session, round_id):
            failed = score.failed
            if failed is None:
                continue
            res = out.setdefault(score.scorer, ScorerResults())
            res.failed.append(failed)
            res.values.append(score.value if score.value is not None else float(failed))
            res.threats.update(threats_of.get(case_of.get(attempt_id, ""), ()))
    return out
