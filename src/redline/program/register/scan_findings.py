"""Scan findings a developer acts on: one per technique and scorer that saw failures, ranked.

A finding groups a round's scored answers by the technique that made the case and the scorer that
judged it (a family of families.md). Its rate is failures / scored answers with a 95% interval; the
rank is the worst catalog severity of its threats times the interval's lower end (a failure seen
often and surely in a severe family first). Each finding carries one failing exchange, the exact
messages sent and the reply, truncated and with personal data masked, and the scorer's rationale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import Settings
from redline.core.analysis.evidence import Evidence
from redline.core.runs.cases import AttackCase
from redline.core.runs.rounds import Attempt
from redline.core.runs.scores import Score
from redline.store.session import Store

FAILING = frozenset({"fail", "partial"})
MESSAGE_CHARS = 600


class ShownMessage(BaseModel):
    """One message of a finding's exchange, truncated and masked."""

    model_config = ConfigDict(frozen=True)

    role: str
    content: str


class ScanFinding(BaseModel):
    """A ranked finding of a scan."""

    model_config = ConfigDict(frozen=True)

    rank: int
    technique: str
    scorer: str
    threats: tuple[str, ...]
    family: str = Field(description="The first threat's family (its id prefix).")
    severity: int = Field(description="Worst default severity (1-5) of its threats in the catalog.")
    score: float = Field(description="severity x the failure rate's lower 95% bound: the ranking key.")
    failures: int
    n: int
    rate: float
    low: float
    high: float
    case_id: str
    messages: tuple[ShownMessage, ...] = Field(description="The exact messages sent (masked, truncated).")
    reply: str
    rationale: str


@dataclass
class _Group:
    failures: int = 0
    n: int = 0
    example: tuple[Attempt, Score] | None = None
    threats: list[str] = field(default_factory=list)


def _short(text: str, limit: int = MESSAGE_CHARS) -> str:
    from redline.scorers.masking import mask_text

    masked = mask_text(text, ner=False)
    return masked if len(masked) <= limit else masked[: limit - 1].rstrip() + "…"


def ranked_findings(store: Store, settings: Settings, round_id: str) -> list[ScanFinding]:
    """The round's findings, worst first (only groups with at least one failure)."""
    from redline.program.register.findings import load_threats
    from redline.store.repos import rounds as rounds_repo

    threats = load_threats(settings)
    with store.session() as session:
        cases: dict[str, AttackCase] = {c.id: c for c in rounds_repo.list_cases(session, round_id)}
        attempts: dict[str, Attempt] = {a.id: a for a in rounds_repo.list_attempts(session, round_id)}
        scores = rounds_repo.list_scores(session, round_id)
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for attempt_id, score in scores:
        attempt = attempts.get(attempt_id)
        if attempt is None or score.verdict is None:
            continue
        case = cases.get(attempt.case_id)
        technique = case.technique if case is not None else "prompt"
        group = groups[(technique, score.scorer)]
        group.n += 1
        if case is not None:
            group.threats.extend(t for t in case.threat_ids if t not in group.threats)
        if score.verdict.value in FAILING:
            group.failures += 1
            if group.example is None:
                group.example = (attempt, score)
    found: list[ScanFinding] = []
    for (technique, scorer), group in groups.items():
        if not group.failures or group.example is None:
            continue
        attempt, score = group.example
        ev = Evidence.from_counts(technique, failures=group.failures, n=group.n)
        severity = max((int(threats[t].default_severity) for t in group.threats if t in threats), default=3)
        found.append(
            ScanFinding(
                rank=0,
                technique=technique,
                scorer=scorer,
                threats=tuple(group.threats),
                family=group.threats[0].split(".")[0] if group.threats else "",
                severity=severity,
                score=round(severity * ev.low, 4),
                failures=ev.failures,
                n=ev.n,
                rate=ev.rate,
                low=ev.low,
                high=ev.high,
                case_id=attempt.case_id,
                messages=tuple(
                    ShownMessage(role=m.role.value, content=_short(m.content))
                    for m in attempt.request.messages
                ),
                reply=_short(attempt.response.text or attempt.response.error or ""),
                rationale=_short(score.rationale, 400),
            )
        )
    found.sort(key=lambda f: (-f.score, -f.rate, f.technique, f.scorer))
    return [f.model_copy(update={"rank": i}) for i, f in enumerate(found, 1)]
