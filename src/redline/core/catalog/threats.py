"""Threats and playbooks: what can go wrong, and how testers look for it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.register.mitigations import ExpectedMitigation
from redline.core.register.risk import Impact


class ThreatStatus(StrEnum):
    """Life cycle of a catalog entry."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class StandardRef(BaseModel):
    """A mapping of a threat to an entry of a public standard."""

    model_config = ConfigDict(frozen=True)

    standard: str = Field(description="Standard key, e.g. 'owasp-llm-2025', 'mitre-atlas', 'nist-ai-600-1'.")
    id: str = Field(description="Entry id within the standard, e.g. 'LLM01:2025', 'AML.T0051'.")
    name: str = Field(default="", description="Entry name, for readers.")


class Threat(BaseModel):
    """One entry of the threat catalog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", description="Stable id, e.g. 'injection.direct'.")
    aliases: tuple[str, ...] = Field(
        default=(), description="Other ids that resolve to this threat (former ids after a rename)."
    )
    title: str
    description: str
    harm_category: str = Field(description="Harm area, e.g. 'security', 'discrimination', 'privacy'.")
    affected_groups: tuple[str, ...] = Field(default=(), description="Who is hurt when this happens.")
    default_severity: Impact = Field(default=Impact.MODERATE, description="Impact when it occurs (1-5).")
    likelihood_notes: str = ""
    regulatory_concerns: tuple[str, ...] = ()
    owner: str | None = None
    review_by: date | None = Field(default=None, description="Date by which the entry must be reviewed.")
    status: ThreatStatus = ThreatStatus.ACTIVE
    zero_tolerance: bool = Field(default=False, description="Any confirmed hit is a finding.")
    max_failure_rate: float | None = Field(
        default=None, ge=0, le=1, description="Upper-interval failure rate above which a finding is proposed."
    )
    mappings: tuple[StandardRef, ...] = Field(default=(), description="Public standards it maps to.")
    expected_mitigations: tuple[ExpectedMitigation, ...] = Field(
        default=(), description="Mitigations a finding of this threat is expected to propose."
    )

    @property
    def critical(self) -> bool:
        """Severe by default or zero-tolerance: plans that touch it need a critical-plan approver."""
        return self.default_severity is Impact.SEVERE or self.zero_tolerance


class AutomatedStep(BaseModel):
    """Techniques x seeds x scorers x sample size, run by the engine."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    technique: str
    seeds: str = Field(description="Seed set name.")
    scorers: tuple[str, ...] = ()
    converters: tuple[str, ...] = ()
    sample_size: int = Field(default=20, ge=1)
    params: dict[str, object] = Field(default_factory=dict)
    attacker: str | None = Field(
        default=None,
        description="System that plays the attacker model in this step (default: the workspace's).",
    )
    needs_tools: bool | None = Field(
        default=None,
        description="Run only against a target offered tools (the agentic steps of the default scan).",
    )


class ManualStep(BaseModel):
    """An instruction for a human tester and what to record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instruction: str
    record: tuple[str, ...] = ("hypothesis", "method", "observation")


class Playbook(BaseModel):
    """A procedure testers follow the same way every round."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    objective: str
    threats: tuple[str, ...]
    automated: tuple[AutomatedStep, ...] = ()
    manual: tuple[ManualStep, ...] = ()
    stop_conditions: tuple[str, ...] = ()
    expected_evidence: tuple[str, ...] = ()
    guidance: str = Field(default="", description="Guidance for testers, shown before the manual steps.")
    content_warnings: tuple[str, ...] = Field(
        default=(),
        description="Short warnings of what testers may see (e.g. 'self-harm'), shown before the guidance.",
    )
