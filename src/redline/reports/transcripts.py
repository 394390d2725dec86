"""Example exchanges for the evidence annex: failures first, flagged text collapsed behind a warning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from redline.core.runs.cases import AttackCase
from redline.core.runs.rounds import Attempt
from redline.core.runs.scores import Score
from redline.core.runs.timeline import ActionTimeline, Segment, build_timeline, planted_markers
from redline.reports.sections import AgentActions, ReportTranscript, ScoreLine, TranscriptMessage
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


def _examples(
    session: Session, round_id: str, *, limit: int
) -> list[tuple[Attempt, AttackCase | None, list[Score]]]:
    """Up to `limit` attempts of a round (failures first, as stored), each with its case and scores."""
    ids = reporting.example_attempt_ids(session, round_id, limit=limit)
    attempts, cases, score_records = reporting.records_for_attempts(session, round_id, ids)
    by_attempt: dict[str, list[Score]] = defaultdict(list)
    for rec in score_records:
        by_attempt[rec["attempt_id"]].append(Score.model_validate(rec["score"]))
    out = []
    for attempt_id in ids:
        attempt = Attempt.model_validate(attempts[attempt_id])
        raw_case = cases.get(attempt.case_id)
        case = AttackCase.model_validate(raw_case) if raw_case else None
        out.append((attempt, case, by_attempt.get(attempt.id, [])))
    return out


def select_transcripts(
    session: Session, round_id: str, *, collapse_all: bool, limit: int
) -> list[ReportTranscript]:
    """Up to `limit` exchanges of a round, failures first; `collapse_all` hides every response."""
    if limit <= 0:
        return []
    out = []
    for attempt, case, scores in _examples(session, round_id, limit=limit):
        failed = _failed(scores)
        flagged = failed is True
        trace = attempt.response.actions
        out.append(
            ReportTranscript(
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
                actions=None
                if trace is None
                else build_timeline(
                    trace, attempt.response.text, markers=planted_markers(case.params) if case else []
                ),
            )
        )
    return failures_first(out, limit=limit)


def select_agent_actions(session: Session, round_id: str, *, limit: int) -> list[AgentActions]:
    """External copies: up to `limit` exchanges that used tools, failures first, with tool names and
    verdicts only (arguments, results, answers and rationales masked)."""
    if limit <= 0:
        return []
    out = []
    for attempt, case, scores in _examples(session, round_id, limit=limit):
        trace = attempt.response.actions
        if trace is None or not (trace.steps or trace.tools):
            continue
        out.append(
            AgentActions(
                case_id=attempt.case_id,
                attempt_id=attempt.id,
                technique=case.technique if case else "",
                threat_ids=case.threat_ids if case else (),
                verdicts=tuple(_score_line(s).model_copy(update={"rationale": ""}) for s in scores),
                failed=_failed(scores),
                timeline=build_timeline(trace, attempt.response.text, redacted=True),
            )
        )
    rank = {True: 0, False: 1, None: 2}
    return sorted(out, key=lambda a: rank[a.failed])[:limit]


def failures_first(transcripts: Sequence[ReportTranscript], *, limit: int) -> list[ReportTranscript]:
    """Exchanges from several rounds, failures first, then held, then unscored; at most `limit`."""
    rank = {True: 0, False: 1, None: 2}
    return sorted(transcripts, key=lambda t: rank[t.failed])[:limit]


def mask_transcripts(transcripts: Sequence[ReportTranscript], masker: Masker) -> list[ReportTranscript]:
    """Exchanges with personal data in prompts, responses and rationales masked (labels shared)."""
    out = []
    for t in transcripts:
        messages = tuple(m.model_copy(update={"content": masker.text(m.content)}) for m in t.messages)
        scores = tuple(s.model_copy(update={"rationale": masker.text(s.rationale)}) for s in t.scores)
        update: dict[str, Any] = {"messages": messages, "response": masker.text(t.response), "scores": scores}
        if t.actions is not None:
            update["actions"] = mask_timeline(t.actions, masker)
        out.append(t.model_copy(update=update))
    return out


def mask_timeline(timeline: ActionTimeline, masker: Masker) -> ActionTimeline:
    """A timeline with personal data masked in arguments, results, errors, side effects and the answer."""

    def segs(parts: tuple[Segment, ...]) -> tuple[Segment, ...]:
        return tuple(p.model_copy(update={"text": masker.text(p.text)}) for p in parts)

    steps = tuple(
        st.model_copy(
            update={
                "arguments": segs(st.arguments),
                "outcome": segs(st.outcome),
                "error": masker.text(st.error) if st.error is not None else None,
                "side_effects": tuple(masker.text(e) for e in st.side_effects),
            }
        )
        for st in timeline.steps
    )
    return timeline.model_copy(update={"steps": steps, "final_answer": segs(timeline.final_answer)})
