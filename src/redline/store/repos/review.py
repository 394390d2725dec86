"""Reviews of a round's scores once its attempts are in: verdicts withdrawn on evidence from the round."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from redline.store.repos.rounds import _drop_aggregates
from redline.store.tables import AttemptRow, ScoreRow

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
    changed = 0
    for score_id, verdict, old, provenance, text in flags:
        if reply_key(text or "") not in control:
            continue
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
