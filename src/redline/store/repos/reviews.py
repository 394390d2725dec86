"""Human review: the queue of sampled attempts, reviewers' labels, and judge calibrations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redline.core.analysis.evidence import evidence_from_counted
from redline.core.analysis.review import (
    OVERALL,
    JudgeCalibration,
    LabelRecord,
    ReviewedItem,
    ReviewItem,
    ReviewLabel,
    ReviewSummary,
    RoundCorrection,
    RoundJudge,
    ScorerAgreement,
    ThreatCorrection,
    choose_correction,
    corrected_rate,
    judge_error,
    kappa_with_interval,
    majority,
    per_class,
    reviewer_agreement,
    round_judges_from_config,
)
from redline.core.errors import NotFoundError, UsageError
from redline.core.ids import new_id
from redline.store import audit
from redline.store.repos import rounds as rounds_repo
from redline.store.tables import JudgeCalibrationRow, ReviewItemRow, ReviewLabelRow


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _item(row: ReviewItemRow) -> ReviewItem:
    return ReviewItem(
        id=row.id,
        round_id=row.round_id,
        attempt_id=row.attempt_id,
        scorer=row.scorer,
        stratum=row.stratum,
        position=row.position,
        wanted=row.wanted,
        seed=row.seed,
        sampled_by=row.sampled_by,
        created_at=_aware(row.created_at),
    )


def _label(row: ReviewLabelRow) -> LabelRecord:
    return LabelRecord(
        item_id=row.item_id,
        reviewer=row.reviewer,
        label=ReviewLabel(row.label),
        note=row.note,
        at=_aware(row.at),
    )


def queued_attempts(session: Session, round_id: str, scorer: str) -> set[str]:
    """Attempts of a round already queued to check `scorer`."""
    rows = session.scalars(
        select(ReviewItemRow.attempt_id).where(
            ReviewItemRow.round_id == round_id, ReviewItemRow.scorer == scorer
        )
    )
    return set(rows)


def add_items(
    session: Session,
    *,
    round_id: str,
    scorer: str,
    picks: Sequence[tuple[str, str]],
    wanted: int,
    seed: int,
    actor: str,
) -> list[ReviewItem]:
    """Queue (stratum, attempt id) picks after the round's existing items (audited as one event)."""
    start = session.scalar(select(func.max(ReviewItemRow.position)).where(ReviewItemRow.round_id == round_id))
    base = -1 if start is None else int(start)
    rows = [
        ReviewItemRow(
            id=new_id("rvi"),
            round_id=round_id,
            attempt_id=attempt_id,
            scorer=scorer,
            stratum=stratum,
            position=base + 1 + i,
            wanted=wanted,
            seed=seed,
            sampled_by=actor,
        )
        for i, (stratum, attempt_id) in enumerate(picks)
    ]
    session.add_all(rows)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="review.sample",
        subject=round_id,
        payload={"scorer": scorer, "items": len(rows), "wanted": wanted, "seed": seed},
    )
    return [_item(r) for r in rows]


def get_item(session: Session, item_id: str) -> ReviewItem:
    """One queued item."""
    row = session.get(ReviewItemRow, item_id)
    if row is None:
        raise NotFoundError(f"no review item '{item_id}'")
    return _item(row)


def list_items(session: Session, round_id: str) -> list[ReviewItem]:
    """A round's queued items in queue order."""
    rows = session.scalars(
        select(ReviewItemRow).where(ReviewItemRow.round_id == round_id).order_by(ReviewItemRow.position)
    )
    return [_item(r) for r in rows]


def reviewed_rounds(session: Session) -> list[str]:
    """Rounds with a review queue."""
    return sorted(set(session.scalars(select(ReviewItemRow.round_id).distinct())))


def open_items(session: Session, *, reviewer: str, round_id: str | None = None) -> list[ReviewItem]:
    """Items still wanting labels that `reviewer` has not labelled, in queue order (oldest round first)."""
    counts = (
        select(ReviewLabelRow.item_id, func.count().label("n")).group_by(ReviewLabelRow.item_id).subquery()
    )
    mine = select(ReviewLabelRow.item_id).where(ReviewLabelRow.reviewer == reviewer)
    stmt = (
        select(ReviewItemRow)
        .outerjoin(counts, counts.c.item_id == ReviewItemRow.id)
        .where(ReviewItemRow.id.not_in(mine), func.coalesce(counts.c.n, 0) < ReviewItemRow.wanted)
        .order_by(ReviewItemRow.created_at, ReviewItemRow.round_id, ReviewItemRow.position)
    )
    if round_id is not None:
        stmt = stmt.where(ReviewItemRow.round_id == round_id)
    return [_item(r) for r in session.scalars(stmt)]


def add_label(
    session: Session, *, item_id: str, reviewer: str, label: ReviewLabel, note: str = ""
) -> LabelRecord:
    """Record one reviewer's label; a second label by the same reviewer is refused (audited)."""
    item = get_item(session, item_id)
    taken = session.scalar(
        select(ReviewLabelRow.id).where(
            ReviewLabelRow.item_id == item_id, ReviewLabelRow.reviewer == reviewer
        )
    )
    if taken is not None:
        raise UsageError(f"{reviewer} already labelled review item '{item_id}'")
    row = ReviewLabelRow(item_id=item_id, reviewer=reviewer, label=label.value, note=note)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=reviewer,
        action="review.label",
        subject=item_id,
        payload={"round_id": item.round_id, "label": label.value},
    )
    return _label(row)


def list_labels(session: Session, round_id: str) -> list[LabelRecord]:
    """Every label given on a round's items, oldest first."""
    rows = session.scalars(
        select(ReviewLabelRow)
        .join(ReviewItemRow, ReviewItemRow.id == ReviewLabelRow.item_id)
        .where(ReviewItemRow.round_id == round_id)
        .order_by(ReviewLabelRow.at, ReviewLabelRow.id)
    )
    return [_label(r) for r in rows]


def _calibration(row: JudgeCalibrationRow) -> JudgeCalibration:
    return JudgeCalibration(
        id=row.id,
        judge=row.judge,
        rubric_hash=row.rubric_hash,
        labels_hash=row.labels_hash,
        n=row.n,
        figures=row.figures,
        created_by=row.created_by,
        created_at=_aware(row.created_at),
    )


def add_calibration(
    session: Session,
    *,
    judge: str,
    rubric_hash: str,
    labels_hash: str,
    n: int,
    figures: dict[str, object],
    actor: str,
) -> JudgeCalibration:
    """Store one judge calibration (audited)."""
    row = JudgeCalibrationRow(
        id=new_id("cal"),
        judge=judge,
        rubric_hash=rubric_hash,
        labels_hash=labels_hash,
        n=n,
        figures=figures,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="judge.calibrate",
        subject=row.id,
        payload={"judge": judge, "rubric_hash": rubric_hash, "n": n, "kappa": figures.get("kappa")},
    )
    return _calibration(row)


def latest_calibration(session: Session, *, judge: str, rubric_hash: str) -> JudgeCalibration | None:
    """The newest calibration of this judge on this rubric, if any."""
    row = session.scalars(
        select(JudgeCalibrationRow)
        .where(JudgeCalibrationRow.judge == judge, JudgeCalibrationRow.rubric_hash == rubric_hash)
        .order_by(JudgeCalibrationRow.created_at.desc(), JudgeCalibrationRow.id.desc())
        .limit(1)
    ).first()
    return _calibration(row) if row is not None else None


def get_calibration(session: Session, calibration_id: str) -> JudgeCalibration:
    """One stored calibration."""
    row = session.get(JudgeCalibrationRow, calibration_id)
    if row is None:
        raise NotFoundError(f"no judge calibration '{calibration_id}'")
    return _calibration(row)


def attempt_verdicts(session: Session, round_id: str) -> dict[str, dict[str, bool]]:
    """Per attempt, each scorer's deciding verdict (True: failed) plus OVERALL (any scorer failed)."""
    out: dict[str, dict[str, bool]] = {}
    for attempt_id, score in rounds_repo.list_scores(session, round_id):
        failed = score.failed
        if failed is not None:
            out.setdefault(attempt_id, {})[score.scorer] = failed
    for verdicts in out.values():
        verdicts[OVERALL] = any(verdicts.values())
    return out


def _design(items: Sequence[ReviewItem]) -> str | None:
    scorers = {i.scorer for i in items}
    if not scorers:
        return None
    return OVERALL if OVERALL in scorers else sorted(scorers)[0]


def review_summary(session: Session, round_id: str, *, seed: int = 0) -> ReviewSummary | None:
    """Agreement and corrected rates of a round's review; None when the round has no review queue."""
    all_items = list_items(session, round_id)
    design = _design(all_items)
    if design is None:
        return None
    items = [i for i in all_items if i.scorer == design]
    labels = list_labels(session, round_id)
    by_item: dict[str, list[LabelRecord]] = {}
    for rec in labels:
        by_item.setdefault(rec.item_id, []).append(rec)
    verdicts = attempt_verdicts(session, round_id)
    sizes = Counter(("fail" if v[design] else "pass") for v in verdicts.values() if design in v)
    truth = {i.id: majority(r.label for r in by_item.get(i.id, [])) for i in items}
    decided = [i for i in items if truth[i.id] is not None]
    scorers = sorted({s for i in decided for s in verdicts.get(i.attempt_id, {})} - {OVERALL})
    rows = []
    for scorer in [OVERALL, *scorers]:
        pairs = [
            (i, verdicts[i.attempt_id][scorer]) for i in decided if scorer in verdicts.get(i.attempt_id, {})
        ]
        reference = ["fail" if truth[i.id] else "pass" for i, _ in pairs]
        predicted = ["fail" if flagged else "pass" for _, flagged in pairs]
        reviewed = [ReviewedItem(i.stratum, flagged, bool(truth[i.id])) for i, flagged in pairs]
        flagged_all = [v[scorer] for v in verdicts.values() if scorer in v]
        rows.append(
            ScorerAgreement(
                scorer=scorer,
                compared=len(pairs),
                kappa=kappa_with_interval(reference, predicted) if pairs else None,
                per_class=per_class(reference, predicted) if pairs else [],
                corrected=corrected_rate(sum(flagged_all), len(flagged_all), reviewed, sizes, seed=seed),
            )
        )
    overall_items = [
        ReviewedItem(i.stratum, verdicts[i.attempt_id][OVERALL], bool(truth[i.id]))
        for i in decided
        if OVERALL in verdicts.get(i.attempt_id, {})
    ]
    threats = [
        ThreatCorrection(
            threat_id=ev.threat_id,
            corrected=corrected_rate(ev.failures, ev.n, overall_items, sizes, seed=seed),
        )
        for ev in evidence_from_counted(rounds_repo.threat_outcome_counts(session, round_id))
        if ev.n
    ]
    return ReviewSummary(
        round_id=round_id,
        design=design,
        items=len(items),
        labels=sum(len(by_item.get(i.id, [])) for i in items),
        complete=sum(len(by_item.get(i.id, [])) >= i.wanted for i in items),
        decided=len(decided),
        reviewers=sorted({r.reviewer for i in items for r in by_item.get(i.id, [])}),
        reviewer_agreement=reviewer_agreement(
            [
                [r.label.value for r in by_item.get(i.id, []) if r.label is not ReviewLabel.UNSURE]
                for i in items
            ]
        ),
        scorers=rows,
        threats=threats,
        overall=rows[0].corrected,
    )


def round_judges(session: Session, config: Mapping[str, Any]) -> list[RoundJudge]:
    """A round's judge scorers with their calibration: the one the round cited when it ran, else the
    newest later calibration of the same judge (marked as later), else none."""
    out = []
    stored = config.get("judge_calibrations")
    for judge in round_judges_from_config(config):
        if judge.calibration is None and isinstance(stored, Mapping):
            entry = stored.get(judge.scorer)
            rubric = entry.get("rubric_hash") if isinstance(entry, Mapping) else None
            later = (
                latest_calibration(session, judge=judge.judge, rubric_hash=str(rubric)) if rubric else None
            )
            if later is not None:
                kappa = later.figures.get("kappa")
                judge = judge.model_copy(
                    update={
                        "calibration": later.id,
                        "kappa": float(kappa) if isinstance(kappa, int | float) else None,
                        "n": later.n,
                        "later": True,
                    }
                )
        out.append(judge)
    return out


def round_correction(
    session: Session, round_id: str, config: Mapping[str, Any], review: ReviewSummary | None = None
) -> RoundCorrection | None:
    """A round's corrected failure rates: by its review sample when it has one, else by the calibration
    of the judge that scored it (the round's only scorer, calibrated), else None."""
    error = None
    scorers = set(rounds_repo.scorer_names(session, round_id))
    for judge in round_judges(session, config):
        if judge.calibration is not None and scorers == {judge.scorer}:
            error = judge_error(get_calibration(session, judge.calibration), judge.scorer)
    if error is None and (review is None or not review.decided):
        return None
    counts = {
        ev.threat_id: (ev.failures, ev.n)
        for ev in evidence_from_counted(rounds_repo.threat_outcome_counts(session, round_id))
    }
    return choose_correction(review, error, counts)
