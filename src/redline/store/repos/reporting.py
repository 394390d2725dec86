"""Read-only queries that only reports need: what a report covers, people, and records streamed as stored.

The record streams give each case, attempt and score as the JSON it is stored as, in a fixed order and
in batches, so digests and bundles of rounds with millions of attempts run in bounded memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from redline.core.analysis.evidence import Evidence
from redline.core.errors import NotFoundError
from redline.core.ids import digest_records
from redline.core.people.users import User
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.mitigations import Mitigation
from redline.core.runs.rounds import Round
from redline.core.runs.scores import ScoreOutcome, Verdict
from redline.core.runs.systems import Release, System
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos import users as users_repo
from redline.store.tables import AttemptRow, CaseRow, ScoreRow

Sourced = dict[str, tuple[Round, Evidence]]


def get_release_or_none(session: Session, release_id: str | None) -> Release | None:
    """The release of that id, or None when the id is None (a round run without a release)."""
    return systems_repo.get_release(session, release_id) if release_id else None


def system_of(session: Session, release: Release) -> System:
    """The system a release belongs to."""
    for system in systems_repo.list_systems(session):
        if system.id == release.system_id:
            return system
    raise NotFoundError(f"no system with id '{release.system_id}'")


def round_sourced(session: Session, rnd: Round) -> Sourced:
    """Per threat, one round's evidence with the round it comes from."""
    return {ev.threat_id: (rnd, ev) for ev in evidence_repo.round_evidence(session, rnd.id)}


def release_sourced(session: Session, release_id: str) -> Sourced:
    """Per threat, the release's evidence (its newest finished round that tested it) with that round."""
    found = evidence_repo.release_evidence(session, release_id)
    rounds = {rid: rounds_repo.get_round(session, rid) for rid in {s.round_id for s in found}}
    return {s.evidence.threat_id: (rounds[s.round_id], s.evidence) for s in found}


def release_rounds(session: Session, release_id: str) -> list[Round]:
    """The finished rounds of a release that a release report draws on, newest first."""
    return [rounds_repo.get_round(session, rid) for rid in evidence_repo.release_rounds(session, release_id)]


def findings_in_scope(session: Session, *, release_id: str | None, round_ids: Sequence[str]) -> list[Finding]:
    """Findings a report covers, highest risk first.

    Those raised by its rounds or recorded against its release, and those of the system's earlier
    releases that are not closed: a finding stays on the register until it is resolved.
    """
    wanted = set(round_ids)
    earlier: set[str] = set()
    if release_id is not None:
        release = systems_repo.get_release(session, release_id)
        ordered = [r.id for r in systems_repo.list_releases(session, system_id=release.system_id)]
        earlier = set(ordered[: ordered.index(release_id)]) if release_id in ordered else set()
    settled = {FindingStatus.CLOSED, FindingStatus.DUPLICATE}
    return [
        f
        for f in findings_repo.list_findings(session)
        if f.round_id in wanted
        or (release_id is not None and f.release_id == release_id)
        or (f.release_id in earlier and f.status not in settled)
    ]


def mitigations_for(session: Session, finding_ids: Sequence[str]) -> list[Mitigation]:
    """Mitigations linked to any of the findings, oldest first."""
    wanted = set(finding_ids)
    return [m for m in mitigations_repo.list_mitigations(session) if m.finding_id in wanted]


def people(session: Session) -> list[User]:
    """Every account (names, emails and roles), so reports can replace names by roles."""
    return users_repo.list_users(session)


BATCH = 2000
_ATTEMPTS = AttemptRow.__table__
_SCORES = ScoreRow.__table__


def iter_case_records(session: Session, round_id: str) -> Iterator[dict[str, Any]]:
    """A round's cases as stored (the AttackCase JSON), in planned order."""
    query = select(CaseRow.body).where(CaseRow.round_id == round_id).order_by(CaseRow.position)
    yield from session.scalars(query.execution_options(yield_per=BATCH))


def attempt_record(row: Any) -> dict[str, Any]:
    """One attempt as stored, in the shape of `Attempt.model_dump(mode="json")`."""
    return {
        "id": row.id,
        "round_id": row.round_id,
        "case_id": row.case_id,
        "turn": row.turn,
        "request": row.request,
        "response": {**row.response, "text": row.response_text},
        "cached": row.cached,
        "provenance": row.provenance,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }


def iter_attempt_records(session: Session, round_id: str) -> Iterator[dict[str, Any]]:
    """A round's attempts as stored, in (case, turn) order (table rows, not ORM objects: a third of
    the time on a large round)."""
    query = (
        select(_ATTEMPTS)
        .where(_ATTEMPTS.c.round_id == round_id)
        .order_by(_ATTEMPTS.c.case_id, _ATTEMPTS.c.turn)
    )
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        yield attempt_record(row)


def score_record(row: Any) -> dict[str, Any]:
    """One score as stored: {'attempt_id', 'score'} with the score in `Score.model_dump` shape."""
    scale = [row.scale_lo, row.scale_hi] if row.scale_lo is not None and row.scale_hi is not None else None
    score = {
        "scorer": row.scorer,
        "outcome": row.outcome,
        "verdict": row.verdict,
        "value": row.value,
        "scale": scale,
        "rationale": row.rationale,
        "provenance": row.provenance,
    }
    return {"attempt_id": row.attempt_id, "score": score}


def iter_score_records(session: Session, round_id: str) -> Iterator[dict[str, Any]]:
    """A round's scores as stored, in the order they were written."""
    query = select(_SCORES).where(_SCORES.c.round_id == round_id).order_by(_SCORES.c.id)
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        yield score_record(row)


def _failing() -> Any:
    half = ScoreRow.scale_lo + (ScoreRow.scale_hi - ScoreRow.scale_lo) / 2
    return and_(
        ScoreRow.outcome == ScoreOutcome.SCORED.value,
        or_(ScoreRow.verdict.in_([Verdict.FAIL.value, Verdict.PARTIAL.value]), ScoreRow.value >= half),
    )


def example_attempt_ids(session: Session, round_id: str, *, limit: int) -> list[str]:
    """Up to `limit` attempt ids of a round: failing ones first, then held, then ones nobody judged."""
    failing = select(ScoreRow.attempt_id).distinct().where(ScoreRow.round_id == round_id, _failing())
    scored = (
        select(ScoreRow.attempt_id)
        .distinct()
        .where(ScoreRow.round_id == round_id, ScoreRow.outcome == ScoreOutcome.SCORED.value)
    )
    out = list(session.scalars(failing.order_by(ScoreRow.attempt_id).limit(limit)))
    if len(out) < limit:
        held = scored.where(ScoreRow.attempt_id.not_in(failing.scalar_subquery()))
        out += session.scalars(held.order_by(ScoreRow.attempt_id).limit(limit - len(out)))
    if len(out) < limit:
        unjudged = select(AttemptRow.id).where(AttemptRow.round_id == round_id, AttemptRow.id.not_in(scored))
        out += session.scalars(unjudged.order_by(AttemptRow.id).limit(limit - len(out)))
    return out


def records_for_attempts(
    session: Session, round_id: str, attempt_ids: Collection[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """For the given attempts: their records by id, their cases' records by id, and their scores."""
    ids = list(attempt_ids)
    if not ids:
        return {}, {}, []
    attempts = {
        r.id: attempt_record(r)
        for r in session.scalars(
            select(AttemptRow).where(AttemptRow.round_id == round_id, AttemptRow.id.in_(ids))
        )
    }
    case_ids = {a["case_id"] for a in attempts.values()}
    cases = {
        body["id"]: body
        for body in session.scalars(
            select(CaseRow.body).where(CaseRow.round_id == round_id, CaseRow.case_id.in_(case_ids))
        )
    }
    scores = [
        score_record(r)
        for r in session.scalars(select(ScoreRow).where(ScoreRow.attempt_id.in_(ids)).order_by(ScoreRow.id))
    ]
    return attempts, cases, scores


def techniques_of(session: Session, round_id: str) -> list[str]:
    """The techniques that built a round's cases."""
    query = (
        select(CaseRow.technique).distinct().where(CaseRow.round_id == round_id).order_by(CaseRow.technique)
    )
    return list(session.scalars(query))


def scorers_of(session: Session, round_id: str) -> dict[str, str]:
    """Scorer name -> the version recorded in its provenance, for a round (kept with a finished round)."""

    def compute() -> dict[str, str]:
        out: dict[str, str] = {}
        names = select(ScoreRow.scorer).distinct().where(ScoreRow.round_id == round_id)
        for name in session.scalars(names):
            prov = session.scalars(
                select(ScoreRow.provenance)
                .where(ScoreRow.round_id == round_id, ScoreRow.scorer == name)
                .limit(1)
            ).first()
            out[name] = str((prov or {}).get("version", ""))
        return dict(sorted(out.items()))

    return {
        str(k): str(v) for k, v in rounds_repo.cached_aggregate(session, round_id, "scorers", compute).items()
    }


def iter_private_values(session: Session, round_id: str) -> Iterator[tuple[str, Any]]:
    """What a round planted, for redaction: distinct ('conversation' | 'params', value) pairs."""
    seen: set[str] = set()

    def fresh(value: Any) -> bool:
        key = repr(value)
        if key in seen:
            return False
        seen.add(key)
        return True

    for body in iter_case_records(session, round_id):
        for kind, value in (
            ("conversation", body.get("conversation", {})),
            ("params", body.get("params", {})),
        ):
            if fresh(value):
                yield kind, value
    requests = select(AttemptRow.request).where(AttemptRow.round_id == round_id)
    for request in session.scalars(requests.execution_options(yield_per=BATCH)):
        system = [m for m in request.get("messages", []) if m.get("role") == "system"]
        if system and fresh(system):
            yield "conversation", {"messages": system}
    provs = select(ScoreRow.provenance).where(ScoreRow.round_id == round_id)
    for prov in session.scalars(provs.execution_options(yield_per=BATCH)):
        params = (prov or {}).get("params", {})
        if params and fresh(params):
            yield "params", params


def record_digests(session: Session, round_id: str) -> dict[str, str]:
    """SHA-256 digests of a round's cases, attempts and scores as stored, each streamed in order."""
    return {
        "cases": digest_records(iter_case_records(session, round_id)),
        "responses": digest_records(iter_attempt_records(session, round_id)),
        "scores": digest_records(iter_score_records(session, round_id)),
    }


def kept_record_digests(session: Session, round_id: str) -> dict[str, str]:
    """`record_digests`, kept with a finished round (`rounds.cached_aggregate`)."""
    kept = rounds_repo.cached_aggregate(
        session, round_id, "digests", lambda: record_digests(session, round_id)
    )
    return {str(k): str(v) for k, v in kept.items()}
