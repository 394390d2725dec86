"""Verification of findings raised outside rounds: re-send their reproducible case and judge the change.

A finding promoted from the playground, accepted from external intake or filed by monitoring keeps a
reproducible case: the messages to send again, how many samples, and who judges each answer (a scorer
the promoter chose, or reviewers re-checking the promoter's verdict). When it is recorded, the case is
sent to the failing release (its baseline); verification sends it to the release that ships the fix and
judges the two failure rates with the same rule as round verification (`core.register.verification`).
Answers are kept as attempts of ad-hoc rounds whose cases name no threat, so repeated sends of one known
failure never count as release evidence at the gate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from redline import __version__
from redline.config.settings import Settings
from redline.core.analysis.evidence import Evidence
from redline.core.analysis.review import ReviewLabel
from redline.core.catalog.threats import Threat
from redline.core.errors import ConfigError, UsageError
from redline.core.ids import new_id
from redline.core.provenance import Provenance
from redline.core.register.findings import ReproducibleCase
from redline.core.register.mitigations import VerificationOutcome
from redline.core.register.triage import EvidenceRecord
from redline.core.register.verification import ALPHA, VerificationResult, judge_for_threat
from redline.core.runs.cases import AttackCase
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.core.runs.systems import System
from redline.program.aio import run_sync
from redline.program.people.actors import authorize
from redline.program.people.permissions import FINDING_FIXERS
from redline.program.register.decisions import load_policy
from redline.program.register.releases import release_label, target_config_of
from redline.store.repos import finding_cases as cases_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import reviews as reviews_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.systems import resolve_release
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.attacks.seeds.library import SeedLibrary
    from redline.program.register.mitigations import VerificationReport
    from redline.program.register.variants import Variants
    from redline.scorers.base import Scorer
    from redline.targets.base import Target

TECHNIQUE = "case-replay"
"""Technique name of the re-sent cases."""
FRESH_SAMPLES = 1
"""Sends of each fresh variant: the variants are many and differ, so one answer each."""


def has_case(store: Store, finding_id: str) -> bool:
    """Whether the finding is verified from a reproducible case rather than a round's cases."""
    with store.session() as session:
        return cases_repo.find_case(session, finding_id) is not None


def _cases(case: ReproducibleCase) -> list[AttackCase]:
    seed = f"finding:{case.finding_id}"
    return [
        AttackCase(
            id=AttackCase.make_id(TECHNIQUE, f"{seed}:{i}", {}, conversation),
            technique=TECHNIQUE,
            seed_id=f"{seed}:{i}",
            threat_ids=(),  # no threat: repeated sends of one case are no evidence for the gate
            conversation=conversation,
            turns=1,
        )
        for i, conversation in enumerate(case.conversations)
    ]


def _build_scorer(settings: Settings, name: str) -> Scorer:
    from redline.engine.models import HelperModels
    from redline.program.register.rerun import build_scorers

    (scorer,) = build_scorers([name], judge=HelperModels(settings).judge())
    return scorer


def check_scorer(name: str) -> None:
    """Raise `ConfigError` unless `name` is a registered scorer."""
    from redline.config import plugins

    if name not in plugins.names("redline.scorers"):
        raise ConfigError(f"unknown scorer '{name}'; 'redline scorers list' shows them", field="scorer")


async def _send_all(
    target: Target, cases: Sequence[AttackCase], samples: int, round_id: str, purpose: str, *, close: bool
) -> list[Attempt]:
    attempts: list[Attempt] = []
    try:
        for case in cases:
            for sample in range(samples):
                response = await target.send(case.conversation)
                provenance = Provenance(
                    component="case-replay",
                    version=__version__,
                    params={"purpose": purpose, "sample": sample},
                    model=target.identity(),
                ).with_hash_of(
                    {"request": case.conversation.model_dump(mode="json"), "response": response.text}
                )
                attempts.append(
                    Attempt(
                        id=new_id("att"),
                        round_id=round_id,
                        case_id=case.id,
                        turn=sample,
                        request=case.conversation,
                        response=response,
                        provenance=provenance,
                        created_at=datetime.now(UTC),
                    )
                )
    finally:
        if close:
            await target.aclose()
    return attempts


async def sample_case_async(
    store: Store,
    settings: Settings,
    *,
    case: ReproducibleCase,
    release_id: str | None,
    target: Target,
    purpose: str,
    actor: str,
    scorer: Scorer | None = None,
    close: bool = False,
    cases: Sequence[AttackCase] | None = None,
    samples: int | None = None,
) -> str:
    """Send the case `samples` times per conversation to `target` into a new ad-hoc round; the answers
    are scored by the case's scorer, or queued for a reviewer when a person judged the case. With
    `close`, the target is closed afterwards (the caller built it for this). `cases` and `samples`
    replace the case's own conversations and sample count (fresh variants of them)."""
    cases = list(cases) if cases is not None else _cases(case)
    round_id = new_id("rnd")
    sends = samples if samples is not None else case.samples
    attempts = await _send_all(target, cases, sends, round_id, purpose, close=close)
    scores = []
    if case.scorer is not None:
        judge = scorer if scorer is not None else _build_scorer(settings, case.scorer)
        by_id = {c.id: c for c in cases}
        scored = await judge.score_batch([(by_id[a.case_id], a.response) for a in attempts])
        scores = list(zip(attempts, scored, strict=True))
    with store.session() as session:
        rounds_repo.create_round(
            session,
            Round(
                id=round_id,
                release_id=release_id,
                adhoc=True,
                status=RoundStatus.RUNNING,
                config={
                    "mode": "case-replay",
                    "purpose": purpose,
                    "finding": case.finding_id,
                    "system": case.system,
                    "scorers": [case.checker],
                },
                started_at=datetime.now(UTC),
            ),
            actor=actor,
        )
        rounds_repo.add_cases(session, round_id, cases)
        rounds_repo.add_attempts(session, attempts)
        if scores:
            rounds_repo.add_scores(session, scores)
        else:
            reviews_repo.add_items(
                session,
                round_id=round_id,
                scorer=case.checker,
                picks=[("fail", a.id) for a in attempts],
                wanted=1,
                seed=0,
                actor=actor,
            )
        rounds_repo.set_status(session, round_id, RoundStatus.COMPLETED, actor=actor)
    return round_id


def sample_case(
    store: Store,
    settings: Settings,
    *,
    case: ReproducibleCase,
    release_id: str | None,
    target: Target,
    purpose: str,
    actor: str,
    scorer: Scorer | None = None,
    close: bool = False,
    cases: Sequence[AttackCase] | None = None,
    samples: int | None = None,
) -> str:
    """`sample_case_async` from synchronous code, inside a running event loop or not."""
    return run_sync(
        sample_case_async(
            store,
            settings,
            case=case,
            release_id=release_id,
            target=target,
            purpose=purpose,
            actor=actor,
            scorer=scorer,
            close=close,
            cases=cases,
            samples=samples,
        )
    )


def case_evidence(session: Session, case: ReproducibleCase, round_id: str, threat_id: str) -> Evidence | None:
    """The failure rate of a sampled round: from the scorer's verdicts, or from the reviewers' labels
    (each answer by its labels' majority; unsure or tied answers count as could-not-score). None while
    an answer still waits for a reviewer."""
    if case.scorer is not None:
        verdicts = [
            s.failed for _, s in rounds_repo.list_scores(session, round_id) if s.scorer == case.scorer
        ]
        decided = [v for v in verdicts if v is not None]
        return Evidence.from_counts(
            threat_id, failures=sum(decided), n=len(decided), could_not_score=len(verdicts) - len(decided)
        )
    items = reviews_repo.list_items(session, round_id)
    labels: dict[str, Counter[ReviewLabel]] = {i.id: Counter() for i in items}
    for record in reviews_repo.list_labels(session, round_id):
        labels[record.item_id][record.label] += 1
    if any(not found for found in labels.values()):
        return None
    fails = sum(1 for c in labels.values() if c[ReviewLabel.FAIL] > c[ReviewLabel.PASS])
    passes = sum(1 for c in labels.values() if c[ReviewLabel.PASS] > c[ReviewLabel.FAIL])
    return Evidence.from_counts(
        threat_id, failures=fails, n=fails + passes, could_not_score=len(labels) - fails - passes
    )


def record_baseline(
    store: Store,
    settings: Settings,
    *,
    finding_id: str,
    actor: str,
    target: Target | None = None,
    scorer: Scorer | None = None,
    close: bool = False,
) -> ReproducibleCase:
    """Send a just-recorded case to the failing release (the configured system's target, unless
    `target` is given) for its baseline; a target built here, or given with `close`, is closed after."""
    from redline.engine.round import target_from_environment

    with store.session() as session:
        case = cases_repo.find_case(session, finding_id)
        finding = findings_repo.get_finding(session, finding_id)
    if case is None:
        raise UsageError(f"finding {finding_id} has no reproducible case")
    built = target is None
    sent_to = (
        target
        if target is not None
        else target_from_environment(settings.config.system(case.system).target, name=case.system)
    )
    round_id = sample_case(
        store,
        settings,
        case=case,
        release_id=finding.release_id,
        target=sent_to,
        purpose="baseline",
        actor=actor,
        scorer=scorer,
        close=built or close,
    )
    with store.session() as session:
        return cases_repo.set_baseline(session, finding_id, round_id, actor=actor)


def _pending_result(
    before: Evidence | None, after: Evidence | None, threat_id: str, why: str
) -> VerificationResult:
    empty = Evidence.from_counts(threat_id, failures=0, n=0)
    return VerificationResult(
        outcome=VerificationOutcome.PENDING,
        before=before or empty,
        after=after or empty,
        p_value=1.0,
        method="review",
        detail=why,
    )


def _fresh(case: ReproducibleCase, threat_id: str, *, seed: int, library: SeedLibrary) -> Variants:
    """Fresh variants of the case (held-out seeds of the threat, rewordings and converter variants of
    its prompts), naming no threat once built, like the case itself."""
    from redline.program.register.variants import fresh_variants

    tagged = [c.model_copy(update={"threat_ids": (threat_id,)}) for c in _cases(case)]
    made = fresh_variants(
        tagged, failing={c.id for c in tagged}, threat_id=threat_id, seed=seed, library=library
    )
    return replace(made, cases=tuple(c.model_copy(update={"threat_ids": ()}) for c in made.cases))


def _systems(store: Store) -> list[System]:
    with store.session() as session:
        return systems_repo.list_systems(session)


def verify_case(
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
    library: SeedLibrary | None = None,
) -> VerificationReport:
    """Send the finding's case and fresh variants of it to `release`; judge both failure rates
    against the baseline's (VERIFIED needs both, as for round findings: a fix that only blocks the
    recorded prompt is not verified).

    With a scorer the outcome is immediate. When a person judged the case, each answer goes to the
    review queue and the verification stays pending (recorded as such) until a reviewer labelled them
    all (baseline included); running it again then judges. Outcomes move the finding and its
    mitigations exactly as round verification does.
    """
    from redline.attacks.planning import derive_seed
    from redline.attacks.seeds.library import SeedLibrary
    from redline.engine.round import target_from_environment
    from redline.program.register.findings import load_threats
    from redline.program.register.mitigations import VerificationReport, _apply

    with store.session() as session:
        who = authorize(session, user, FINDING_FIXERS, action="verify findings")
        finding = findings_repo.get_finding(session, finding_id)
        case = cases_repo.find_case(session, finding_id)
        if case is None:
            raise UsageError(f"finding {finding_id} has no reproducible case to send again")
        new = resolve_release(session, release)
        if new.id == finding.release_id:
            raise UsageError("verify against the release that ships the mitigation, not the one that failed")
        if not mitigations_repo.list_mitigations(session, finding_id=finding_id):
            raise UsageError(f"record the mitigation first: 'redline mitigation add {finding_id} ...'")
        failing = systems_repo.get_release(session, finding.release_id) if finding.release_id else None
        if case.baseline_round_id is None and failing is None:
            raise UsageError(
                f"finding {finding_id} names no failing release to measure its case on; "
                "record the release with 'redline release add' and promote again"
            )
        label = release_label(session, new)
        system = next(s.name for s in systems_repo.list_systems(session) if s.id == new.system_id)
        waiting = cases_repo.pending_rounds(session, finding_id, new.id)
    scorer = scorers[0] if scorers else None
    if case.baseline_round_id is None and failing is not None:  # not measured on promotion: measure now
        old_system = next(s.name for s in _systems(store) if s.id == failing.system_id)
        case = record_baseline(
            store,
            settings,
            finding_id=finding_id,
            actor=who.name,
            target=target_from_environment(target_config_of(failing), name=old_system),
            scorer=scorer,
            close=True,
        )
    baseline = case.baseline_round_id
    if baseline is None:
        raise UsageError(f"finding {finding_id} has no baseline on the failing release")
    variants = _fresh(
        case,
        finding.threat_id,
        seed=derive_seed(0, "case-verification", finding_id, new.id),
        library=library if library is not None else SeedLibrary.load(settings.workspace),
    )
    if waiting is None:
        sent_to = (
            target if target is not None else target_from_environment(target_config_of(new), name=system)
        )
        purpose = f"verification of {finding_id}"
        original = sample_case(
            store,
            settings,
            case=case,
            release_id=new.id,
            target=sent_to,
            purpose=purpose,
            actor=who.name,
            scorer=scorer,
            close=target is None,
        )
        fresh_round = None
        if variants.cases:  # a target built here serves one event loop: a new one for the variants
            fresh_round = sample_case(
                store,
                settings,
                case=case,
                release_id=new.id,
                target=target
                if target is not None
                else target_from_environment(target_config_of(new), name=system),
                purpose=f"fresh variants, {purpose}",
                actor=who.name,
                scorer=scorer,
                close=target is None,
                cases=variants.cases,
                samples=FRESH_SAMPLES,
            )
        waiting = (original, fresh_round)
    round_id, fresh_round = waiting
    catalog = dict(threats) if threats is not None else load_threats(settings)
    threat = catalog.get(finding.threat_id)
    policy = load_policy(settings)
    with store.session() as session:
        before = case_evidence(session, case, baseline, finding.threat_id)
        after = case_evidence(session, case, round_id, finding.threat_id)
        fresh = case_evidence(session, case, fresh_round, finding.threat_id) if fresh_round else None
        if before is None or after is None or (fresh_round is not None and fresh is None):
            cases_repo.set_pending(session, finding_id, new.id, waiting)
            result = _pending_result(
                before,
                after,
                finding.threat_id,
                f"waiting for reviewers to label the answers of round {round_id}"
                + (f" and of the fresh variants' round {fresh_round}" if fresh_round else "")
                + ("" if before is not None else f" and of the baseline round {baseline}")
                + "; run the verification again once they are labelled",
            )
        else:
            cases_repo.set_pending(session, finding_id, new.id, None)
            result = judge_for_threat(before, after, fresh=fresh, threat=threat, policy=policy, alpha=alpha)
        stored = mitigations_repo.add_verification(
            session,
            finding_id=finding_id,
            mitigation_id=None,
            release_id=new.id,
            original_round_id=baseline,
            round_id=round_id,
            result=result,
            cases=case.sends,
            actor=who.name,
            fresh_round_id=fresh_round,
            fresh_cases=len(variants.cases) * FRESH_SAMPLES if fresh_round else 0,
            variants=variants.counts() if fresh_round else None,
        )
        if after is not None and result.outcome is not VerificationOutcome.PENDING:
            findings_repo.attach_evidence(
                session,
                finding_id,
                EvidenceRecord(
                    round_id=round_id,
                    release_id=new.id,
                    evidence=after,
                    source="verification",
                    at=datetime.now(UTC),
                ),
                actor=who.name,
            )
        moved = _apply(session, finding_id, result.outcome, actor=who.name, note=f"{stored.id} on {label}")
        mitigations = tuple(mitigations_repo.list_mitigations(session, finding_id=finding_id))
    return VerificationReport(verification=stored, finding=moved, release=label, mitigations=mitigations)
