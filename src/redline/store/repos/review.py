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


def paired_exchanges(session: Session, round_id: str) -> list[dict[str, Any]]:
    """The round's cases that are one side of a counterfactual pair (their params hold `pair`): per case
    its id, its `pair`, the last turn's reply, the tools called without an error in any turn, and its
    scores on that last turn (scorer -> (score id, verdict, rationale, provenance))."""
    cases = {
        case_id: body
        for case_id, body in session.execute(
            select(CaseRow.case_id, CaseRow.body).where(CaseRow.round_id == round_id)
        ).all()
        if isinstance(((body or {}).get("params") or {}).get("pair"), dict)
    }
    if not cases:
        return []
    attempts = session.execute(
        select(
            AttemptRow.id, AttemptRow.case_id, AttemptRow.turn, AttemptRow.response_text, AttemptRow.response
        )
        .where(AttemptRow.round_id == round_id, AttemptRow.case_id.in_(list(cases)))
        .order_by(AttemptRow.turn)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for attempt_id, case_id, _turn, text, response in attempts:
        row = out.setdefault(
            case_id,
            {"case_id": case_id, "pair": cases[case_id]["params"]["pair"], "called": [], "scores": {}},
        )
        row["attempt_id"], row["reply"] = attempt_id, text or ""
        steps = ((response or {}).get("actions") or {}).get("steps") or ()
        row["called"] += [
            str((s.get("call") or {}).get("name"))
            for s in steps
            if isinstance(s, dict) and not (s.get("outcome") or {}).get("error")
        ]
    last = {row["attempt_id"]: row for row in out.values()}
    for attempt_id, score_id, scorer, verdict, rationale, provenance in session.execute(
        select(
            ScoreRow.attempt_id,
            ScoreRow.id,
            ScoreRow.scorer,
            ScoreRow.verdict,
            ScoreRow.rationale,
            ScoreRow.provenance,
        ).where(ScoreRow.round_id == round_id, ScoreRow.attempt_id.in_(list(last)))
    ).all():
        last[attempt_id]["scores"][scorer] = (score_id, verdict, rationale, provenance)
    return list(out.values())


def raise_flag(
    session: Session,
    round_id: str,
    score_id: int,
    *,
    rule: str,
    rationale: str,
    evidence: dict[str, Any] | None = None,
) -> int:
    """Turn one pass into a fail on evidence from the round (a pair's other exchange); 1 when it changed,
    0 when the score is not a pass (already flagged, or not scored). The old verdict and rationale are
    kept in the score's provenance params under `review`."""
    row = session.execute(
        select(ScoreRow.scorer, ScoreRow.verdict, ScoreRow.rationale, ScoreRow.provenance).where(
            ScoreRow.round_id == round_id, ScoreRow.id == score_id
        )
    ).one_or_none()
    if row is None or row.verdict != "pass":  # a scored pass only: could-not-score has no verdict
        return 0
    kept: dict[str, Any] = dict(row.provenance or {"component": row.scorer, "version": "", "params": {}})
    kept["params"] = {
        **(kept.get("params") or {}),
        "review": {"rule": rule, "was": row.verdict, "rationale": row.rationale, **(evidence or {})},
    }
    session.execute(
        update(ScoreRow)
        .where(ScoreRow.id == score_id)
        .values(verdict="fail", rationale=rationale[:RATIONALE_LIMIT], provenance=kept)
    )
    _drop_aggregates(session, [round_id])
    return 1


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
