"""Assemble the report model from the store: the one query path that every renderer reads from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy.orm import Session

from redline.catalog.loader import Catalog
from redline.core.analysis.comparison import Change
from redline.core.catalog.threats import Threat
from redline.core.errors import NotFoundError
from redline.core.people.perspectives import DEFAULT_MIN_GROUP_SIZE
from redline.core.register.findings import FindingStatus
from redline.core.register.mitigations import MitigationStatus, MitigationType
from redline.core.register.policy import Decision, GateOutcome, ReleasePolicy, evaluate_gate, limit_for
from redline.core.register.revisits import assess_decision
from redline.core.register.risk import DEFAULT_MATRIX, RiskLevel, RiskMatrix
from redline.core.runs.conversation import MessageRole
from redline.core.runs.rounds import Round, RoundStatus
from redline.core.runs.systems import Release
from redline.reports import sections as sec
from redline.reports.analyses import round_analyses
from redline.reports.entries import finding_entry, heatmap_of, mitigation_entry, votes_of
from redline.reports.lessons import lessons_section
from redline.reports.method import coverage_of, method_appendix
from redline.reports.model import (
    Audience,
    ConditionEntry,
    DecisionEntry,
    ReportModel,
    RoundSummary,
    Scope,
    ThreatRate,
    redline_version,
)
from redline.reports.perspectives import perspective_section
from redline.reports.redaction import Scrubber, SensitiveTerms, people_terms
from redline.reports.summary import executive_summary, limitations
from redline.reports.transcripts import (
    failures_first,
    mask_transcripts,
    select_agent_actions,
    select_transcripts,
)
from redline.reports.trends import build_trends
from redline.reports.verifications import verification_entries
from redline.scorers.masking import Masker
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import reporting
from redline.store.repos import revisits as revisits_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.reporting import Sourced


class _Revisit(TypedDict, total=False):
    stale: bool
    revisit: str
    checklist: tuple[ConditionEntry, ...]


_ENUMS = (FindingStatus, RiskLevel, GateOutcome, MitigationStatus, MitigationType, RoundStatus, Audience)
PROTECTED = frozenset(v.value for e in (*_ENUMS, MessageRole, Change) for v in e)


@dataclass(frozen=True)
class ReportRequest:
    """What to report on (one round, the latest round, or a release) and for whom."""

    round_id: str | None = None
    latest: bool = False
    release: str | None = None
    audience: Audience = Audience.INTERNAL
    max_transcripts: int = 50
    unmask: bool = False
    ner: bool = True
    """Find names in transcripts with the NER model where installed (`privacy.ner`)."""
    """Keep personal data in internal and committee transcripts (the caller checked clearance and
    audited it); external reports are always masked."""


def _select(session: Session, req: ReportRequest) -> tuple[list[Round], Release | None, str]:
    if req.release is not None:
        chosen = systems_repo.resolve_release(session, req.release)
        rounds = reporting.release_rounds(session, chosen.id)
        if not rounds:
            raise NotFoundError(f"release {chosen.version} has no finished round to report on yet")
        return rounds, chosen, "release"
    if req.round_id is not None:
        rnd, how = rounds_repo.get_round(session, req.round_id), "round"
    else:
        latest = rounds_repo.latest_round(session)
        if latest is None:
            raise NotFoundError("the workspace has no rounds yet; run one first")
        rnd, how = latest, "latest"
    return [rnd], reporting.get_release_or_none(session, rnd.release_id), how


def _revisit(session: Session, recorded: Decision, policy: ReleasePolicy, *, at: datetime | None) -> _Revisit:
    """The recorded decision revisited: stale or not, and its conditional go's checklist."""
    inputs = revisits_repo.decision_inputs(session, recorded.release_id)
    status = assess_decision(
        recorded,
        findings=inputs.findings,
        threshold=policy.max_open_risk,
        now=at or datetime.now(UTC),
        acceptances=inputs.acceptances,
        opened_at=inputs.opened_at,
        conditions=inputs.conditions,
        monitoring_runs=inputs.monitoring_runs,
    )
    why = [status.staleness.detail] if status.stale else []
    why += [f"condition broken: {c.condition.text} ({c.detail})" for c in status.broken]
    checklist = tuple(
        ConditionEntry(
            text=c.condition.text,
            kind=c.condition.kind.value,
            owner=c.condition.owner or "",
            state=c.state.value,
            detail=c.detail,
        )
        for c in status.conditions
    )
    return {"stale": status.stale, "revisit": "; ".join(why), "checklist": checklist}


def _rates(sourced: Sourced, threats: Mapping[str, Threat], policy: ReleasePolicy) -> list[ThreatRate]:
    out = []
    for tid, (rnd, ev) in sourced.items():
        threat = threats.get(tid)
        limit = limit_for(threat, policy) if threat is not None else None
        out.append(
            ThreatRate(
                threat_id=tid,
                title=threat.title if threat else tid,
                harm_category=threat.harm_category if threat else "uncatalogued",
                failures=ev.failures,
                n=ev.n,
                rate=ev.rate,
                low=ev.low,
                high=ev.high,
                method=ev.method,
                could_not_score=ev.could_not_score,
                errors=ev.errors,
                limit=limit,
                above_limit=limit is not None and ev.n > 0 and ev.high > limit,
                round_id=rnd.id,
                adhoc=rnd.adhoc,
            )
        )
    return sorted(out, key=lambda r: (-r.rate, -r.high, r.threat_id))


def _with_review(session: Session, rates: list[ThreatRate]) -> list[ThreatRate]:
    """Each rate with its corrected rate where a human review of its round, or a calibration of the judge
    that scored it, exists."""
    from redline.store.repos.reviews import review_summary, round_correction

    corrections = {
        rid: round_correction(
            session, rid, rounds_repo.get_round(session, rid).config, review_summary(session, rid)
        )
        for rid in {r.round_id for r in rates}
    }
    out = []
    for rate in rates:
        correction = corrections[rate.round_id]
        found = correction.threats.get(rate.threat_id) if correction else None
        if found is None or correction is None:
            out.append(rate)
            continue
        out.append(
            rate.model_copy(
                update={
                    "corrected_rate": found.rate,
                    "corrected_low": found.low,
                    "corrected_high": found.high,
                    "reviewed": found.reviewed,
                    "corrected_by": correction.source,
                    "corrected_calibration": correction.calibration,
                }
            )
        )
    return out


def _with_judges(rates: list[ThreatRate], rounds: Sequence[RoundSummary]) -> list[ThreatRate]:
    """Each rate with the calibration of the judges that scored its round ('uncalibrated judge' if none)."""
    judges = {r.id: tuple(j.describe() for j in r.judges) for r in rounds}
    return [
        rate.model_copy(update={"judges": judges[rate.round_id]}) if judges.get(rate.round_id) else rate
        for rate in rates
    ]


def _round_summary(session: Session, rnd: Round) -> RoundSummary:
    from redline.store.repos.reviews import round_judges

    return RoundSummary(
        id=rnd.id,
        adhoc=rnd.adhoc,
        plan_id=rnd.plan_id,
        status=rnd.status,
        seed=rnd.seed,
        started_at=rnd.started_at,
        finished_at=rnd.finished_at,
        cases=rounds_repo.count_cases(session, rnd.id),
        attempts=rounds_repo.count_attempts(session, rnd.id),
        judges=tuple(round_judges(session, rnd.config)),
    )


def _terms(session: Session, release: Release | None, rounds: Sequence[Round]) -> SensitiveTerms:
    terms = SensitiveTerms()
    if release is not None:
        terms.add_values(release.config)
    for rnd in rounds:
        terms.add_round(rnd.config, reporting.iter_private_values(session, rnd.id))
    return terms


def build_report(
    session: Session,
    request: ReportRequest,
    *,
    catalog: Catalog,
    program: str,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    policy: ReleasePolicy | None = None,
    now: datetime | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> ReportModel:
    """Read everything a report says from the store, once, redacted for the request's audience."""
    rounds, release, how = _select(session, request)
    system = reporting.system_of(session, release) if release is not None else None
    policy = policy or ReleasePolicy()
    threats = {t.id: t for t in catalog.threats()}
    sourced = (
        reporting.release_sourced(session, release.id)
        if how == "release" and release is not None
        else reporting.round_sourced(session, rounds[0])
    )
    findings = reporting.findings_in_scope(
        session, release_id=release.id if release else None, round_ids=[r.id for r in rounds]
    )
    mitigations = reporting.mitigations_for(session, [f.id for f in findings])
    audience = request.audience
    external = audience is Audience.EXTERNAL
    terms = _terms(session, release, rounds) if external else SensitiveTerms()
    people_terms(reporting.people(session), terms)
    if system is not None:
        terms.add_person(system.owner, "system owner")
    scrub = Scrubber(terms, protected=PROTECTED)

    def person(name: str | None, default: str) -> str | None:
        return scrub.role_of(name, default) if external else name

    finding_entries = tuple(finding_entry(f, mitigations, person, external=external) for f in findings)
    mitigation_entries = tuple(mitigation_entry(m, person) for m in mitigations)
    evidence = [ev for _, ev in sourced.values()]
    preview = evaluate_gate(evidence, [f for f in findings if f.is_open], policy, threats=threats)
    recorded = decisions_repo.latest_decision(session, release.id) if release is not None else None
    votes = votes_of(session, release, recorded, person)
    if recorded is not None:
        revisit: _Revisit = _revisit(session, recorded, policy, at=now) if not external else {}
        decision = DecisionEntry(
            recorded=True,
            outcome=recorded.outcome,
            policy=recorded.policy,
            reasons=recorded.reasons or preview.reasons,
            conditions=recorded.conditions,
            signed_by=tuple(person(s, "committee member") or "" for s in recorded.signed_by),
            decided_at=recorded.created_at,
            decision_id=recorded.id,
            signoffs=votes,
            **revisit,
        )
    else:
        decision = DecisionEntry(
            recorded=False,
            outcome=preview.outcome,
            policy=policy.name,
            reasons=preview.reasons,
            conditions=preview.conditions,
            signoffs=votes,
        )
    rates = _with_review(session, _rates(sourced, threats, policy))
    heatmap, severity = heatmap_of(findings, matrix)
    coverage = coverage_of(sourced, catalog)
    round_summaries = tuple(_round_summary(session, r) for r in rounds)
    rates = _with_judges(rates, round_summaries)
    scope = Scope(
        program=program,
        system=system.name if system else None,
        system_description=system.description if system else "",
        release=release.version if release else None,
        release_id=release.id if release else None,
        model=_model_name(release),
        round_ids=tuple(r.id for r in rounds),
        selection=how,
    )
    transcripts: list[sec.ReportTranscript] = []
    agent_actions: list[sec.AgentActions] = []
    if external:
        for rnd in rounds:
            agent_actions += select_agent_actions(session, rnd.id, limit=request.max_transcripts)
        rank = {True: 0, False: 1, None: 2}
        agent_actions.sort(key=lambda a: rank[a.failed])  # failures first across rounds
    else:
        collapse, limit = audience is Audience.COMMITTEE, request.max_transcripts
        for rnd in rounds:
            transcripts += select_transcripts(session, rnd.id, collapse_all=collapse, limit=limit)
        transcripts = failures_first(transcripts, limit=limit)
    postmortems, lessons = ((), None) if external else lessons_section(session, findings, release)
    masker = Masker(ner=request.ner)
    if not request.unmask or external:
        transcripts = mask_transcripts(transcripts, masker)
    model = ReportModel(
        generated_at=now or datetime.now(UTC),
        generator=f"redline {redline_version()}",
        audience=audience,
        scope=scope,
        summary=executive_summary(
            scope=scope,
            decision=decision,
            rounds=round_summaries,
            rates=rates,
            coverage=coverage,
            findings=finding_entries,
            mitigations=mitigation_entries,
        ),
        decision=decision,
        rounds=round_summaries,
        rates=tuple(rates),
        heatmap=heatmap,
        severity=tuple(severity),
        coverage=coverage,
        perspectives=perspective_section(
            session, rounds, tested=list(sourced), catalog=catalog, k=min_group_size
        ),
        trends=build_trends(session, release, current=sourced),
        analyses=round_analyses(session, rounds),
        findings=finding_entries,
        mitigations=mitigation_entries,
        verifications=verification_entries(session, [f.id for f in findings]),
        transcripts=tuple(transcripts),
        agent_actions=tuple(agent_actions[: request.max_transcripts]),
        postmortems=postmortems,
        lessons=lessons,
        method=method_appendix(
            session,
            rounds,
            release=release,
            catalog=catalog,
            matrix=matrix,
            policy=policy,
            show_config=not external,
        ),
        limitations=tuple(limitations(rates, coverage, round_summaries)),
    )
    if external:
        model = ReportModel.model_validate(scrub.walk(model.model_dump(mode="json")))
    if not request.unmask or external:
        # The rest of the model (titles, rationales, notes) by pattern only, with the transcripts'
        # labels: NER on titles and labels would mask words that are not people.
        masker.ner = False
        model = ReportModel.model_validate(masker.walk(model.model_dump(mode="json"), protected=PROTECTED))
    return model


def _model_name(release: Release | None) -> str:
    if release is None:
        return ""
    m = release.model
    return f"{m.provider}:{m.name}" + (f" {m.version}" if m.version else "")
