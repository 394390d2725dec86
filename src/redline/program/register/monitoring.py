"""Monitoring after release: read production exchanges, compare a current window with a production
baseline window, and file drift and new failure modes as findings with DRIFT escalations."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.analysis.drift import (
    DriftReport,
    NovelCluster,
    Outcome,
    Windows,
    assess_windows,
    novel_clusters,
    production_windows,
)
from redline.core.analysis.evidence import Evidence
from redline.core.catalog.threats import Threat
from redline.core.errors import ConfigError, UsageError
from redline.core.ids import content_hash, new_id
from redline.core.register.findings import DEFAULT_SAMPLES, OPEN_STATUSES, CaseSpec
from redline.core.register.proposals import FindingProposal, assess
from redline.core.register.signoffs import Escalation, EscalationKind
from redline.core.register.triage import EvidenceRecord
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Message, Response
from redline.core.runs.systems import Release
from redline.program.aio import run_sync
from redline.program.people.actors import authorize
from redline.program.people.permissions import MONITORS
from redline.program.register.escalations import announce, escalate
from redline.program.register.findings import ProposalAction, file_proposal, load_threats
from redline.program.register.releases import release_label
from redline.scorers.masking import Masker
from redline.store.repos import findings as findings_repo
from redline.store.repos import monitoring as monitoring_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.monitoring import MonitoringRun
from redline.store.repos.systems import resolve_release
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.program.channels.monitor_sources import ExchangeSource, SourceBatch
    from redline.scorers.base import Scorer

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


# ---------------------------------------------------------------------------------------------------
# `redline monitor run`: production sources -> sample -> mask -> score -> store -> windows -> drift.

DRIFT_THREAT = "robustness.deployment-drift"
"""Catalog threat a drift is filed under when its scorer names none in the catalog, and new failure modes."""
MAX_BASELINE_VECTORS = 5000
"""Baseline answer embeddings a run compares with (the oldest of the baseline window)."""
EXAMPLES_PER_CLUSTER = 3
EXAMPLE_CHARS = 300


class SourceRead(BaseModel):
    """What one run read from one source."""

    model_config = ConfigDict(frozen=True)

    name: str
    read: int = Field(description="Exchanges read after the stored cursor.")
    sampled: int = Field(description="Of them, scored.")
    skipped: tuple[str, ...] = Field(default=(), description="Records the source could not read.")


class ClusterReport(BaseModel):
    """A new failure mode: current answers close to each other and unlike every baseline answer."""

    model_config = ConfigDict(frozen=True)

    size: int
    distance: float = Field(description="Mean cosine distance to the nearest baseline answer.")
    examples: tuple[str, ...] = Field(description="Masked answers from the cluster.")
    finding_id: str | None = None


class MonitorRunReport(BaseModel):
    """One `monitor run`: sources read, drift per scorer, new failure modes, findings and escalations."""

    model_config = ConfigDict(frozen=True)

    release: str
    run: MonitoringRun
    sources: tuple[SourceRead, ...]
    windows: Windows
    reports: tuple[DriftReport, ...]
    clusters: tuple[ClusterReport, ...] = ()
    findings: tuple[ProposalAction, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")

    @property
    def drifted(self) -> bool:
        """True when any scorer drifted or a new failure mode was found."""
        return any(r.drifted for r in self.reports) or bool(self.clusters)


class FileSource:
    """A JSONL file read once, whole (`monitor ingest FILE`), in the shapes a `jsonl` source reads;
    its cursor is never stored. A file with no exchange in it is an error naming it."""

    one_shot = True

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ConfigError("file not found", file=str(path))
        self.path = path
        self.name = f"file:{path.name}"

    def read(self, cursor: str | None, *, limit: int | None = None) -> SourceBatch:
        """Every exchange of the file; lines that cannot be read are listed in `skipped`."""
        from redline.program.channels.monitor_sources import JsonlSource

        batch = JsonlSource(self.name, self.path, pattern="*").read(None, limit=limit)
        if not batch.samples:
            why = f": {batch.skipped[0]}" if batch.skipped else ""
            raise UsageError(f"{self.path} holds no exchange{why}")
        return batch


@dataclass
class _Exchange:
    sample: ProductionSample
    masked: ProductionSample
    source: str
    at: datetime
    rank: float
    scores: dict[str, list[float | None]] = field(default_factory=dict)
    vector: bytes | None = None


def _rank(seed: int, source: str, sample: ProductionSample) -> float:
    """A uniform number in [0, 1) fixed by the seed and the exchange: the same sample every time."""
    key = sample.id or "\x1f".join(m.content for m in sample.messages)
    raw = f"{seed}\x1e{source}\x1e{key}\x1e{sample.at.isoformat() if sample.at else ''}".encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big") / 2.0**64


def _mask(sample: ProductionSample, *, ner: bool) -> ProductionSample:
    masker = Masker(ner=ner)  # one conversation is one document: the same value keeps its label
    messages = tuple(m.model_copy(update={"content": masker.text(m.content)}) for m in sample.messages)
    return sample.model_copy(update={"messages": messages})


def _release(session: Session, ref: str | None) -> Release:
    if ref:
        return resolve_release(session, ref)
    releases = systems_repo.list_releases(session)
    if not releases:
        raise UsageError("no release to monitor: register one, or name it (--release / monitoring.release)")
    return releases[-1]


def _pick_sources(
    settings: Settings, names: Sequence[str], given: Sequence[ExchangeSource] | None
) -> list[ExchangeSource]:
    if given is not None:
        found = list(given)
    else:
        from redline.program.channels.monitor_sources import build_sources

        found = build_sources(settings)
    if not found:
        raise UsageError("no production sources: add them under 'monitoring.sources' in redline.yaml")
    if not names:
        return found
    by_name = {s.name: s for s in found}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(
            f"no monitoring source named '{unknown[0]}' (configured: {', '.join(sorted(by_name))})"
        )
    return [by_name[n] for n in names]


def _outcomes(rows: Iterable[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Outcome]]:
    out: dict[str, list[Outcome]] = {n: [] for n in names}
    for scores in rows:
        for name in names:
            got = scores.get(name)
            if got is not None:
                failed, value = got
                out[name].append((None if failed is None else bool(failed), value))
    return out


async def run_monitor_async(
    store: Store,
    settings: Settings,
    *,
    release: str | None = None,
    user: str | None,
    sources: Sequence[str] = (),
    now: datetime | None = None,
    scorers: Sequence[Scorer] | None = None,
    exchange_sources: Sequence[ExchangeSource] | None = None,
    scorer_names: Sequence[str] = (),
    threats: Mapping[str, Threat] | None = None,
    embed: Callable[[Sequence[str]], Any] | None = None,
    today: date | None = None,
) -> MonitorRunReport:
    """Read each source from its stored cursor, sample, mask, score, store, and judge drift.

    The run's exchanges, its record, the findings and escalations it opens and every source's new
    cursor are written in ONE transaction: a run that fails anywhere leaves nothing behind, and the
    next run reads the same exchanges again (none lost, none counted twice). Scorers see the raw texts
    in memory only; every text that is stored (examples, exemplars, reproducible cases) is masked.
    `embed` maps masked answers to unit vectors (default: the bundled MiniLM model).
    """
    from redline.engine.models import HelperModels
    from redline.program.register.rerun import build_scorers

    cfg = settings.config.monitoring
    now = now or datetime.now(UTC)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        timings[stage] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()

    with store.session() as session:
        actor = authorize(session, user, MONITORS, action="run monitoring").name if user else settings.actor
        rel = _release(session, release or cfg.release)
        label = release_label(session, rel)
        chosen = _pick_sources(settings, sources, exchange_sources)
        cursors = {s.name: monitoring_repo.get_cursor(session, s.name) for s in chosen}
    catalog = dict(threats) if threats is not None else load_threats(settings)
    unknown = sorted(t for t in cfg.threats.values() if t not in catalog)
    if unknown:
        raise ConfigError(f"monitoring.threats names '{unknown[0]}', which the catalog does not hold")
    batches = {s.name: s.read(cursors[s.name]) for s in chosen}
    lap("read")

    # sample: a seeded rank per exchange; keep those under the rate, at most max_samples_per_run
    ranked = [
        (_rank(cfg.seed, name, sample), name, sample)
        for name, batch in batches.items()
        for sample in batch.samples
    ]
    kept = sorted((r for r in ranked if r[0] < cfg.sample_rate), key=lambda r: r[0])[
        : cfg.max_samples_per_run
    ]
    exchanges = [
        _Exchange(
            sample=sample,
            masked=_mask(sample, ner=cfg.mask_names),
            source=name,
            at=monitoring_repo.utc(sample.at) if sample.at else now,
            rank=rank,
        )
        for rank, name, sample in kept
    ]
    lap("sample+mask")

    models = HelperModels(settings)
    if scorers is None:
        wanted = tuple(scorer_names) or cfg.scorers
        judge = models.judge() if any(n.startswith("judge.") for n in wanted) else None
        judges = build_scorers(wanted, judge=judge)
    else:
        judges = list(scorers)
    names = [s.name for s in judges]
    items = [as_case(x.sample) for x in exchanges]
    try:
        for scorer in judges:
            results = await scorer.score_batch(items)
            for x, score in zip(exchanges, results, strict=True):
                x.scores[scorer.name] = [None if score.failed is None else float(score.failed), score.value]
            lap(f"score {scorer.name}")
    finally:
        await models.aclose()  # the judge model, closed on the loop that used it

    # the windows, from the earliest exchange stored or read now; embed current answers first, and
    # baseline answers while the baseline holds fewer than MAX_BASELINE_VECTORS embeddings
    pinned = (cfg.baseline_from, cfg.baseline_to) if cfg.baseline_from and cfg.baseline_to else None
    with store.session() as session:
        earliest = min((x.at for x in exchanges), default=None)
        seen = [t for t in (monitoring_repo.first_seen(session, rel.id), earliest) if t is not None]
        windows = production_windows(
            first_seen=min(seen) if seen else None,
            now=now,
            baseline_days=cfg.baseline_days,
            window_days=cfg.window_days,
            pinned=pinned,
        )
        room = 0
        if windows.baseline is not None:
            room = MAX_BASELINE_VECTORS - monitoring_repo.count_vectors(session, rel.id, windows.baseline)
    by_rank = sorted(exchanges, key=lambda x: x.rank)
    to_embed = [x for x in by_rank if windows.current and windows.current.holds(x.at)][: cfg.embed_per_run]
    if windows.baseline is not None:
        base_budget = max(0, min(cfg.embed_per_run, room))
        to_embed += [x for x in by_rank if windows.baseline.holds(x.at)][:base_budget]
    if to_embed:
        encode = embed or _bundled_encoder()
        vectors = np.asarray(encode([x.masked.messages[-1].content for x in to_embed]), dtype=np.float32)
        for x, vec in zip(to_embed, vectors, strict=True):
            x.vector = vec.astype(np.float16).tobytes()
    lap("embed")

    run_id = new_id("mon")
    actions: list[ProposalAction] = []
    raised: list[Escalation] = []
    notes: list[str] = []
    with store.session() as session:
        monitoring_repo.add_exchanges(
            session,
            [
                {
                    "run_id": run_id,
                    "release_id": rel.id,
                    "source": x.source,
                    "at": x.at,
                    "scores": x.scores,
                    "vector": x.vector,
                }
                for x in exchanges
            ],
        )
        lap("store")
        reports: list[DriftReport] = []
        clusters: list[NovelCluster] = []
        current_x: list[_Exchange] = []
        if windows.baseline is None or windows.current is None:
            notes.append(f"drift not judged: {windows.note}")
        else:
            base = _outcomes(monitoring_repo.window_scores(session, rel.id, windows.baseline), names)
            cur = _outcomes(monitoring_repo.window_scores(session, rel.id, windows.current), names)
            reports = [
                assess_windows(
                    name,
                    base[name],
                    cur[name],
                    min_samples=cfg.min_samples,
                    psi_threshold=cfg.psi_threshold,
                    ks_alpha=cfg.ks_alpha,
                    ks_min_distance=cfg.ks_min_distance,
                )
                for name in names
            ]
            current_x = [x for x in to_embed if windows.current.holds(x.at) and x.vector is not None]
            stored = monitoring_repo.window_vectors(
                session, rel.id, windows.baseline, limit=MAX_BASELINE_VECTORS
            )
            if current_x and stored:
                clusters = novel_clusters(
                    np.stack([np.frombuffer(x.vector or b"", dtype=np.float16) for x in current_x]),
                    np.stack([np.frombuffer(v, dtype=np.float16) for v in stored]),
                    distance=cfg.novelty_distance,
                    min_size=cfg.min_cluster_size,
                )
            elif current_x:
                notes.append("new failure modes not looked for: no baseline answer was embedded")
        lap("windows+drift")
        record = partial(
            EvidenceRecord, round_id=run_id, release_id=rel.id, source="monitoring", at=datetime.now(UTC)
        )
        opened_on = today or now.date()
        system = next(x.name for x in systems_repo.list_systems(session) if x.id == rel.system_id)
        fresh = windows.current is not None and any(windows.current.holds(x.at) for x in exchanges)
        drifts = [r for r in reports if r.drifted and r.worse]
        if drifts and not fresh:  # nothing new to show for it: the open finding already has this evidence
            notes.append("no new exchange in the current window: drift reported, nothing filed")
            drifts = []
        for report in drifts:
            threat = _threat_for(report.subject, judges, catalog, chosen=cfg.threats)
            if threat is None:
                notes.append(f"drift on {report.subject} has no catalog threat to file under")
                continue
            failing = [x for x in exchanges if x.scores.get(report.subject, [None])[0] == 1.0]
            failing = [x for x in failing if windows.current and windows.current.holds(x.at)] or failing
            prop = _proposal(report, threat, settings, [x.masked.messages[-1].content for x in failing])
            action, escs = _file_drift(
                session,
                settings,
                prop,
                record(evidence=report.production),
                case=_case(failing, report.subject, system),
                opened_on=opened_on,
                key=f"scorer:{report.subject}",
                actor=actor,
                summary=f"production drift on {report.subject} for {label}: {report.production.describe()} "
                f"against {report.baseline.describe()} in the baseline window",
            )
            actions.append(action)
            raised += escs
        finding_id = None
        threat = catalog.get(DRIFT_THREAT)
        if clusters and threat is None:
            notes.append(f"new failure modes were found but the catalog has no {DRIFT_THREAT} to file under")
        elif clusters and threat is not None:  # one proposal for all of this run's clusters
            members = [current_x[i] for c in clusters for i in c.members]
            prop = _cluster_proposal(
                clusters, len(current_x), threat, settings, [x.masked.messages[-1].content for x in members]
            )
            action, escs = _file_drift(
                session,
                settings,
                prop,
                record(evidence=prop.evidence),
                case=_case(members, None, system),
                opened_on=opened_on,
                key="new-failure-mode",
                actor=actor,
                summary=f"new failure modes in production for {label}: {prop.reason}",
            )
            actions.append(action)
            raised += escs
            finding_id = action.finding.id
        cluster_reports = [
            ClusterReport(
                size=c.size,
                distance=c.distance,
                examples=tuple(
                    current_x[i].masked.messages[-1].content[:EXAMPLE_CHARS]
                    for i in c.members[:EXAMPLES_PER_CLUSTER]
                ),
                finding_id=finding_id,
            )
            for c in clusters
        ]
        reads = tuple(
            SourceRead(
                name=name,
                read=len(batch.samples),
                sampled=sum(1 for x in exchanges if x.source == name),
                skipped=batch.skipped,
            )
            for name, batch in batches.items()
        )
        lap("findings")
        details = {
            "sources": [r.model_dump(mode="json") for r in reads],
            "windows": windows.model_dump(mode="json"),
            "clusters": [c.model_dump(mode="json") for c in cluster_reports],
            "findings": [{"id": a.finding.id, "action": a.action, "title": a.finding.title} for a in actions],
            "escalations": [e.id for e in raised],
            "notes": notes,
            "timings": timings,
        }
        run = monitoring_repo.add_run(
            session,
            release_id=rel.id,
            source=", ".join(batches),
            samples=len(exchanges),
            reports=reports,
            actor=actor,
            details=details,
            run_id=run_id,
        )
        for source in chosen:
            if not getattr(source, "one_shot", False):
                monitoring_repo.save_cursor(session, source.name, batches[source.name].cursor, run_id=run_id)
    lap("commit")
    announce(store, settings, raised)
    return MonitorRunReport(
        release=label,
        run=run,
        sources=reads,
        windows=windows,
        reports=tuple(reports),
        clusters=tuple(cluster_reports),
        findings=tuple(actions),
        escalations=tuple(raised),
        notes=tuple(notes),
        timings=timings,
    )


def run_monitor(
    store: Store,
    settings: Settings,
    *,
    release: str | None = None,
    user: str | None,
    sources: Sequence[str] = (),
    now: datetime | None = None,
    scorers: Sequence[Scorer] | None = None,
    exchange_sources: Sequence[ExchangeSource] | None = None,
    scorer_names: Sequence[str] = (),
    threats: Mapping[str, Threat] | None = None,
    embed: Callable[[Sequence[str]], Any] | None = None,
    today: date | None = None,
) -> MonitorRunReport:
    """`run_monitor_async` from synchronous code (the CLI, the scheduler)."""
    return run_sync(
        run_monitor_async(
            store,
            settings,
            release=release,
            user=user,
            sources=sources,
            now=now,
            scorers=scorers,
            exchange_sources=exchange_sources,
            scorer_names=scorer_names,
            threats=threats,
            embed=embed,
            today=today,
        )
    )


def _bundled_encoder() -> Callable[[Sequence[str]], Any]:
    from redline.scorers.embeddings import shared_embedder

    model = shared_embedder()

    def encode(texts: Sequence[str]) -> Any:
        return model.encode(list(texts))

    return encode


def _threat_for(
    scorer: str, judges: Sequence[Scorer], catalog: Mapping[str, Threat], *, chosen: Mapping[str, str]
) -> Threat | None:
    """The threat `monitoring.threats` names for the scorer, else the first catalog threat the scorer
    declares, else the deployment-drift threat."""
    if scorer in chosen:  # checked against the catalog before the run read anything
        return catalog[chosen[scorer]]
    declared = next((tuple(getattr(s, "threats", ())) for s in judges if s.name == scorer), ())
    return next((catalog[t] for t in (*declared, DRIFT_THREAT) if t in catalog), None)


def _case(exchanges: Sequence[_Exchange], scorer: str | None, system: str) -> CaseSpec | None:
    conversations = tuple(dict.fromkeys(Conversation(messages=x.masked.messages[:-1]) for x in exchanges))[
        :MAX_CASE_CONVERSATIONS
    ]
    if not conversations:
        return None
    return CaseSpec(
        conversations=conversations,
        scorer=scorer,
        samples=max(2, DEFAULT_SAMPLES * 2 // len(conversations)),
        system=system,
    )


def _cluster_proposal(
    clusters: Sequence[NovelCluster], embedded: int, threat: Threat, settings: Settings, texts: list[str]
) -> FindingProposal:
    novel = sum(c.size for c in clusters)
    evidence = Evidence.from_counts(threat.id, failures=novel, n=embedded)
    likelihood, impact, risk = assess(
        evidence, threat, reach=settings.config.reach, matrix=settings.config.risk_matrix
    )
    sizes = ", ".join(str(c.size) for c in clusters)
    return FindingProposal(
        threat_id=threat.id,
        title=f"{threat.title}: new failure mode in production",
        reason=f"{novel} of {embedded} current answers embedded fall in {len(clusters)} cluster(s) "
        f"({sizes}) unlike every baseline answer (cosine distance to the nearest above "
        f"{settings.config.monitoring.novelty_distance})",
        evidence=evidence,
        likelihood=likelihood,
        impact=impact,
        risk=risk,
        exemplars=tuple(dict.fromkeys(t for t in texts if t))[:20],
    )


def _file_drift(
    session: Session,
    settings: Settings,
    prop: FindingProposal,
    record: EvidenceRecord,
    *,
    case: CaseSpec | None,
    opened_on: date,
    key: str,
    actor: str,
    summary: str,
) -> tuple[ProposalAction, list[Escalation]]:
    """File a drift through the single door, unless the same drift already has an open finding.

    The same drift is the same release and the same subject (`key`: a scorer, or new failure modes):
    while the finding opened for it is open, later runs attach their evidence to it and open nothing
    new and raise nothing. Otherwise the proposal goes through `file_proposal` (it may open a finding,
    or attach to or reopen a matching one) and a DRIFT escalation about that finding is raised unless
    one is open already.
    """
    raised: list[Escalation] = []
    same = next(
        (
            f
            for f in findings_repo.list_findings(
                session, release_id=record.release_id, statuses=OPEN_STATUSES, threat_id=prop.threat_id
            )
            if f.title == prop.title
        ),
        None,
    )
    if same is not None:  # the drift goes on: evidence for the finding already open, nothing raised
        finding = findings_repo.attach_evidence(
            session, same.id, record, actor=actor, exemplars=prop.exemplars
        )
        return ProposalAction(action="attached", finding=finding, proposal=prop), raised
    action, critical = file_proposal(session, settings, prop, record, opened_on=opened_on, case=case)
    raised += [critical] if critical else []
    esc = escalate(
        session,
        kind=EscalationKind.DRIFT,
        subject=action.finding.id,
        summary=summary,
        release_id=record.release_id,
        actor=actor,
        details={"drift": key, "monitoring_run": record.round_id, "threat_id": prop.threat_id},
    )
    raised += [esc] if esc else []
    return action, raised


class RunView(BaseModel):
    """A stored monitoring run as the web page shows it, with its release's label."""

    model_config = ConfigDict(frozen=True)

    run: MonitoringRun
    release: str
    clusters: tuple[ClusterReport, ...] = ()
    findings: tuple[dict[str, str], ...] = Field(default=(), description="Id, action and title of each.")
    escalations: tuple[Escalation, ...] = ()
    notes: tuple[str, ...] = ()


def monitoring_runs(store: Store, *, limit: int = 20, run_id: str | None = None) -> list[RunView]:
    """The newest monitoring runs (or the one asked for), with their checks, clusters, findings and
    escalations."""
    from redline.store.repos import decisions as decisions_repo

    with store.session() as session:
        runs = (
            [monitoring_repo.get_run(session, run_id)]
            if run_id
            else monitoring_repo.list_runs(session, limit=limit)
        )
        labels = {}
        for rel_id in {r.release_id for r in runs}:
            labels[rel_id] = release_label(session, resolve_release(session, rel_id))
        escalations = {e.id: e for e in decisions_repo.list_escalations(session)}
    return [
        RunView(
            run=r,
            release=labels[r.release_id],
            clusters=tuple(ClusterReport.model_validate(c) for c in r.details.get("clusters", [])),
            findings=tuple(r.details.get("findings", [])),
            escalations=tuple(escalations[e] for e in r.details.get("escalations", []) if e in escalations),
            notes=tuple(r.details.get("notes", [])),
        )
        for r in runs
    ]
