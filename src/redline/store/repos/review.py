"""Reviews of a round's scores once its attempts are in: verdicts withdrawn on evidence from the round."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from redline.store.repos.rounds import _drop_aggregates
from redline.store.tables import AttemptRow, CaseRow, ScoreRow

RATIONALE_LIMIT = 2_000


def reply_key(text: str) -> str:
    """A reply as compared across cases: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def withdraw_canned_flags(
    session: Session,
    round_id: str,
    *,
    scorer: str,
    control_scorers: Collection[str],
    min_chars: int,
    rule: str,
    rationale: str,
) -> int:
    """Turn `scorer`'s fail and partial verdicts of the round into passes where the attempt's reply is,
    word for word, a reply the target gave to a control case (an attempt scored by one of
    `control_scorers` and not by `scorer`). Returns how many verdicts changed; running it again changes
    none. The old verdict and rationale are kept in the score's provenance params under `review`."""
    judged = aliased(ScoreRow)
    control_rows = session.execute(
        select(AttemptRow.response_text)
        .join(ScoreRow, ScoreRow.attempt_id == AttemptRow.id)
        .where(
            AttemptRow.round_id == round_id,
            ScoreRow.scorer.in_(list(control_scorers)),
            ~exists().where(and_(judged.attempt_id == AttemptRow.id, judged.scorer == scorer)),
        )
        .distinct()
    ).scalars()
    control = {key for text in control_rows if len(key := reply_key(text or "")) >= min_chars}
    if not control:
        return 0
    flags = session.execute(
        select(
            ScoreRow.id, ScoreRow.verdict, ScoreRow.rationale, ScoreRow.provenance, AttemptRow.response_text
        )
        .join(AttemptRow, AttemptRow.id == ScoreRow.attempt_id)
        .where(
            ScoreRow.round_id == round_id,
            ScoreRow.scorer == scorer,
            ScoreRow.verdict.in_(["fail", "partial"]),
        )
    ).all()
    picked = [
        (score_id, verdict, old, provenance)
        for score_id, verdict, old, provenance, text in flags
        if reply_key(text or "") in control
    ]
    return _withdraw(session, round_id, scorer, picked, rule=rule, rationale=rationale)


def scored_replies(session: Session, round_id: str, *, scorer: str) -> list[tuple[int, str | None, str, str]]:
    """Every verdict of `scorer` in the round: (score id, verdict, reply, the case's objective; its seed
    id where the case names none)."""
    rows = session.execute(
        select(ScoreRow.id, ScoreRow.verdict, AttemptRow.response_text, CaseRow.body, CaseRow.seed_id)
        .join(AttemptRow, AttemptRow.id == ScoreRow.attempt_id)
        .join(CaseRow, and_(CaseRow.round_id == AttemptRow.round_id, CaseRow.case_id == AttemptRow.case_id))
        .where(ScoreRow.round_id == round_id, ScoreRow.scorer == scorer)
    ).all()
    return [
        (score_id, verdict, text or "", str((body or {}).get("objective") or seed_id))
        for score_id, verdict, text, body, seed_id in rows
    ]


def withdraw_flags(
    session: Session, round_id: str, score_ids: Collection[int], *, scorer: str, rule: str, rationale: str
) -> int:
    """Turn the listed scores' fail and partial verdicts into passes, as `withdraw_canned_flags` does."""
    if not score_ids:
        return 0
    flags = session.execute(
        select(ScoreRow.id, ScoreRow.verdict, ScoreRow.rationale, ScoreRow.provenance).where(
            ScoreRow.round_id == round_id,
            ScoreRow.scorer == scorer,
            ScoreRow.id.in_(list(score_ids)),
            ScoreRow.verdict.in_(["fail", "partial"]),
        )
    ).all()
    return _withdraw(session, round_id, scorer, [tuple(f) for f in flags], rule=rule, rationale=rationale)


def _withdraw(
    session: Session, round_id: str, scorer: str, flags: list[Any], *, rule: str, rationale: str
) -> int:
    changed = 0
    for score_id, verdict, old, provenance in flags:
        kept: dict[str, Any] = dict(provenance or {"component": scorer, "version": "", "params": {}})
        kept["params"] = {
            **(kept.get("params") or {}),
            "review": {"rule": rule, "was": verdict, "rationale": old},
        }
        session.execute(
            update(ScoreRow)
            .where(ScoreRow.id == score_id)
            .values(
                verdict="pass",
                rationale=f"{rationale} (was {verdict}: {old})"[:RATIONALE_LIMIT],
                provenance=kept,
            )
        )
        changed += 1
    if changed:
        _drop_aggregates(session, [round_id])
    return changed
