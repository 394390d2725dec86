"""Rounds, their cases, attempts and scores: written in batches, idempotent on resume."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, Text, and_, case, cast, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from redline.core.analysis.evidence import evidence_from_counted
from redline.core.errors import NotFoundError
from redline.core.provenance import Provenance
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.core.runs.scores import Score, ScoreOutcome, Verdict
from redline.core.secrets import redact_secrets
from redline.store import audit
from redline.store.session import JsonText, conflict_dialect
from redline.store.tables import AttemptRow, Base, CaseRow, RoundAggregateRow, RoundRow, ScoreRow

_TEXT = {"text"}
_TEXT_AND_ACTIONS = {"text", "actions"}
NO_THREAT = ""
"""Key of the cases that name no threat in a kept per-threat tally."""


def _insert_ignore(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, skipping any that collide with an existing key; returns rows inserted.

    One cached statement executed with many parameter sets (executemany): compiling a multi-row
    VALUES clause per batch cost about ten times more CPU than the database work itself.
    """
    if not rows:
        return 0
    table = model.__table__
    assert isinstance(table, Table)
    dialect = conflict_dialect(session)
    stmt = dialect.insert(table).on_conflict_do_nothing()
    if dialect.__name__.endswith("sqlite"):
        return int(session.connection().execute(stmt, list(rows)).rowcount)
    # psycopg reports no row count for executemany; RETURNING batched by "insertmanyvalues" does.
    key = next(iter(table.primary_key.columns))
    return len(session.connection().execute(stmt.returning(key), list(rows)).all())


def _round(row: RoundRow) -> Round:
    return Round(
        id=row.id,
        release_id=row.release_id,
        plan_id=row.plan_id,
        adhoc=row.adhoc,
        status=RoundStatus(row.status),
        seed=row.seed,
        config=row.config,
        versions=row.versions,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def create_round(session: Session, rnd: Round, *, actor: str) -> Round:
    """Record a new round (its configuration snapshot is stripped of secrets)."""
    row = RoundRow(
        id=rnd.id,
        release_id=rnd.release_id,
        plan_id=rnd.plan_id,
        adhoc=rnd.adhoc,
        status=rnd.status.value,
        seed=rnd.seed,
        config=redact_secrets(rnd.config),
        versions=rnd.versions,
        started_at=rnd.started_at,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="round.create",
        subject=rnd.id,
        payload={"release_id": rnd.release_id, "plan_id": rnd.plan_id, "adhoc": rnd.adhoc, "seed": rnd.seed},
    )
    return _round(row)


def get_round(session: Session, round_id: str) -> Round:
    """A round by id."""
    row = session.get(RoundRow, round_id)
    if row is None:
        raise NotFoundError(f"no round with id '{round_id}'")
    return _round(row)


def latest_round(session: Session) -> Round | None:
    """The most recently created round."""
    row = session.scalars(select(RoundRow).order_by(RoundRow.created_at.desc()).limit(1)).first()
    return _round(row) if row else None


def list_rounds(session: Session, *, release_id: str | None = None, limit: int = 100) -> list[Round]:
    """Rounds, newest first."""
    query = select(RoundRow).order_by(RoundRow.created_at.desc()).limit(limit)
    if release_id:
        query = query.where(RoundRow.release_id == release_id)
    return [_round(r) for r in session.scalars(query)]


def set_status(session: Session, round_id: str, status: RoundStatus, *, actor: str) -> None:
    """Move a round to a new status (audited); finishing statuses stamp the end time."""
    row = session.get(RoundRow, round_id)
    if row is None:
        raise NotFoundError(f"no round with id '{round_id}'")
    before = row.status
    row.status = status.value
    if status in (RoundStatus.COMPLETED, RoundStatus.STOPPED, RoundStatus.FAILED):
        row.finished_at = datetime.now(UTC)
    audit.append(
        session,
        actor=actor,
        action="round.status",
        subject=round_id,
        payload={"from": before, "to": status.value},
    )


def add_cases(session: Session, round_id: str, cases: Iterable[AttackCase], *, start: int = 0) -> int:
    """Record a round's planned cases (idempotent); returns how many were new."""
    rows = [
        {
            "round_id": round_id,
            "case_id": c.id,
            "position": start + i,
            "technique": c.technique,
            "seed_id": c.seed_id,
            "threat_ids": list(c.threat_ids),
            "body": JsonText(c.model_dump_json()),
        }
        for i, c in enumerate(cases)
    ]
    _drop_aggregates(session, {round_id})
    return _insert_ignore(session, CaseRow, rows)


def list_cases(session: Session, round_id: str) -> list[AttackCase]:
    """A round's cases in planned order."""
    rows = session.scalars(select(CaseRow).where(CaseRow.round_id == round_id).order_by(CaseRow.position))
    return [AttackCase.model_validate(r.body) for r in rows]


def add_attempts(session: Session, attempts: Sequence[Attempt]) -> int:
    """Record attempts in one batch; an attempt whose (round, case, turn) exists is skipped."""
    rows = [
        {
            "id": a.id,
            "round_id": a.round_id,
            "case_id": a.case_id,
            "turn": a.turn,
            "request": JsonText(a.request.model_dump_json()),
            "response_text": a.response.text,
            # the action trace rides in the response JSON; an attempt without tools stores no key for it
            "response": JsonText(
                a.response.model_dump_json(
                    exclude=_TEXT if a.response.actions is not None else _TEXT_AND_ACTIONS
                )
            ),
            "error_kind": a.response.error.value if a.response.error else None,
            "latency_ms": a.response.latency_ms,
            "cached": a.cached,
            "provenance": JsonText(a.provenance.model_dump_json()) if a.provenance else None,
            "created_at": a.created_at or datetime.now(UTC),
        }
        for a in attempts
    ]
    _drop_aggregates(session, {a.round_id for a in attempts})
    return _insert_ignore(session, AttemptRow, rows)


def done_keys(session: Session, round_id: str) -> set[tuple[str, int]]:
    """(case id, turn) of every attempt already stored for a round: what a resume skips."""
    rows = session.execute(
        select(AttemptRow.case_id, AttemptRow.turn).where(AttemptRow.round_id == round_id)
    ).all()
    return {(r[0], r[1]) for r in rows}


def _attempt(row: AttemptRow) -> Attempt:
    return Attempt(
        id=row.id,
        round_id=row.round_id,
        case_id=row.case_id,
        turn=row.turn,
        request=Conversation.model_validate(row.request),
        response=Response.model_validate({**row.response, "text": row.response_text}),
        cached=row.cached,
        provenance=Provenance.model_validate(row.provenance) if row.provenance else None,
        created_at=row.created_at,
    )


def get_attempt(session: Session, attempt_id: str) -> Attempt:
    """One stored attempt by id."""
    row = session.get(AttemptRow, attempt_id)
    if row is None:
        raise NotFoundError(f"no attempt '{attempt_id}'")
    return _attempt(row)


def list_attempts(session: Session, round_id: str, *, case_id: str | None = None) -> list[Attempt]:
    """A round's attempts in case and turn order."""
    query = select(AttemptRow).where(AttemptRow.round_id == round_id)
    if case_id is not None:
        query = query.where(AttemptRow.case_id == case_id)
    query = query.order_by(AttemptRow.case_id, AttemptRow.turn)
    return [_attempt(r) for r in session.scalars(query)]


def count_attempts(session: Session, round_id: str) -> dict[str, int]:
    """Attempts of a round by outcome: 'ok' or the error kind (kept with a finished round)."""

    def count() -> dict[str, int]:
        rows = session.execute(
            select(AttemptRow.error_kind, func.count())
            .where(AttemptRow.round_id == round_id)
            .group_by(AttemptRow.error_kind)
        ).all()
        return {(kind or "ok"): int(n) for kind, n in rows}

    return {
        str(k): int(v) for k, v in cached_aggregate(session, round_id, "attempts_by_outcome", count).items()
    }


def add_scores(session: Session, scored: Sequence[tuple[Attempt, Score]]) -> int:
    """Record scores in one batch; a (attempt, scorer) pair already stored is skipped."""
    rows = [
        {
            "attempt_id": a.id,
            "round_id": a.round_id,
            "case_id": a.case_id,
            "scorer": s.scorer,
            "outcome": s.outcome.value,
            "verdict": s.verdict.value if s.verdict else None,
            "value": s.value,
            "scale_lo": s.scale[0] if s.scale else None,
            "scale_hi": s.scale[1] if s.scale else None,
            "rationale": s.rationale,
            "provenance": JsonText(s.provenance.model_dump_json()) if s.provenance else None,
        }
        for a, s in scored
    ]
    _drop_aggregates(session, {a.round_id for a, _ in scored})
    return _insert_ignore(session, ScoreRow, rows)


def _score(row: ScoreRow) -> Score:
    scale = (row.scale_lo, row.scale_hi) if row.scale_lo is not None and row.scale_hi is not None else None
    return Score(
        scorer=row.scorer,
        outcome=ScoreOutcome(row.outcome),
        verdict=Verdict(row.verdict) if row.verdict else None,
        value=row.value,
        scale=scale,
        rationale=row.rationale,
        provenance=Provenance.model_validate(row.provenance) if row.provenance else None,
    )


def list_scores(session: Session, round_id: str) -> list[tuple[str, Score]]:
    """(attempt id, score) for every score of a round."""
    rows = session.scalars(select(ScoreRow).where(ScoreRow.round_id == round_id).order_by(ScoreRow.id))
    return [(r.attempt_id, _score(r)) for r in rows]


_UNFINISHED = (
    RoundStatus.PENDING,
    RoundStatus.RUNNING,
    RoundStatus.INTERRUPTED,
    RoundStatus.STOPPED,
    RoundStatus.FAILED,
)


def find_resumable(session: Session, spec_hash: str) -> Round | None:
    """The newest unfinished round whose configuration snapshot carries `spec_hash`, if any."""
    query = (
        select(RoundRow)
        .where(RoundRow.status.in_([s.value for s in _UNFINISHED]))
        .order_by(RoundRow.created_at.desc())
    )
    for row in session.scalars(query):
        if isinstance(row.config, dict) and row.config.get("spec_hash") == spec_hash:
            return _round(row)
    return None


def update_config(session: Session, round_id: str, patch: dict[str, Any]) -> None:
    """Merge `patch` into a round's configuration snapshot (secrets stripped), e.g. the final case count."""
    row = session.get(RoundRow, round_id)
    if row is None:
        raise NotFoundError(f"no round with id '{round_id}'")
    row.config = {**row.config, **redact_secrets(patch)}


def count_cases(session: Session, round_id: str) -> int:
    """How many cases a round has recorded (kept with a finished round)."""

    def count() -> int:
        query = select(func.count()).select_from(CaseRow).where(CaseRow.round_id == round_id)
        return int(session.scalar(query) or 0)

    return int(cached_aggregate(session, round_id, "cases", count))


def _failed_score() -> Any:
    """1 when a score failed, 0 when it held, NULL when it decides nothing (could not score)."""
    half = ScoreRow.scale_lo + (ScoreRow.scale_hi - ScoreRow.scale_lo) / 2
    return case(
        (ScoreRow.outcome == ScoreOutcome.COULD_NOT_SCORE.value, None),
        (ScoreRow.verdict.in_([Verdict.FAIL.value, Verdict.PARTIAL.value]), 1),
        (ScoreRow.verdict == Verdict.PASS.value, 0),
        (ScoreRow.value >= half, 1),
        else_=0,
    )


def _per_case_outcomes(round_id: str) -> Any:
    """Per stored case of a round: case id, failed (max over its scores), scores, attempts, error attempts.

    Two GROUP BYs, each read from a covering index (`ix_scores_round_case_outcome`,
    `ix_attempts_round_case_error`), joined on the case: no attempt or score row is read.
    """
    judged = (
        select(
            ScoreRow.case_id.label("case_id"),
            func.max(_failed_score()).label("failed"),
            func.count().label("scores"),
        )
        .where(ScoreRow.round_id == round_id)
        .group_by(ScoreRow.case_id)
        .subquery("judged")
    )
    tried = (
        select(
            AttemptRow.case_id.label("case_id"),
            func.count().label("attempts"),
            func.count(AttemptRow.error_kind).label("errors"),
        )
        .where(AttemptRow.round_id == round_id)
        .group_by(AttemptRow.case_id)
        .subquery("tried")
    )
    return (
        select(
            tried.c.case_id.label("case_id"),
            judged.c.failed.label("failed"),
            func.coalesce(judged.c.scores, 0).label("scores"),
            tried.c.attempts.label("attempts"),
            tried.c.errors.label("errors"),
        )
        .select_from(tried)
        .outerjoin(judged, judged.c.case_id == tried.c.case_id)
        .subquery()
    )


def case_outcomes(session: Session, round_id: str) -> Iterator[tuple[list[str], int | None, int, int]]:
    """Per recorded case: (threat ids, failed, scores, error attempts), streamed.

    `failed` is 1 when any score of any turn failed, 0 when some score held and none failed, None when
    nothing was scored. A case with no attempt yet is left out.
    """
    per_case = _per_case_outcomes(round_id)
    query = (
        select(CaseRow.threat_ids, per_case.c.failed, per_case.c.scores, per_case.c.errors)
        .join(per_case, per_case.c.case_id == CaseRow.case_id)
        .where(CaseRow.round_id == round_id)
        .execution_options(yield_per=2000)
    )
    for threats, fail, scores, errors in session.execute(query):
        yield list(threats or []), (None if fail is None else int(fail)), int(scores), int(errors)


def case_outcomes_by_id(session: Session, round_id: str) -> Iterator[tuple[str, int | None, int, int]]:
    """Like `case_outcomes`, keyed by case id instead of threats: (case id, failed, scores, errors)."""
    per_case = _per_case_outcomes(round_id)
    query = select(per_case.c.case_id, per_case.c.failed, per_case.c.scores, per_case.c.errors)
    for case_id, fail, scores, errors in session.execute(query.execution_options(yield_per=2000)):
        yield str(case_id), (None if fail is None else int(fail)), int(scores), int(errors)


def threat_outcome_counts(
    session: Session, round_id: str
) -> list[tuple[list[str], int | None, int, int, int]]:
    """Cases of a round grouped by threats and outcome: (threat ids, failed, scored, errored, cases).

    `scored` and `errored` are 0 or 1 (whether the group's cases have scores, error attempts); the rows
    feed `core.analysis.evidence.evidence_from_counted`, and cases of no threat come as groups of no threat
    id.
    One GROUP BY in the database; a finished round keeps the per-threat tally (`cached_aggregate`),
    at most four rows per threat however large the round.
    """

    def count() -> dict[str, list[int]]:
        per_case = _per_case_outcomes(round_id)
        threats = cast(CaseRow.threat_ids, Text)
        scored = case((per_case.c.scores > 0, 1), else_=0)
        errored = case((per_case.c.errors > 0, 1), else_=0)
        query = (
            select(threats, per_case.c.failed, scored, errored, func.count())
            .join(per_case, per_case.c.case_id == CaseRow.case_id)
            .where(CaseRow.round_id == round_id)
            .group_by(threats, per_case.c.failed, scored, errored)
        )
        groups = (
            ([str(t) for t in (json.loads(raw) if raw else None) or ()] or [NO_THREAT], fail, sc, er, n)
            for raw, fail, sc, er, n in session.execute(query)
        )
        return {
            e.threat_id: [e.failures, e.n, e.could_not_score, e.errors] for e in evidence_from_counted(groups)
        }

    out: list[tuple[list[str], int | None, int, int, int]] = []
    for tid, (failures, n, could_not_score, errors) in sorted(
        cached_aggregate(session, round_id, "threat_outcomes", count).items()
    ):
        ids = [] if tid == NO_THREAT else [tid]
        for failed, scored, errored, cases in (
            (1, 1, 0, failures),
            (0, 1, 0, n - failures),
            (None, 1, 0, could_not_score),
            (None, 0, 1, errors),
        ):
            if cases:
                out.append((ids, failed, scored, errored, int(cases)))
    return out


def scorer_names(session: Session, round_id: str) -> list[str]:
    """The scorers that scored a round, by name (kept with a finished round)."""

    def names() -> list[str]:
        query = select(ScoreRow.scorer).where(ScoreRow.round_id == round_id).distinct()
        return sorted(str(n) for n in session.scalars(query))

    return [str(n) for n in cached_aggregate(session, round_id, "scorer_names", names)]


_FINISHED = (RoundStatus.COMPLETED.value, RoundStatus.STOPPED.value, RoundStatus.FAILED.value)


def _basis(session: Session, round_id: str) -> str | None:
    """What a kept aggregate of the round must match: its finish time; None while it may still change."""
    row = session.get(RoundRow, round_id)
    if row is None:
        raise NotFoundError(f"no round with id '{round_id}'")
    if row.status not in _FINISHED or row.finished_at is None:
        return None
    at = row.finished_at  # as written (aware) or as read back (naive UTC on SQLite): one spelling
    return (at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at).isoformat()


def cached_aggregate(session: Session, round_id: str, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept with the round once it has finished and read back while it stays finished.

    An aggregate of a running round is computed each time. Writing a case, attempt or score of the
    round drops what was kept, and a round that resumes finishes again at a new time, which no kept
    aggregate matches. `compute` must return JSON-able data.
    """
    basis = _basis(session, round_id)
    if basis is None:
        return compute()
    row = session.get(RoundAggregateRow, (round_id, name))
    if row is not None and row.basis == basis:
        return row.body
    body = compute()
    table = RoundAggregateRow.__table__
    assert isinstance(table, Table)
    values = {
        "round_id": round_id,
        "name": name,
        "basis": basis,
        "body": body,
        "created_at": datetime.now(UTC),
    }
    stmt = conflict_dialect(session).insert(table).values(**values)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["round_id", "name"],
            set_={"basis": basis, "body": body, "created_at": values["created_at"]},
        )
    )
    if row is not None:
        session.expire(row)
    return body


def keep_aggregates(session: Session, round_id: str) -> None:
    """Compute and keep a finished round's counts and record digests, so its pages and reports read
    them back at once.

    Call it in a transaction of its own after the round's status is committed: it reads for a while
    (seconds on a round of a million attempts) and writes only at the end, so on SQLite other writers
    are not held up by it.
    """
    from redline.store.repos import reporting  # it reads rounds: imported when first used

    count_cases(session, round_id)
    count_attempts(session, round_id)
    threat_outcome_counts(session, round_id)
    scorer_names(session, round_id)
    reporting.kept_record_digests(session, round_id)


def _drop_aggregates(session: Session, round_ids: Collection[str]) -> None:
    """Forget what was kept for rounds whose records are being written."""
    if round_ids:
        session.execute(delete(RoundAggregateRow).where(RoundAggregateRow.round_id.in_(list(round_ids))))


FLAGGED = "f"
OTHER = "o"


@dataclass(frozen=True)
class AttemptPage:
    """One page of a round's attempts, failures first, and the cursor of the next page (None: last)."""

    attempts: list[Attempt]
    flagged: set[str]
    """Ids of the page's attempts that a score judged a failure (verdict fail or partial)."""
    after: str | None


def _failing_attempt() -> Any:
    return exists().where(
        ScoreRow.attempt_id == AttemptRow.id,
        ScoreRow.verdict.in_([Verdict.FAIL.value, Verdict.PARTIAL.value]),
    )


def _cursor(phase: str, row: AttemptRow) -> str:
    return f"{phase}:{row.case_id}:{row.turn}"


def attempt_page(
    session: Session,
    round_id: str,
    *,
    limit: int,
    after: str | None = None,
    cases: Collection[str] | None = None,
    all_flagged: bool = False,
) -> AttemptPage:
    """Up to `limit` attempts of a round: those judged a failure first, then the others, each in case and
    turn order; `after` is the cursor a previous page returned (keyset paging: a page costs the same
    however deep it is). `cases` keeps only those cases; `all_flagged` puts every attempt in the first
    group (a playground conversation its tester rated serious)."""
    phase, key = FLAGGED, None
    if after:
        p, _, rest = after.partition(":")
        case_id, _, turn = rest.rpartition(":")
        if p in (FLAGGED, OTHER) and case_id and turn.isdigit():
            phase, key = p, (case_id, int(turn))
    out: list[tuple[str, AttemptRow]] = []
    for current in (FLAGGED, OTHER):
        if current == FLAGGED and phase == OTHER:
            continue
        if current == OTHER and all_flagged:
            break
        query = select(AttemptRow).where(AttemptRow.round_id == round_id)
        if cases is not None:
            query = query.where(AttemptRow.case_id.in_(list(cases)))
        if not all_flagged:
            query = query.where(_failing_attempt() if current == FLAGGED else ~_failing_attempt())
        if key is not None and current == phase:
            last_case, last_turn = key
            query = query.where(
                or_(
                    AttemptRow.case_id > last_case,
                    and_(AttemptRow.case_id == last_case, AttemptRow.turn > last_turn),
                )
            )
        wanted = limit + 1 - len(out)
        rows = session.scalars(query.order_by(AttemptRow.case_id, AttemptRow.turn).limit(wanted)).all()
        out += [(current, r) for r in rows]
        if len(out) > limit:
            break
    more = len(out) > limit
    out = out[:limit]
    return AttemptPage(
        attempts=[_attempt(r) for _, r in out],
        flagged={r.id for p, r in out if p == FLAGGED},
        after=_cursor(*out[-1]) if more and out else None,
    )


def threats_of_cases(session: Session, round_id: str, case_ids: Collection[str]) -> dict[str, list[str]]:
    """Threat ids of some of a round's cases, by case id."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseRow.case_id, CaseRow.threat_ids).where(
            CaseRow.round_id == round_id, CaseRow.case_id.in_(list(case_ids))
        )
    )
    return {str(cid): [str(t) for t in (threats or [])] for cid, threats in rows}


def params_of_cases(session: Session, round_id: str, case_ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """The params of some of a round's cases, by case id."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseRow.case_id, CaseRow.body).where(
            CaseRow.round_id == round_id, CaseRow.case_id.in_(list(case_ids))
        )
    )
    return {str(cid): dict((body or {}).get("params") or {}) for cid, body in rows}


def verdicts_of(session: Session, attempt_ids: Collection[str]) -> dict[str, list[str]]:
    """The verdicts scorers gave some attempts, by attempt id, in the order they were stored."""
    if not attempt_ids:
        return {}
    out: dict[str, list[str]] = {}
    rows = session.execute(
        select(ScoreRow.attempt_id, ScoreRow.verdict)
        .where(ScoreRow.attempt_id.in_(list(attempt_ids)), ScoreRow.verdict.is_not(None))
        .order_by(ScoreRow.id)
    )
    for attempt_id, verdict in rows:
        out.setdefault(str(attempt_id), []).append(str(verdict))
    return out
