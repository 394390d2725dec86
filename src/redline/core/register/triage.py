"""Triage rules: due dates from per-level SLAs, links to what is at fault, and the post-mortem record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.evidence import Evidence
from redline.core.register.findings import Finding
from redline.core.register.risk import RiskLevel


class SlaPolicy(BaseModel):
    """Days from opening a finding to its due date, per risk level (redline.yaml: triage.sla_days).

    Defaults follow common disclosure practice: a week for critical issues (Project Zero's deadline for
    issues exploited in the wild), a month for high, a quarter for medium, half a year for low.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    critical: int = Field(default=7, ge=1, description="Days to mitigate a critical finding.")
    high: int = Field(default=30, ge=1, description="Days to mitigate a high finding.")
    medium: int = Field(default=90, ge=1, description="Days to mitigate a medium finding.")
    low: int = Field(default=180, ge=1, description="Days to mitigate a low finding.")

    def days_for(self, level: RiskLevel) -> int:
        """The SLA in days for one risk level."""
        days: int = getattr(self, level.value)
        return days

    def due_for(self, level: RiskLevel, *, opened: date) -> date:
        """The due date of a finding of `level` opened on `opened`."""
        return opened + timedelta(days=self.days_for(level))


class LinkKind(StrEnum):
    """What a finding's link points at."""

    DESIGN_CHOICE = "design_choice"
    COMPONENT = "component"
    ISSUE = "issue"
    DOCUMENT = "document"


class FindingLink(BaseModel):
    """A pointer from a finding to the design choice, component or ticket at fault."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LinkKind
    ref: str = Field(min_length=1, description="Name, path or URL of what is at fault.")
    note: str = Field(default="", description="Why it is at fault.")


class RootCause(StrEnum):
    """Why a failure got through, in a few categories the lessons digest groups post-mortems by."""

    DATA = "data"
    SYSTEM_DESIGN = "system_design"
    MODEL_BEHAVIOUR = "model_behaviour"
    MISSING_TEST = "missing_test"
    PROCESS = "process"
    TOOLING = "tooling"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The category in words."""
        return ROOT_CAUSE_LABELS[self]


ROOT_CAUSE_LABELS: dict[RootCause, str] = {
    RootCause.DATA: "data (training, seed or evaluation data)",
    RootCause.SYSTEM_DESIGN: "prompt or system design",
    RootCause.MODEL_BEHAVIOUR: "model behaviour",
    RootCause.MISSING_TEST: "missing test (no probe or scorer covered it)",
    RootCause.PROCESS: "process (review, sign-off, hand-over)",
    RootCause.TOOLING: "tooling (scorer, harness or pipeline fault)",
    RootCause.OTHER: "other",
}
UNCLASSIFIED = "unclassified"
"""How a post-mortem recorded without a root cause (before categories existed) is grouped."""


class PostMortem(BaseModel):
    """What failed, why the process let it through (a root-cause category and free text), what changed in
    the process so it does not happen again, who owns that change and when the post-mortem was held."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    what_happened: str = Field(min_length=1, description="What failed, as a reader outside the team sees it.")
    why_missed: str = Field(min_length=1, description="Why it failed and why the process let it through.")
    root_cause: RootCause | None = Field(
        default=None, description="Root-cause category (None: recorded before categories, unclassified)."
    )
    changes: tuple[str, ...] = Field(default=(), description="Process changes decided in response.")
    owner: str = Field(default="", description="Who owns the process changes.")
    held_on: date | None = Field(default=None, description="When the post-mortem was held.")
    author: str = Field(default="", description="Who wrote it.")
    at: datetime | None = None

    @property
    def cause(self) -> str:
        """The root-cause category's value, or 'unclassified'."""
        return self.root_cause.value if self.root_cause is not None else UNCLASSIFIED

    @property
    def day(self) -> date | None:
        """The day the post-mortem is dated: when it was held, else when it was written."""
        return self.held_on or (self.at.date() if self.at is not None else None)


class EvidenceRecord(BaseModel):
    """Evidence attached to a finding: which round measured what, and the cases that failed."""

    model_config = ConfigDict(frozen=True)

    round_id: str = Field(description="Round, or monitoring run, that measured it.")
    release_id: str | None = None
    evidence: Evidence
    failing_cases: tuple[str, ...] = Field(default=(), description="Ids of the cases that failed.")
    source: str = Field(default="round", description="'round', 'verification' or 'monitoring'.")
    at: datetime | None = None


class Note(BaseModel):
    """A comment or status change on a finding."""

    model_config = ConfigDict(frozen=True)

    author: str
    kind: str = Field(description="'comment' or 'status'.")
    text: str
    at: datetime | None = None


class FindingDossier(BaseModel):
    """Everything the register holds about one finding: evidence, links, post-mortem and notes."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    reason: str = Field(default="", description="The rule that proposed it, with the numbers.")
    evidence: tuple[EvidenceRecord, ...] = ()
    exemplars: tuple[str, ...] = Field(default=(), description="Texts of failing cases, for matching.")
    links: tuple[FindingLink, ...] = ()
    postmortem: PostMortem | None = None
    notes: tuple[Note, ...] = ()
