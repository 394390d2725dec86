"""Findings from evidence: propose, match against the register, open or attach, escalate (5)(6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.catalog.threats import Threat
from redline.core.ids import new_id
from redline.core.register.assessment import Access, AttackComplexity
from redline.core.register.findings import (
    OPEN_STATUSES,
    CaseSource,
    CaseSpec,
    Finding,
    FindingStatus,
    ReproducibleCase,
)
from redline.core.register.mitigations import ExpectedMitigation, Mitigation, MitigationStatus
from redline.core.register.proposals import Embed, FindingProposal, match_existing, propose_findings
from redline.core.register.risk import RiskLevel
from redline.core.register.signoffs import Escalation, EscalationKind
from redline.core.register.triage import EvidenceRecord
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import MessageRole
from redline.program.register.decisions import load_policy
from redline.program.register.escalations import announce, escalate
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import finding_cases as cases_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store

MAX_EXEMPLARS = 20
# Findings new evidence may match: open ones get the evidence, resolved ones are reopened (regression).
MATCHABLE = OPEN_STATUSES | {FindingStatus.VERIFIED, FindingStatus.CLOSED, FindingStatus.ACCEPTED_RISK}
RESOLVED = frozenset({FindingStatus.VERIFIED, FindingStatus.CLOSED})


class ProposalAction(BaseModel):
    """What proposing did with one proposal."""

    model_config = ConfigDict(frozen=True)

    action: str = Field(description="'opened', 'attached', 'reopened' or 'already-attached'.")
    finding: Finding
    proposal: FindingProposal
    similarity: float | None = Field(default=None, description="Similarity to the matched finding.")


class ProposeResult(BaseModel):
    """The outcome of proposing findings from one round."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    actions: tuple[ProposalAction, ...] = ()
    escalations: tuple[Escalation, ...] = ()


@cache
def _technique_kind(name: str) -> str | None:
    from redline.engine.components import technique_kind

    kind = technique_kind(name)
    return str(kind) if kind is not None else None


def complexity_of(case: AttackCase) -> AttackComplexity:
    """How hard a case's attack is to mount: user turns, an attacker model, white-box access."""
    kind = _technique_kind(case.technique)
    user_turns = sum(1 for m in case.conversation.messages if m.role is MessageRole.USER)
    turns = max(case.turns, user_turns, 2 if kind == "multi-turn" else 1)
    return AttackComplexity(
        turns=turns,
        attacker_model=kind == "attacker-loop",
        access=Access.WHITE_BOX if kind == "white-box" else Access.BLACK_BOX,
    )


def easiest(cases: Sequence[AttackCase]) -> AttackComplexity | None:
    """The complexity of the cheapest failing attack: the one that makes the failure most likely."""

    def cost(cx: AttackComplexity) -> int:
        return (cx.turns > 1) + cx.attacker_model + 2 * (cx.access is Access.WHITE_BOX)

    return min((complexity_of(c) for c in cases), key=cost, default=None)


def exemplar_texts(cases: Sequence[AttackCase], *, limit: int = MAX_EXEMPLARS) -> list[str]:
    """Distinct texts of failing cases (objective and last user message), for matching findings."""
    out: list[str] = []
    for case in cases:
        text = " ".join(t for t in (case.objective, case.conversation.last_user_text) if t).strip()
        if text and text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def bundled_embedder() -> Embed:
    """The scorers' bundled sentence-embedding model as an `embed(texts) -> vectors` function."""
    from redline.scorers.embeddings import shared_embedder

    model = shared_embedder()

    def embed(texts: Sequence[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in model.encode(list(texts))]

    return embed


def load_threats(settings: Settings) -> dict[str, Threat]:
    """The catalog in force for the workspace, by threat id."""
    from redline.catalog.loader import load_catalog

    return {t.id: t for t in load_catalog(settings.workspace / "catalog").threats()}


def propose_from_round(
    store: Store,
    settings: Settings,
    *,
    round_id: str,
    policy: str | None = None,
    embed: Embed | None = None,
    threats: Mapping[str, Threat] | None = None,
    today: date | None = None,
) -> ProposeResult:
    """Propose findings from a round's evidence and file them in the register (audited).

    A proposal that matches a finding of the same threat (similar failing cases) attaches its evidence
    to it, reopening it when it had been verified or closed; otherwise a finding opens with a due date
    from the SLA of its risk level. A new critical finding is escalated and the hooks fire.
    """
    catalog = dict(threats) if threats is not None else load_threats(settings)
    rules = load_policy(settings, policy)
    opened_on = today or datetime.now(UTC).date()
    actions: list[ProposalAction] = []
    raised: list[Escalation] = []
    with store.session() as session:
        rnd = rounds_repo.get_round(session, round_id)
        evidence = evidence_repo.round_evidence(session, round_id)
        failed_ids = (
            evidence_repo.failed_case_ids(session, round_id) if any(e.failures for e in evidence) else set()
        )
        failing = {
            e.threat_id: evidence_repo.threat_cases(session, round_id, e.threat_id, only=failed_ids)
            for e in evidence
            if e.failures
        }
        proposals = propose_findings(
            evidence,
            catalog,
            rules,
            complexity={t: cx for t, cases in failing.items() if (cx := easiest(cases)) is not None},
            exemplars={t: exemplar_texts(cases) for t, cases in failing.items()},
            reach=settings.config.reach,
            matrix=settings.config.risk_matrix,
        )
        for prop in proposals:
            record = EvidenceRecord(
                round_id=round_id,
                release_id=rnd.release_id,
                evidence=prop.evidence,
                failing_cases=tuple(c.id for c in failing.get(prop.threat_id, [])),
                at=datetime.now(UTC),
            )
            action, esc = file_proposal(session, settings, prop, record, embed=embed, opened_on=opened_on)
            actions.append(action)
            raised += [esc] if esc else []
    announce(store, settings, raised)
    return ProposeResult(round_id=round_id, actions=tuple(actions), escalations=tuple(raised))


class OpenedFinding(BaseModel):
    """A finding just opened, the escalation it raised (if critical) and its reproducible case."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    escalation: Escalation | None = None
    case: ReproducibleCase | None = None


def open_finding(
    session: Session,
    settings: Settings,
    finding: Finding,
    *,
    actor: str,
    source: str,
    reason: str,
    evidence: EvidenceRecord | None = None,
    exemplars: Sequence[str] = (),
    case: CaseSpec | None = None,
    case_source: CaseSource | None = None,
) -> OpenedFinding:
    """The one door to the register: record a new finding (audited) with its evidence and reproducible
    case, and escalate it when critical. After the session commits, the caller announces the escalation
    (`escalations.announce`), so notifiers never report a finding that was rolled back."""
    opened = findings_repo.add_finding(
        session, finding, actor=actor, evidence=evidence, exemplars=exemplars, reason=reason
    )
    stored = None
    if case is not None:
        stored = cases_repo.add_case(
            session,
            finding_id=opened.id,
            spec=case,
            source=case_source or CaseSource(source),
            actor=actor,
        )
    esc = None
    if opened.risk is RiskLevel.CRITICAL:
        esc = escalate(
            session,
            kind=EscalationKind.CRITICAL_FINDING,
            subject=opened.id,
            summary=f"critical finding {opened.id}: {opened.title}",
            release_id=opened.release_id,
            actor=actor,
            details={"threat_id": opened.threat_id, "reason": reason, "source": source},
        )
    return OpenedFinding(finding=opened, escalation=esc, case=stored)


def file_proposal(
    session: Session,
    settings: Settings,
    prop: FindingProposal,
    record: EvidenceRecord,
    *,
    embed: Embed | None = None,
    opened_on: date,
    case: CaseSpec | None = None,
) -> tuple[ProposalAction, Escalation | None]:
    """File one proposal in the register; a newly opened critical finding is escalated."""
    return _file(session, settings, prop, record, embed=embed, opened_on=opened_on, case=case)


def _file(
    session: Session,
    settings: Settings,
    prop: FindingProposal,
    record: EvidenceRecord,
    *,
    embed: Embed | None,
    opened_on: date,
    case: CaseSpec | None = None,
) -> tuple[ProposalAction, Escalation | None]:
    actor = settings.actor
    known = findings_repo.list_findings(session, threat_id=prop.threat_id, statuses=MATCHABLE)
    pool = findings_repo.exemplars(session, [f.id for f in known])
    match_id, similarity = match_existing(list(prop.exemplars), pool, embed=embed)
    if match_id is None:
        finding = Finding(
            id=new_id("fnd"),
            title=prop.title,
            threat_id=prop.threat_id,
            likelihood=prop.likelihood,
            impact=prop.impact,
            risk=prop.risk,
            round_id=record.round_id if record.source == "round" else None,
            release_id=record.release_id,
            due=settings.config.triage.sla_days.due_for(prop.risk, opened=opened_on),
            description=prop.reason,
        )
        opened = open_finding(
            session,
            settings,
            finding,
            actor=actor,
            source=record.source,
            reason=prop.reason,
            evidence=record,
            exemplars=prop.exemplars,
            case=case,
        )
        return ProposalAction(action="opened", finding=opened.finding, proposal=prop), opened.escalation
    dossier = findings_repo.dossier(session, match_id)
    if any(e.round_id == record.round_id for e in dossier.evidence):
        return ProposalAction(
            action="already-attached", finding=dossier.finding, proposal=prop, similarity=similarity
        ), None
    finding = findings_repo.attach_evidence(session, match_id, record, actor=actor, exemplars=prop.exemplars)
    if prop.risk.rank > finding.risk.rank:
        finding = findings_repo.assess(
            session,
            match_id,
            likelihood=prop.likelihood,
            impact=prop.impact,
            risk=prop.risk,
            actor=actor,
            why=f"new evidence from {record.round_id}: {prop.reason}",
        )
    if finding.status in RESOLVED:
        finding = findings_repo.move(
            session,
            match_id,
            FindingStatus.REOPENED,
            actor=actor,
            note=f"regression: {prop.reason} in round {record.round_id}",
        )
        return ProposalAction(action="reopened", finding=finding, proposal=prop, similarity=similarity), None
    return ProposalAction(action="attached", finding=finding, proposal=prop, similarity=similarity), None


class Remedies(BaseModel):
    """What is and should be done about a finding: its threat's expected mitigations (those of a type
    not recorded yet are what the finding proposes), its mitigations, and its reproducible case."""

    model_config = ConfigDict(frozen=True)

    expected: tuple[ExpectedMitigation, ...] = ()
    proposed: tuple[ExpectedMitigation, ...] = Field(
        default=(), description="Expected mitigations of a type the finding has no mitigation of yet."
    )
    mitigations: tuple[Mitigation, ...] = ()
    case: ReproducibleCase | None = None


def remedies(
    store: Store, settings: Settings, finding_id: str, *, threats: Mapping[str, Threat] | None = None
) -> Remedies:
    """A finding's expected, proposed and recorded mitigations, and its reproducible case."""
    with store.session() as session:
        finding = findings_repo.get_finding(session, finding_id)
        recorded = tuple(mitigations_repo.list_mitigations(session, finding_id=finding_id))
        case = cases_repo.find_case(session, finding_id)
    catalog = dict(threats) if threats is not None else load_threats(settings)
    threat = catalog.get(finding.threat_id)
    expected = threat.expected_mitigations if threat else ()
    done = {
        m.type for m in recorded if m.status not in (MitigationStatus.ABANDONED, MitigationStatus.REJECTED)
    }
    return Remedies(
        expected=expected,
        proposed=tuple(e for e in expected if e.type not in done),
        mitigations=recorded,
        case=case,
    )
