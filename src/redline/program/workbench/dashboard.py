"""The program at a glance (releases, gate decisions, open findings, heat map), and a round's progress."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.analysis.evidence import Evidence
from redline.core.analysis.review import CorrectedRate, RoundJudge
from redline.core.register.findings import OPEN_STATUSES
from redline.core.register.heatmap import RiskRows, risk_heatmap
from redline.core.register.policy import Decision
from redline.core.register.risk import RiskLevel
from redline.core.runs.rounds import Round
from redline.program.people.content import Exchange
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.session import Store


class ReleaseStatus(BaseModel):
    """A release and its latest gate decision."""

    model_config = ConfigDict(frozen=True)

    release: str = Field(description="'system@version'.")
    release_id: str
    decision: Decision | None = None
    stale: bool = Field(default=False, description="A blocking finding arrived after the decision.")
    holds: bool | None = Field(
        default=None, description="The decision lets the release ship (not stale, no condition broken)."
    )
    revisit: str = Field(default="", description="Why it no longer holds, in one line.")


class Dashboard(BaseModel):
    """What the dashboard shows."""

    model_config = ConfigDict(frozen=True)

    program: str
    releases: tuple[ReleaseStatus, ...] = ()
    open_findings: int = 0
    open_by_risk: dict[RiskLevel, int] = Field(default_factory=dict)
    heatmap: RiskRows = Field(
        default=(), description="Open findings by likelihood (rows, 5 down to 1) and impact (columns 1 to 5)."
    )
    recent_rounds: tuple[Round, ...] = ()
    unresolved_escalations: int = 0


def dashboard(store: Store, settings: Settings, *, rounds: int = 10) -> Dashboard:
    """Assemble the dashboard from the register, the decisions and the rounds."""
    matrix = settings.config.risk_matrix
    with store.session() as session:
        names = {s.id: s.name for s in systems_repo.list_systems(session)}
        releases = tuple(
            _release_status(session, settings, f"{names.get(r.system_id, r.system_id)}@{r.version}", r.id)
            for r in reversed(systems_repo.list_releases(session))
        )
        open_findings = findings_repo.list_findings(session, statuses=OPEN_STATUSES)
        recent = tuple(rounds_repo.list_rounds(session, limit=rounds))
        escalations = len(decisions_repo.list_escalations(session, unresolved=True))
    heatmap = risk_heatmap(open_findings, matrix)
    by_risk = {level: sum(1 for f in open_findings if f.risk is level) for level in reversed(RiskLevel)}
    return Dashboard(
        program=settings.config.name,
        releases=releases,
        open_findings=len(open_findings),
        open_by_risk=by_risk,
        heatmap=heatmap,
        recent_rounds=recent,
        unresolved_escalations=escalations,
    )


def _release_status(session: Session, settings: Settings, label: str, release_id: str) -> ReleaseStatus:
    from redline.program.register.decisions import standing_status

    status = standing_status(session, settings, release_id)
    if status is None:
        return ReleaseStatus(release=label, release_id=release_id)
    why = [status.staleness.detail] if status.stale else []
    why += [f"condition broken: {c.condition.text}" for c in status.broken]
    return ReleaseStatus(
        release=label,
        release_id=release_id,
        decision=status.decision,
        stale=status.stale,
        holds=status.holds,
        revisit="; ".join(why),
    )


class RoundProgress(BaseModel):
    """How far a round has got, from what the store holds (works for rounds run by any process)."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    status: str
    cases: int = Field(description="Cases planned.")
    attempts: int = Field(description="Attempts stored.")
    outcomes: dict[str, int] = Field(
        default_factory=dict, description="Attempts by outcome: 'ok' or error kind."
    )
    finished: bool


def round_progress(store: Store, round_id: str) -> RoundProgress:
    """A round's status and counters."""
    from redline.core.runs.rounds import RoundStatus

    with store.session() as session:
        rnd = rounds_repo.get_round(session, round_id)
        outcomes = rounds_repo.count_attempts(session, round_id)
        cases = rounds_repo.count_cases(session, round_id)
    return RoundProgress(
        round_id=round_id,
        status=rnd.status.value,
        cases=cases,
        attempts=sum(outcomes.values()),
        outcomes=outcomes,
        finished=rnd.status not in (RoundStatus.PENDING, RoundStatus.RUNNING),
    )


class RoundDetail(BaseModel):
    """A round as its page shows it: progress, per-threat evidence, and its exchanges."""

    model_config = ConfigDict(frozen=True)

    round: Round
    progress: RoundProgress
    evidence: tuple[Evidence, ...] = ()
    exchanges: tuple[Exchange, ...] = Field(default=(), description="Flagged ones withheld unless consented.")
    next_after: str | None = Field(
        default=None, description="Cursor of the next page of exchanges (`?after=`); None on the last page."
    )
    corrected: dict[str, CorrectedRate] = Field(
        default_factory=dict,
        description="Per threat, the rate corrected by the round's human review, else by the calibration "
        "of the judge that scored it (only where one exists).",
    )
    correction_note: str | None = Field(
        default=None, description="Which source corrected the rates, and why."
    )
    judges: tuple[RoundJudge, ...] = Field(
        default=(), description="Judge scorers of the round and their calibration (none: uncalibrated)."
    )


def round_detail(
    store: Store, settings: Settings, *, round_id: str, viewer: str, limit: int = 50, after: str | None = None
) -> RoundDetail:
    """Everything the round page shows."""
    from redline.program.people.access import require_round
    from redline.program.people.actors import acting_user
    from redline.program.people.content import round_exchange_page
    from redline.store.repos import evidence as evidence_repo
    from redline.store.repos import reviews as reviews_repo

    with store.session() as session:
        require_round(session, round_id, acting_user(session, viewer))
    progress = round_progress(store, round_id)
    with store.session() as session:
        rnd = rounds_repo.get_round(session, round_id)
        evidence = evidence_repo.round_evidence(session, round_id)
        review = reviews_repo.review_summary(session, round_id)
        judges = reviews_repo.round_judges(session, rnd.config)
        correction = reviews_repo.round_correction(session, round_id, rnd.config, review)
    page = round_exchange_page(store, settings, round_id=round_id, viewer=viewer, limit=limit, after=after)
    return RoundDetail(
        round=rnd,
        progress=progress,
        evidence=tuple(evidence),
        exchanges=page.items,
        next_after=page.after,
        corrected=dict(correction.threats) if correction is not None else {},
        correction_note=correction.note if correction is not None else None,
        judges=tuple(judges),
    )
