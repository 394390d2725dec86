"""The report model: one pydantic record that every renderer reads, and whose JSON Schema is published."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.review import RoundJudge
from redline.core.register.findings import FindingStatus
from redline.core.register.lessons import LessonsDigest
from redline.core.register.mitigations import MitigationStatus, MitigationType, VerificationOutcome
from redline.core.register.policy import GateOutcome, GateReason
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.runs.rounds import RoundStatus
from redline.engine.analyses import RoundAnalyses
from redline.reports.sections import (
    AgentActions,
    Coverage,
    HeatMap,
    MethodAppendix,
    PerspectiveSection,
    ReportTranscript,
    SeverityCount,
    TrendSeries,
)

SCHEMA_VERSION = "1.0"


def redline_version() -> str:
    """The installed Redline version (read from package metadata: `redline` itself sits above the layers)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("redline")
    except PackageNotFoundError:
        return "unknown"


class Audience(StrEnum):
    """Who a report is for, which decides what it may show."""

    INTERNAL = "internal"
    COMMITTEE = "committee"
    EXTERNAL = "external"


class ReportFormat(StrEnum):
    """The file formats a report can be written in."""

    HTML = "html"
    MD = "md"
    PDF = "pdf"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"

    @property
    def suffix(self) -> str:
        """File name suffix for this format."""
        return {"md": ".md", "sarif": ".sarif", "junit": ".xml"}.get(self.value, f".{self.value}")


class Frozen(BaseModel):
    """Base of every report record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Scope(Frozen):
    """What the report covers: the system, the release and the rounds whose evidence it uses."""

    program: str = Field(description="Name of the red-teaming program (the workspace).")
    system: str | None = Field(default=None, description="System under test.")
    system_description: str = Field(default="", description="What the system is, in its owners' words.")
    release: str | None = Field(default=None, description="Release label of the system under test.")
    release_id: str | None = Field(default=None, description="Release id in the store.")
    model: str = Field(default="", description="Model identity: provider, name and version.")
    round_ids: tuple[str, ...] = Field(description="Rounds whose evidence the report uses, newest first.")
    selection: str = Field(description="How the rounds were chosen: 'round', 'latest' or 'release'.")


class RoundSummary(Frozen):
    """One round the report draws on."""

    id: str = Field(description="Round id.")
    adhoc: bool = Field(description="Run without an approved plan; its evidence is marked as ad hoc.")
    plan_id: str | None = Field(default=None, description="Approved plan the round ran, if any.")
    status: RoundStatus = Field(description="Life-cycle status of the round.")
    seed: int = Field(description="Seed of every random choice the round made.")
    started_at: datetime | None = Field(default=None, description="When the round started.")
    finished_at: datetime | None = Field(default=None, description="When the round finished.")
    cases: int = Field(ge=0, description="Attack cases the round planned.")
    attempts: dict[str, int] = Field(
        default_factory=dict, description="Calls to the target by outcome: 'ok' or the error kind."
    )
    judges: tuple[RoundJudge, ...] = Field(
        default=(), description="Judge scorers of the round and their calibration (none: uncalibrated)."
    )


class ThreatRate(Frozen):
    """How often the model failed against one threat, with n and the 95% interval."""

    threat_id: str = Field(description="Catalog threat id.")
    title: str = Field(description="Catalog title of the threat.")
    harm_category: str = Field(description="Harm area of the threat.")
    failures: int = Field(ge=0, description="Scored cases where the model failed.")
    n: int = Field(ge=0, description="Scored cases (could-not-score and errors excluded).")
    rate: float = Field(ge=0, le=1, description="failures / n; 0 when n is 0.")
    low: float = Field(ge=0, le=1, description="Lower end of the 95% interval.")
    high: float = Field(ge=0, le=1, description="Upper end of the 95% interval.")
    method: str = Field(description="Interval method: wilson, or clopper-pearson when no failure was seen.")
    could_not_score: int = Field(ge=0, description="Cases no scorer could judge.")
    errors: int = Field(ge=0, description="Cases that got no answer.")
    limit: float | None = Field(default=None, description="Highest allowed upper bound under the policy.")
    above_limit: bool = Field(default=False, description="The upper bound exceeds the policy limit.")
    round_id: str = Field(description="Round the evidence comes from.")
    adhoc: bool = Field(description="The evidence comes from an ad-hoc round.")
    corrected_rate: float | None = Field(
        default=None,
        description="Rate corrected for the scorers' error measured by a human review of the round, else "
        "by the scoring judge's calibration (Rogan-Gladen); None without either, or when it cannot be "
        "estimated.",
    )
    corrected_low: float | None = Field(
        default=None, description="Lower end of the corrected rate's 95% interval."
    )
    corrected_high: float | None = Field(
        default=None, description="Upper end of the corrected rate's 95% interval."
    )
    reviewed: int = Field(
        default=0, ge=0, description="Reviewed attempts with a reviewers' majority behind it."
    )
    corrected_by: str | None = Field(
        default=None,
        description="What measured the error behind the corrected rate: 'review' (the round's human "
        "review) or 'calibration' (the calibration of the judge that scored the round, with no review).",
    )
    corrected_calibration: str | None = Field(
        default=None,
        description="The judge calibration used (by 'calibration') or passed over for the review.",
    )
    judges: tuple[str, ...] = Field(
        default=(),
        description="Judge scorers of the rate's round, each with its calibration (kappa and n) or "
        "'uncalibrated judge'.",
    )


class FindingEntry(Frozen):
    """A finding as the report shows it."""

    id: str = Field(description="Finding id.")
    title: str = Field(description="Short title.")
    threat_id: str = Field(description="Catalog threat the finding is about.")
    status: FindingStatus = Field(description="Where the finding stands in triage.")
    likelihood: Likelihood = Field(description="Likelihood, 1 (rare) to 5 (almost certain).")
    impact: Impact = Field(description="Impact, 1 (negligible) to 5 (severe).")
    risk: RiskLevel = Field(description="Risk level from the likelihood x impact matrix.")
    is_open: bool = Field(description="The finding still needs work.")
    owner: str | None = Field(default=None, description="Who owns the fix (a role in external reports).")
    effort: str | None = Field(default=None, description="Effort estimate.")
    due: str | None = Field(default=None, description="Due date (ISO).")
    description: str = Field(default="", description="What was found.")
    round_id: str | None = Field(default=None, description="Round whose evidence raised it.")
    mitigation_ids: tuple[str, ...] = Field(default=(), description="Mitigations linked to the finding.")


class PostMortemEntry(Frozen):
    """A finding's post-mortem as internal and committee reports show it (never external ones)."""

    finding_id: str = Field(description="The finding it is about.")
    title: str = Field(description="Title of the finding.")
    root_cause: str = Field(description="Root-cause category, or 'unclassified'.")
    root_cause_label: str = Field(description="The category in words.")
    what_failed: str = Field(description="What failed.")
    why: str = Field(description="Why it failed and why the process let it through.")
    changes: tuple[str, ...] = Field(default=(), description="Process changes decided.")
    owner: str = Field(default="", description="Who owns the process changes.")
    held_on: date | None = Field(default=None, description="When it was held (else written).")
    author: str = Field(default="", description="Who wrote it.")


class MitigationEntry(Frozen):
    """A mitigation linked to a finding."""

    id: str = Field(description="Mitigation id.")
    finding_id: str = Field(description="The finding it addresses.")
    type: MitigationType = Field(description="Kind of change.")
    description: str = Field(description="What is changed.")
    owner: str | None = Field(default=None, description="Who ships it (a role in external reports).")
    status: MitigationStatus = Field(description="Where the mitigation stands.")


class VerificationEntry(Frozen):
    """A verification re-run of a finding: (a) its original cases and (b) fresh variants of them."""

    id: str = Field(description="Verification id.")
    finding_id: str = Field(description="The finding verified.")
    release: str = Field(description="Release version the fix shipped in.")
    outcome: VerificationOutcome = Field(description="Verified only when both parts are.")
    before: str = Field(description="The original evidence (failures/n and rate).")
    original_outcome: VerificationOutcome = Field(description="(a) The original cases re-run.")
    original_round_id: str = Field(description="Round of the original cases re-run.")
    original_cases: int = Field(description="Original cases re-run.")
    original_after: str = Field(description="Their evidence on the new release.")
    fresh_outcome: VerificationOutcome | None = Field(default=None, description="(b) The fresh variants.")
    fresh_round_id: str | None = Field(default=None, description="Round of the fresh variants.")
    fresh_cases: int = Field(default=0, description="Fresh variants run.")
    fresh_after: str | None = Field(default=None, description="Their evidence on the new release.")
    variants: dict[str, int] = Field(default_factory=dict, description="Fresh variants by kind.")


class SignoffEntry(Frozen):
    """One committee member's vote on the release."""

    signer: str = Field(description="Who voted (a role in external reports).")
    vote: str = Field(description="go or no-go.")
    comment: str = Field(default="", description="Why, in the signer's words.")
    at: datetime | None = Field(default=None, description="When the vote was given.")
    current: bool = Field(description="The vote was given on the evidence this report shows.")


class ConditionEntry(Frozen):
    """One condition of a conditional go and whether it holds when the report is made."""

    text: str = Field(description="The condition in words.")
    kind: str = Field(description="rollout_share, feature_flag, monitoring or manual.")
    owner: str = Field(default="", description="Who sees to it.")
    state: str = Field(description="holds, pending or broken.")
    detail: str = Field(default="", description="What was reported, in plain words.")


class DecisionEntry(Frozen):
    """The release decision: recorded and signed, or a preview of what the policy says."""

    recorded: bool = Field(description="True for a recorded decision, False for an unsigned gate preview.")
    outcome: GateOutcome = Field(description="go, conditional_go or no_go.")
    policy: str = Field(default="", description="Name of the release policy applied.")
    reasons: tuple[GateReason, ...] = Field(
        default=(), description="Every gate criterion and whether it held."
    )
    conditions: tuple[str, ...] = Field(default=(), description="Conditions of a conditional go.")
    signed_by: tuple[str, ...] = Field(default=(), description="Signers (roles in external reports).")
    decided_at: datetime | None = Field(default=None, description="When the decision was recorded.")
    decision_id: str | None = Field(default=None, description="Recorded decision id.")
    signoffs: tuple[SignoffEntry, ...] = Field(default=(), description="Committee votes on the release.")
    stale: bool = Field(
        default=False,
        description="A finding above the policy's threshold opened after the recorded decision.",
    )
    revisit: str = Field(
        default="", description="Why the recorded decision no longer holds (internal and committee reports)."
    )
    checklist: tuple[ConditionEntry, ...] = Field(
        default=(),
        description="The conditional go's conditions and whether each holds (internal, committee).",
    )


class ExecutiveSummary(Frozen):
    """The plain-language summary a committee member reads first."""

    decision: str = Field(description="The release decision in one or two sentences.")
    tested: str = Field(description="What was tested, in plain words.")
    found: str = Field(description="What was found, in plain words.")
    doing: str = Field(description="What is being done about it.")
    adhoc_note: str = Field(default="", description="Warning when evidence comes from ad-hoc rounds.")


class Exposure(Frozen):
    """What one reader's copy carries of the flagged and playground exchanges, and what it withholds."""

    reader: str = Field(description="Who the copy was made for ('' for an unnamed command-line reader).")
    flagged_included: int = Field(ge=0, description="Flagged exchanges in this copy (each one consented to).")
    flagged_withheld: int = Field(ge=0, description="Flagged exchanges left out: no consent to them.")
    playground_withheld: int = Field(
        ge=0, description="Exchanges of playground conversations the reader may not read, left out."
    )
    note: str = Field(default="", description="What was withheld and how to see it, in plain words.")


class ReportModel(Frozen):
    """Everything a report says, assembled once from the store; every renderer reads this record."""

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this report schema.")
    generated_at: datetime = Field(description="When the report was assembled (UTC).")
    generator: str = Field(description="Redline version that assembled the report.")
    audience: Audience = Field(description="Who the report is for; decides what it shows.")
    scope: Scope = Field(description="What the report covers.")
    summary: ExecutiveSummary = Field(description="Plain-language executive summary.")
    decision: DecisionEntry = Field(description="Release decision or gate preview.")
    rounds: tuple[RoundSummary, ...] = Field(description="Rounds the evidence comes from.")
    rates: tuple[ThreatRate, ...] = Field(description="Failure rate per threat, highest upper bound first.")
    heatmap: HeatMap = Field(description="Open findings on the 5x5 likelihood x impact matrix.")
    severity: tuple[SeverityCount, ...] = Field(description="Findings per risk level.")
    coverage: Coverage = Field(description="Which catalog threats have evidence.")
    perspectives: PerspectiveSection = Field(
        default_factory=PerspectiveSection,
        description="Perspectives the plans' threats call for and whether testers cover them (aggregate).",
    )
    trends: TrendSeries = Field(description="Failure rates across the system's releases.")
    analyses: tuple[RoundAnalyses, ...] = Field(
        default=(),
        description="Per round: rates per technique, converter and configuration; disparity; calibration.",
    )
    findings: tuple[FindingEntry, ...] = Field(description="Findings in scope, highest risk first.")
    mitigations: tuple[MitigationEntry, ...] = Field(description="Mitigations of the findings in scope.")
    verifications: tuple[VerificationEntry, ...] = Field(
        default=(), description="Verification re-runs of the findings in scope, both parts each."
    )
    transcripts: tuple[ReportTranscript, ...] = Field(
        default=(), description="Example exchanges (never in external reports)."
    )
    agent_actions: tuple[AgentActions, ...] = Field(
        default=(),
        description="External reports only: example tool calls, names and verdicts, values masked.",
    )
    postmortems: tuple[PostMortemEntry, ...] = Field(
        default=(), description="Post-mortems of the findings in scope (never in external reports)."
    )
    lessons: LessonsDigest | None = Field(
        default=None,
        description="Lessons digest of the release in scope: findings closed, post-mortems by root cause, "
        "process changes, recurring causes (never in external reports; None without a release).",
    )
    method: MethodAppendix = Field(description="Configuration, seeds, versions and hashes to replay.")
    limitations: tuple[str, ...] = Field(default=(), description="What the evidence cannot show.")
    exposure: Exposure | None = Field(
        default=None,
        description="Flagged exchanges a reader's copy carries and withholds (None: made for no reader).",
    )

    @property
    def any_adhoc(self) -> bool:
        """True when some evidence comes from an ad-hoc round."""
        return any(r.adhoc for r in self.rounds)


def report_json_schema() -> dict[str, Any]:
    """The published JSON Schema of a JSON report (docs/report-schema.json)."""
    schema = ReportModel.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
