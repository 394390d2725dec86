"""Mitigations and their verification: re-run a finding's evidence cases on the release that ships the fix."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.analysis.evidence import Evidence
from redline.core.catalog.threats import Threat
from redline.core.errors import NotFoundError, PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.core.register.findings import TRANSITIONS, Finding, FindingStatus
from redline.core.register.mitigations import (
    VOTED_STATUSES,
    Mitigation,
    MitigationStatus,
    MitigationType,
    MitigationVote,
    VerificationOutcome,
    authorisation_outcome,
    check_mitigation_transition,
)
from redline.core.register.risk import RiskLevel
from redline.core.register.triage import EvidenceRecord
from redline.core.register.verification import ALPHA, judge_for_threat
from redline.program.people.actors import authorize
from redline.program.people.permissions import FINDING_FIXERS
from redline.program.register.decisions import load_policy
from redline.program.register.escalations import follow_finding
from redline.program.register.releases import release_label
from redline.store import audit
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.mitigations import Verification
from redline.store.repos.systems import resolve_release
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.attacks.seeds.library import SeedLibrary
    from redline.engine.models import HelperModels
    from redline.scorers.base import Scorer
    from redline.targets.base import Target

S = FindingStatus
_DETOURS = frozenset({S.ACCEPTED_RISK, S.CLOSED, S.DUPLICATE, S.REOPENED})


def add(
    store: Store,
    *,
    finding_id: str,
    type: MitigationType,
    description: str,
    owner: str | None,
    user: str | None,
) -> Mitigation:
    """Propose a mitigation (the committee authorises it); a triaged finding it addresses moves to in
    progress."""
    with store.session() as session:
        who = authorize(session, user, FINDING_FIXERS, action="record mitigations")
        finding = findings_repo.get_finding(session, finding_id)
        mitigation = mitigations_repo.add_mitigation(
            session,
            finding_id=finding_id,
            type=type,
            description=description,
            owner=owner,
            actor=who.name,
            status=MitigationStatus.PROPOSED,
        )
        if finding.status in (S.TRIAGED, S.REOPENED):
            findings_repo.move(
                session, finding_id, S.IN_PROGRESS, actor=who.name, note=f"mitigation {mitigation.id}"
            )
        return mitigation


def set_status(store: Store, *, mitigation_id: str, status: MitigationStatus, user: str | None) -> Mitigation:
    """Move a mitigation; authorised comes only from committee votes, verified and not-verified only
    from a verification re-run."""
    if status in (MitigationStatus.VERIFIED, MitigationStatus.NOT_VERIFIED):
        raise UsageError(
            "a mitigation is verified by re-running its finding: 'redline finding verify ID --release R'"
        )
    if status in VOTED_STATUSES:
        raise UsageError(
            f"the committee's votes make a mitigation {status.value}: 'redline mitigation vote ID --approve'"
        )
    with store.session() as session:
        who = authorize(session, user, FINDING_FIXERS, action="update mitigations")
        current = mitigations_repo.get_mitigation(session, mitigation_id)
        check_mitigation_transition(current.status, status)
        return mitigations_repo.set_status(session, mitigation_id, status, actor=who.name)


class AuthorisationView(BaseModel):
    """A mitigation with the committee's votes on it and what authorising it needs."""

    model_config = ConfigDict(frozen=True)

    mitigation: Mitigation
    votes: tuple[MitigationVote, ...] = ()
    approvals: int
    needed: int
    voter_roles: tuple[Role, ...]


def _voter_roles(settings: Settings, finding: Finding) -> tuple[Role, ...]:
    """Who may vote, as for plans: critical-plan approvers for a critical finding, else plan approvers."""
    rights = settings.config.decision_rights
    return rights.critical_plan_approvers if finding.risk is RiskLevel.CRITICAL else rights.plan_approvers


def vote(
    store: Store,
    settings: Settings,
    *,
    mitigation_id: str,
    user: str | None,
    approve: bool,
    comment: str = "",
    finding_id: str | None = None,
) -> AuthorisationView:
    """A committee member's vote on a proposed mitigation (audited): the quorum of approvals
    (decision_rights.quorum, as for plans) authorises it, one rejection rejects it. `finding_id`, when
    given (a page or URL that names the finding), must be the mitigation's own finding."""
    if not approve and not comment.strip():
        raise UsageError("say why the mitigation is rejected: pass --comment")
    with store.session() as session:
        mitigation = mitigations_repo.get_mitigation(session, mitigation_id)
        if finding_id is not None and mitigation.finding_id != finding_id:
            raise NotFoundError(f"finding {finding_id} has no mitigation {mitigation_id}")
        finding = findings_repo.get_finding(session, mitigation.finding_id)
        roles = _voter_roles(settings, finding)
        who = authorize(session, user, frozenset(roles), action="authorise mitigations")
        if mitigation.status is not MitigationStatus.PROPOSED:
            raise UsageError(
                f"mitigation {mitigation_id} is {mitigation.status.value}; only a proposed one is voted on"
            )
        recorded = audit.list_events(session, action="mitigation.add", subject=mitigation_id)
        if recorded and recorded[-1].actor == who.name:
            raise PermissionDeniedError(
                f"{who.name} recorded mitigation {mitigation_id} and may not vote on it"
            )
        if any(v.voter == who.name for v in mitigations_repo.list_votes(session, mitigation_id)):
            raise UsageError(f"{who.name} already voted on mitigation {mitigation_id}")
        mitigations_repo.add_vote(session, mitigation_id, voter=who.name, approve=approve, comment=comment)
        votes = mitigations_repo.list_votes(session, mitigation_id)
        quorum = settings.config.decision_rights.quorum
        outcome = authorisation_outcome(votes, quorum=quorum)
        if outcome is not None:
            mitigation = mitigations_repo.set_status(
                session, mitigation_id, outcome, actor=who.name, note=comment or "committee vote"
            )
        return AuthorisationView(
            mitigation=mitigation,
            votes=tuple(votes),
            approvals=sum(1 for v in votes if v.approve),
            needed=quorum,
            voter_roles=roles,
        )


def list_for(store: Store, *, finding_id: str | None = None) -> list[Mitigation]:
    """Mitigations, optionally of one finding."""
    with store.session() as session:
        return mitigations_repo.list_mitigations(session, finding_id=finding_id)


def path_to(current: FindingStatus, goal: FindingStatus) -> list[FindingStatus]:
    """The shortest walk along the transition table from `current` to `goal`, avoiding side exits."""
    queue: deque[list[FindingStatus]] = deque([[current]])
    seen = {current}
    while queue:
        walk = queue.popleft()
        if walk[-1] is goal:
            return walk[1:]
        for nxt in sorted(TRANSITIONS[walk[-1]]):
            if nxt not in seen and (nxt not in _DETOURS or nxt is goal):
                seen.add(nxt)
                queue.append([*walk, nxt])
    return []


class VerificationReport(BaseModel):
    """A verification re-run and what it changed."""

    model_config = ConfigDict(frozen=True)

    verification: Verification
    finding: Finding
    release: str
    mitigations: tuple[Mitigation, ...]


def verify(
    store: Store,
    settings: Settings,
    *,
    finding_id: str,
    release: str,
    user: str | None,
    target: Target | None = None,
    scorers: Sequence[Scorer] | None = None,
    threats: Mapping[str, Threat] | None = None,
    alpha: float = ALPHA,
    models: HelperModels | None = None,
    library: SeedLibrary | None = None,
) -> VerificationReport:
    """Re-run the finding's cases and fresh variants of them on `release`, and judge the change.

    (a) The original cases run as the round ran them (same seed, parameters, scorers; a loop case runs
    its loop again, with the attacker and judge of `models`, the workspace's by default). (b) Fresh
    variants (held-out seeds of the threat, paraphrases and converter variants of the failing prompts,
    new random seeds; see `program.register.variants`) run under a new seed derived from the round's. Verified
    needs both parts to pass the test of `judge_verification`, so a fix that only blocks the exact
    failing prompts is not verified. Verified moves the finding to verified and its mitigations with
    it; not verified sends the finding back to in progress; inconclusive (too few cases) changes
    nothing. Every outcome is recorded.
    """
    from redline.attacks.planning import derive_seed
    from redline.attacks.seeds.library import SeedLibrary
    from redline.engine.models import HelperModels
    from redline.program.register.findings import load_threats
    from redline.program.register.rerun import rerun
    from redline.program.register.variants import fresh_variants
    from redline.program.register.verify_cases import has_case, verify_case

    if has_case(store, finding_id):  # raised outside a round: its reproducible case is sent again
        return verify_case(
            store,
            settings,
            finding_id=finding_id,
            release=release,
            user=user,
            target=target,
            scorers=scorers,
            threats=threats,
            alpha=alpha,
            library=library,
        )
    with store.session() as session:
        who = authorize(session, user, FINDING_FIXERS, action="verify findings")
        finding = findings_repo.get_finding(session, finding_id)
        if finding.round_id is None:
            raise UsageError(f"finding {finding_id} was not raised by a round, so it has no cases to re-run")
        new = resolve_release(session, release)
        if new.id == finding.release_id:
            raise UsageError("verify against the release that ships the mitigation, not the one that failed")
        if not mitigations_repo.list_mitigations(session, finding_id=finding_id):
            raise UsageError(f"record the mitigation first: 'redline mitigation add {finding_id} ...'")
        original = rounds_repo.get_round(session, finding.round_id)
        all_cases = rounds_repo.list_cases(session, original.id)
        failing = evidence_repo.failed_case_ids(session, original.id)
        cases = [c for c in all_cases if finding.threat_id in c.threat_ids]
        before = _threat_evidence(session, original.id, finding.threat_id)
        system = next(s.name for s in systems_repo.list_systems(session) if s.id == new.system_id)
        label = release_label(session, new)
    if not cases:
        raise UsageError(f"round {original.id} holds no cases for {finding.threat_id} to re-run")
    helpers = models if models is not None else HelperModels(settings)
    fresh_seed = derive_seed(original.seed, "verification", finding.threat_id, new.id)
    variants = fresh_variants(
        all_cases,
        failing=failing,
        threat_id=finding.threat_id,
        seed=fresh_seed,
        library=library if library is not None else SeedLibrary.load(settings.workspace),
    )
    runs = partial(
        rerun, store, settings, original=original, release=new, system=system, target=target, models=helpers
    )
    result = runs(cases=cases, purpose={"verification": finding_id}, scorers=scorers)
    fresh_round: str | None = None
    if variants.cases:
        fresh_round = runs(
            cases=variants.cases,
            purpose={"verification": finding_id, "part": "fresh variants", "seed": fresh_seed},
            scorers=scorers,
            seed=fresh_seed,
        ).round_id
    catalog = dict(threats) if threats is not None else load_threats(settings)
    threat = catalog.get(finding.threat_id)
    policy = load_policy(settings)
    with store.session() as session:
        after = _threat_evidence(session, result.round_id, finding.threat_id)
        fresh = (
            _threat_evidence(session, fresh_round, finding.threat_id)
            if fresh_round is not None
            else Evidence.from_counts(finding.threat_id, failures=0, n=0)
        )
        judged = judge_for_threat(before, after, fresh=fresh, threat=threat, policy=policy, alpha=alpha)
        stored = mitigations_repo.add_verification(
            session,
            finding_id=finding_id,
            mitigation_id=None,
            release_id=new.id,
            original_round_id=original.id,
            round_id=result.round_id,
            result=judged,
            cases=len(cases),
            actor=who.name,
            fresh_round_id=fresh_round,
            fresh_cases=len(variants.cases),
            variants=variants.counts(),
        )
        for round_id, evidence, source in (
            (result.round_id, after, "verification"),
            (fresh_round, fresh, "verification-variants"),
        ):
            if round_id is None:
                continue
            findings_repo.attach_evidence(
                session,
                finding_id,
                EvidenceRecord(
                    round_id=round_id,
                    release_id=new.id,
                    evidence=evidence,
                    source=source,
                    at=datetime.now(UTC),
                ),
                actor=who.name,
            )
        moved = _apply(session, finding_id, judged.outcome, actor=who.name, note=f"{stored.id} on {label}")
        mitigations = tuple(mitigations_repo.list_mitigations(session, finding_id=finding_id))
    return VerificationReport(verification=stored, finding=moved, release=label, mitigations=mitigations)


def _threat_evidence(session: Session, round_id: str, threat_id: str) -> Evidence:
    for ev in evidence_repo.round_evidence(session, round_id):
        if ev.threat_id == threat_id:
            return ev
    return Evidence.from_counts(threat_id, failures=0, n=0)


def _apply(
    session: Session, finding_id: str, outcome: VerificationOutcome, *, actor: str, note: str
) -> Finding:
    finding = findings_repo.get_finding(session, finding_id)
    if outcome is VerificationOutcome.VERIFIED:
        steps = path_to(finding.status, S.VERIFIED)
        new_status = MitigationStatus.VERIFIED
    elif outcome is VerificationOutcome.NOT_VERIFIED:
        back = {S.MITIGATED: S.IN_PROGRESS, S.VERIFIED: S.REOPENED}
        steps = [back[finding.status]] if finding.status in back else []
        new_status = MitigationStatus.NOT_VERIFIED
    else:
        return finding
    for step in steps:
        finding = findings_repo.move(
            session, finding_id, step, actor=actor, note=f"verification {outcome.value}: {note}"
        )
    follow_finding(session, finding, actor=actor)
    for m in mitigations_repo.list_mitigations(session, finding_id=finding_id):
        if m.status not in (MitigationStatus.ABANDONED, new_status):
            mitigations_repo.set_status(session, m.id, new_status, actor=actor, note=note)
    return finding
