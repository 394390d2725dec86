"""Report sections with structure of their own: heat map, coverage, trends, transcripts, method appendix."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.comparison import Change
from redline.core.audit import AuditCheckpoint
from redline.core.people.perspectives import DEFAULT_MIN_GROUP_SIZE, PerspectiveCoverage
from redline.core.register.heatmap import RiskCell
from redline.core.register.risk import RiskLevel
from redline.core.runs.conversation import MessageRole
from redline.core.runs.timeline import ActionTimeline


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HeatMap(_Frozen):
    """Open findings on the 5x5 matrix (`core.register.heatmap`): rows likelihood 5 down to 1, columns
    impact 1-5."""

    rows: tuple[tuple[RiskCell, ...], ...] = Field(description="Five rows of five cells.")
    thresholds: dict[str, int] = Field(description="Upper bounds of likelihood x impact per level.")


class SeverityCount(_Frozen):
    """How many findings sit at one risk level."""

    level: RiskLevel = Field(description="Risk level.")
    total: int = Field(ge=0, description="Findings at this level (duplicates left out).")
    open: int = Field(ge=0, description="Of those, still open.")


class CategoryCoverage(_Frozen):
    """Catalog coverage of one harm category."""

    category: str = Field(description="Harm category.")
    threats: int = Field(ge=0, description="Active catalog threats in the category.")
    tested: int = Field(ge=0, description="Of those, threats with at least one scored case.")


class Coverage(_Frozen):
    """Which catalog threats the evidence covers."""

    catalog_threats: int = Field(ge=0, description="Active threats in the catalog in force.")
    tested: int = Field(ge=0, description="Catalog threats with at least one scored case.")
    categories: tuple[CategoryCoverage, ...] = Field(description="Coverage per harm category.")
    untested: tuple[str, ...] = Field(default=(), description="Active catalog threats with no evidence.")
    outside_catalog: tuple[str, ...] = Field(
        default=(), description="Threat ids with evidence that the catalog in force does not hold."
    )
    standards: dict[str, int] = Field(
        default_factory=dict, description="Standard key -> entries touched by tested threats."
    )


class PerspectiveSection(_Frozen):
    """Perspectives the reported plans' threats call for, covered or not by their testers: aggregate only."""

    plans: tuple[str, ...] = Field(default=(), description="Plans of the reported rounds.")
    perspectives: tuple[PerspectiveCoverage, ...] = Field(default=(), description="Each called-for one.")
    gaps: tuple[str, ...] = Field(default=(), description="Labels of the perspectives no tester covers.")
    testers: int = Field(default=0, ge=0, description="Testers assigned to those plans.")
    declared: int | None = Field(
        default=None, description="Testers who declared any perspective; absent when fewer than k."
    )
    min_group_size: int = Field(default=DEFAULT_MIN_GROUP_SIZE, ge=1, description="k for counts.")
    withheld: bool = Field(
        default=False, description="Fewer than k testers: no coverage derived from declarations is shown."
    )


class TrendPoint(_Frozen):
    """A release's overall failure rate across every scored case, with its interval."""

    release: str = Field(description="Release label.")
    release_id: str = Field(description="Release id.")
    created_at: datetime | None = Field(default=None, description="When the release was recorded.")
    failures: int = Field(ge=0, description="Failed cases over every threat.")
    n: int = Field(ge=0, description="Scored cases over every threat.")
    rate: float = Field(ge=0, le=1, description="failures / n.")
    low: float = Field(ge=0, le=1, description="Lower end of the 95% interval.")
    high: float = Field(ge=0, le=1, description="Upper end of the 95% interval.")
    current: bool = Field(default=False, description="The release this report is about.")


class ThreatTrend(_Frozen):
    """One threat's rate in each release and how it moved from the previous one."""

    threat_id: str = Field(description="Catalog threat id.")
    cells: tuple[str, ...] = Field(
        description="Per release (same order as points): 'failures/n (rate; 95% CI low-high)', or ''."
    )
    change: Change = Field(description="Movement between the last two releases that tested it.")
    p_value: float | None = Field(default=None, description="p-value of the two-proportion test.")


class TrendSeries(_Frozen):
    """Failure rates across the releases of the system under test, oldest first."""

    points: tuple[TrendPoint, ...] = Field(default=(), description="One point per release with evidence.")
    threats: tuple[ThreatTrend, ...] = Field(default=(), description="Per-threat rates across releases.")


class TranscriptMessage(_Frozen):
    """One message sent to the target."""

    role: MessageRole = Field(description="Who speaks.")
    content: str = Field(description="Text of the message (escaped when rendered).")


class ScoreLine(_Frozen):
    """One scorer's judgement of a response."""

    scorer: str = Field(description="Scorer name.")
    result: str = Field(description="pass, fail, partial, a scale value, or could_not_score.")
    failed: bool | None = Field(default=None, description="True when the model failed.")
    rationale: str = Field(default="", description="Why the scorer decided so.")


class ReportTranscript(_Frozen):
    """One exchange kept as evidence; flagged text is collapsed behind a content warning."""

    case_id: str = Field(description="Attack case id.")
    attempt_id: str = Field(description="Attempt id.")
    round_id: str = Field(description="Round id.")
    technique: str = Field(description="Technique that built the case.")
    threat_ids: tuple[str, ...] = Field(description="Threats the case exercises.")
    turn: int = Field(ge=0, description="Turn of a multi-turn case.")
    messages: tuple[TranscriptMessage, ...] = Field(description="What was sent.")
    response: str = Field(description="What the target answered (escaped when rendered).")
    error: str | None = Field(default=None, description="Error kind when the target gave no answer.")
    scores: tuple[ScoreLine, ...] = Field(default=(), description="Judgements of the response.")
    failed: bool | None = Field(default=None, description="True when any scorer said the model failed.")
    flagged: bool = Field(description="May hold harmful text: shown collapsed behind a warning.")
    collapsed: bool = Field(description="Render the exchange collapsed until a reader expands it.")
    actions: ActionTimeline | None = Field(
        default=None, description="The exchange's tool calls as a timeline (agentic targets)."
    )


class AgentActions(_Frozen):
    """What an agent did in one exchange, for external readers: tool names and verdicts, values masked."""

    case_id: str = Field(description="Attack case id.")
    attempt_id: str = Field(description="Attempt id.")
    technique: str = Field(description="Technique that built the case.")
    threat_ids: tuple[str, ...] = Field(description="Threats the case exercises.")
    verdicts: tuple[ScoreLine, ...] = Field(default=(), description="Judgements (rationales left out).")
    failed: bool | None = Field(default=None, description="True when any scorer said the model failed.")
    timeline: ActionTimeline = Field(description="Steps with arguments and outcomes masked.")


class RoundMethod(_Frozen):
    """What a reviewer needs to replay one round."""

    round_id: str = Field(description="Round id.")
    adhoc: bool = Field(description="Ad-hoc round.")
    seed: int = Field(description="Round seed.")
    config: dict[str, Any] = Field(default_factory=dict, description="Configuration snapshot, no secrets.")
    config_sha256: str = Field(description="SHA-256 of the full configuration snapshot.")
    warnings: tuple[str, ...] = Field(
        default=(), description="What could not be built for the round (a scorer, a playbook step)."
    )
    versions: dict[str, str] = Field(default_factory=dict, description="Package versions that ran it.")
    techniques: tuple[str, ...] = Field(default=(), description="Techniques that built its cases.")
    scorers: dict[str, str] = Field(default_factory=dict, description="Scorer name -> version.")
    cases_sha256: str = Field(description="SHA-256 of the ordered list of case ids and bodies.")
    responses_sha256: str = Field(description="SHA-256 of every attempt's request and response.")
    scores_sha256: str = Field(description="SHA-256 of every score.")
    replay: str = Field(description="Commands that replay the round's numbers.")


class MethodAppendix(_Frozen):
    """Configuration, seeds, versions and hashes: enough to replay every number in the report."""

    rounds: tuple[RoundMethod, ...] = Field(description="One entry per round.")
    model: dict[str, Any] = Field(default_factory=dict, description="Model identity of the release.")
    release_fingerprint: str = Field(default="", description="SHA-256 of model identity and configuration.")
    catalog_sha256: str = Field(description="SHA-256 of the catalog in force.")
    catalog_threats: int = Field(ge=0, description="Threats in the catalog in force.")
    risk_matrix: dict[str, int] = Field(description="Risk-matrix thresholds.")
    policy: dict[str, Any] = Field(default_factory=dict, description="Release policy applied.")
    interval: str = Field(description="How the 95% intervals are computed.")
    audit_events: int = Field(ge=0, description="Events in the audit log when the report was made.")
    audit_head: str = Field(default="", description="Hash at the head of the audit chain.")
    audit_checkpoint: AuditCheckpoint | None = Field(
        default=None, description="The newest signed checkpoint of the chain (`redline audit checkpoint`)."
    )
    database: str = Field(description="Store backend: sqlite or postgresql.")
