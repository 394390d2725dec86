"""Monitoring after release: score production conversations, compare with the baseline, flag drift."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.core.cases import AttackCase
from redline.core.conversation import Conversation, Message, MessageRole, Response
from redline.core.drift import DriftReport, assess_drift
from redline.core.errors import ConfigError, UsageError
from redline.core.evidence import Evidence
from redline.core.findings import DEFAULT_SAMPLES, CaseSpec
from redline.core.ids import content_hash
from redline.core.proposals import Embed, FindingProposal, assess
from redline.core.scores import Score
from redline.core.signoffs import Escalation
from redline.core.threats import Threat
from redline.core.triage import EvidenceRecord
from redline.core.users import Role
from redline.program.actors import authorize
from redline.program.aio import run_sync
from redline.program.escalations import announce
from redline.program.findings import ProposalAction, file_proposal, load_threats
from redline.program.releases import release_label
from redline.settings import Settings
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import monitoring as monitoring_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.monitoring import MonitoringRun
from redline.store.repos.systems import resolve_release
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.engine.models import HelperModels
    from redline.scorers.base import Scorer

MONITORS = frozenset({Role.LEAD, Role.ENGINEER, Role.ADMIN})
MAX_CASE_CONVERSATIONS = 10
"""Failing production conversations kept as a drift finding's reproducible case."""


class ProductionSample(BaseModel):
    """One production conversation: the messages, the last of which is the assistant's answer."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str | None = Field(default=None, description="Id in the source system.")
    messages: tuple[Message, ...] = Field(min_length=2)
    threats: tuple[str, ...] = Field(default=(), description="Catalog threat ids it was tagged with.")
    at: datetime | None = Field(default=None, description="When the answer was given, where the source says.")
    source: str | None = Field(default=None, description="Name of the source it was read from.")


def read_samples(path: Path) -> list[ProductionSample]:
    """Samples from a JSONL file, one conversation a line; errors name the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    samples: list[ProductionSample] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            sample = ProductionSample.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not JSON: {exc.msg}", file=str(path), line=number) from None
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise ConfigError(err["msg"], file=str(path), line=number, field=field) from None
        if sample.messages[-1].role is not MessageRole.ASSISTANT:
            raise ConfigError("the last message must be the assistant's answer", file=str(path), line=number)
        samples.append(sample)
    if not samples:
        raise UsageError(f"{path} holds no samples")
    return samples


def as_case(sample: ProductionSample) -> tuple[AttackCase, Response]:
    """A production conversation as scorers judge it: the exchange before the answer, and the answer."""
    conversation = Conversation(messages=sample.messages[:-1])
    digest = content_hash(sample.model_dump(mode="json"))[:20]
    case = AttackCase(
        id=f"prod_{digest}",
        technique="production",
        seed_id=sample.id or digest,
        threat_ids=sample.threats,
        conversation=conversation,
    )
    return case, Response(text=sample.messages[-1].content)


async def _score(
    scorers: Sequence[Scorer],
    items: list[tuple[AttackCase, Response]],
    *,
    helpers: HelperModels | None = None,
) -> dict[str, list[Score]]:
    try:
        return {s.name: list(await s.score_batch(items)) for s in scorers}
    finally:
        if helpers is not None:  # the judge model, closed on the loop that used it
            await helpers.aclose()


class MonitorReport(BaseModel):
    """One ingest: the drift checks per scorer and the candidate findings it filed."""

    model_config = ConfigDict(frozen=True)

    release: str
    run: MonitoringRun
    findings: tuple[ProposalAction, ...] = ()
    skipped: tuple[str, ...] = Field(default=(), description="Drifted scorers with no threat to file under.")
    escalations: tuple[Escalation, ...] = ()

    @property
    def drifted(self) -> bool:
        """True when any scorer drifted."""
        return self.run.drifted


async def ingest_async(
    store: Store,
    settings: Settings,
    *,
    path: Path,
    release: str,
    user: str | None,
    scorers: Sequence[Scorer] | None = None,
    scorer_names: Sequence[str] = (),
    threats: Mapping[str, Threat] | None = None,
    embed: Embed | None = None,
    today: date | None = None,
) -> MonitorReport:
    """Score production samples, compare each scorer with the release's baseline, file drift as findings."""
    from redline.engine.models import HelperModels
    from redline.program.rerun import build_scorers

    samples = read_samples(path)
    with store.session() as session:
        who = authorize(session, user, MONITORS, action="ingest production samples")
        rel = resolve_release(session, release)
        system = next(x.name for x in systems_repo.list_systems(session) if x.id == rel.system_id)
        label = release_label(session, rel)
        baseline = evidence_repo.scorer_results(session, evidence_repo.release_rounds(session, rel.id))
    if not baseline:
        raise UsageError(f"{label} has no scored round to compare production with; run a round first")
    models = HelperModels(settings)
    if scorers is None:
        judges = build_scorers(scorer_names or sorted(baseline), judge=models.judge())
    else:
        judges = list(scorers)
    items = [as_case(s) for s in samples]
    scored = await _score(judges, items, helpers=models)
    reports: list[DriftReport] = []
    for name, scores in sorted(scored.items()):
        base = baseline.get(name)
        if base is None:
            continue
        decided = [(i, s) for i, s in enumerate(scores) if s.failed is not None]
        prod = Evidence.from_counts(
            name,
            failures=sum(1 for _, s in decided if s.failed),
            n=len(decided),
            could_not_score=len(scores) - len(decided),
        )
        before = Evidence.from_counts(name, failures=sum(base.failed), n=len(base.failed))
        values = [s.value if s.value is not None else float(bool(s.failed)) for _, s in decided]
        reports.append(
            assess_drift(name, before, prod, baseline_values=base.values, production_values=values)
        )
    catalog = dict(threats) if threats is not None else load_threats(settings)
    actions: list[ProposalAction] = []
    skipped: list[str] = []
    raised: list[Escalation] = []
    with store.session() as session:
        run = monitoring_repo.add_run(
            session,
            release_id=rel.id,
            source=path.name,
            samples=len(samples),
            reports=reports,
            actor=who.name,
        )
        for report in (r for r in reports if r.drifted and r.worse):
            failing = [items[i] for i, s in enumerate(scored[report.subject]) if s.failed]
            tags = (
                Counter(t for case, _ in failing for t in case.threat_ids) or baseline[report.subject].threats
            )
            threat = next((catalog[t] for t, _ in tags.most_common() if t in catalog), None)
            if threat is None:
                skipped.append(report.subject)
                continue
            prop = _proposal(
                report, threat, settings, [case.conversation.last_user_text for case, _ in failing]
            )
            record = EvidenceRecord(
                round_id=run.id,
                release_id=rel.id,
                evidence=report.production,
                source="monitoring",
                at=datetime.now(UTC),
            )
            conversations = tuple(dict.fromkeys(case.conversation for case, _ in failing))[
                :MAX_CASE_CONVERSATIONS
            ]
            case = CaseSpec(
                conversations=conversations,
                scorer=report.subject,
                samples=max(2, DEFAULT_SAMPLES * 2 // len(conversations)),
                system=system,
            )
            action, esc = file_proposal(
                session,
                settings,
                prop,
                record,
                embed=embed,
                opened_on=today or datetime.now(UTC).date(),
                case=case,
            )
            actions.append(action)
            raised += [esc] if esc else []
    announce(store, settings, raised)
    return MonitorReport(
        release=label, run=run, findings=tuple(actions), skipped=tuple(skipped), escalations=tuple(raised)
    )


def ingest(
    store: Store,
    settings: Settings,
    *,
    path: Path,
    release: str,
    user: str | None,
    scorers: Sequence[Scorer] | None = None,
    scorer_names: Sequence[str] = (),
    threats: Mapping[str, Threat] | None = None,
    embed: Embed | None = None,
    today: date | None = None,
) -> MonitorReport:
    """`ingest_async` from synchronous code (the CLI), inside a running event loop or not."""
    return run_sync(
        ingest_async(
            store,
            settings,
            path=path,
            release=release,
            user=user,
            scorers=scorers,
            scorer_names=scorer_names,
            threats=threats,
            embed=embed,
            today=today,
        )
    )


def _proposal(report: DriftReport, threat: Threat, settings: Settings, texts: list[str]) -> FindingProposal:
    prod, base = report.production, report.baseline
    likelihood, impact, risk = assess(
        prod, threat, reach=settings.config.reach, matrix=settings.config.risk_matrix
    )
    fired = ", ".join(c.statistic for c in report.checks if c.drifted)
    return FindingProposal(
        threat_id=threat.id,
        title=f"{threat.title}: production drift on {report.subject}",
        reason=f"production {prod.describe()} against {base.describe()} before release ({fired})",
        evidence=prod,
        likelihood=likelihood,
        impact=impact,
        risk=risk,
        exemplars=tuple(dict.fromkeys(t for t in texts if t))[:20],
    )
