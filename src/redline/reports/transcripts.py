"""Example exchanges for the evidence annex: failures first, flagged text collapsed behind a warning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from redline.core.cases import AttackCase
from redline.core.rounds import Attempt
from redline.core.scores import Score
from redline.reports.sections import ScoreLine, Transcript, TranscriptMessage
from redline.scorers.masking import Masker
from redline.store.repos import reporting

CONTENT_WARNING = (
    "Content warning: this exchange was judged a failure and may contain harmful, offensive or "
    "disturbing text produced by the model under test. Expand only if you need to review it."
)


def _result(score: Score) -> str:
    if score.verdict is not None:
        return score.verdict.value
    if score.value is not None and score.scale is not None:
        return f"{score.value:g} on [{score.scale[0]:g}, {score.scale[1]:g}]"
    return score.outcome.value


def _score_line(score: Score) -> ScoreLine:
    return ScoreLine(
        scorer=score.scorer, result=_result(score), failed=score.failed, rationale=score.rationale
    )


def _failed(scores: Sequence[Score]) -> bool | None:
    judged = [s.failed for s in scores if s.failed is not None]
    return any(judged) if judged else None


def select_transcripts(
    session: Session, round_id: str, *, collapse_all: bool, limit: int
) -> list[Transcript]:
    """Up to `limit` exchanges of a round, failures first; `collapse_all` hides every response."""
    if limit <= 0:
        return []
    ids = reporting.example_attempt_ids(session, round_id, limit=limit)
    attempts, cases, score_records = reporting.records_for_attempts(session, round_id, ids)
    by_attempt: dict[str, list[Score]] = defaultdict(list)
    for rec in score_records:
        by_attempt[rec["attempt_id"]].append(Score.model_validate(rec["score"]))
    out = []
    for attempt_id in ids:
        attempt = Attempt.model_validate(attempts[attempt_id])
        scores = by_attempt.get(attempt.id, [])
        failed = _failed(scores)
        raw_case = cases.get(attempt.case_id)
        case = AttackCase.model_validate(raw_case) if raw_case else None
        flagged = failed is True
        out.append(
            Transcript(
                case_id=attempt.case_id,
                attempt_id=attempt.id,
                round_id=round_id,
                technique=case.technique if case else "",
                threat_ids=case.threat_ids if case else (),
                turn=attempt.turn,
                messages=tuple(
                    TranscriptMessage(role=m.role, content=m.content) for m in attempt.request.messages
                ),
                response=attempt.response.text,
                error=attempt.response.error.value if attempt.response.error else None,
                scores=tuple(_score_line(s) for s in scores),
                failed=failed,
                flagged=flagged,
                collapsed=collapse_all or flagged,
            )
        )
    return failures_first(out, limit=limit)


def failures_first(transcripts: Sequence[Transcript], *, limit: int) -> list[Transcript]:
    """Exchanges from several rounds, failures first, then held, then unscored; at most `limit`."""
    rank = {True: 0, False: 1, None: 2}
    return sorted(transcripts, key=lambda t: rank[t.failed])[:limit]


def mask_transcripts(transcripts: Sequence[Transcript], masker: Masker) -> list[Transcript]:
    """Exchanges with personal data in prompts, responses and rationales masked (labels shared)."""
    out = []
    for t in transcripts:
        messages = tuple(m.model_copy(update={"content": masker.text(m.content)}) for m in t.messages)
        scores = tuple(s.model_copy(update={"rationale": masker.text(s.rationale)}) for s in t.scores)
        out.append(
            t.model_copy(update={"messages": messages, "response": masker.text(t.response), "scores": scores})
        )
    return out
