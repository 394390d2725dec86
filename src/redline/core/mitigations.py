"""Mitigations: what is done about a finding, and whether re-running the evidence shows it works."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class MitigationType(StrEnum):
    """The kind of change a mitigation makes."""

    DATA = "data"
    TRAINING = "training"
    SYSTEM_PROMPT = "system_prompt"
    GUARDRAIL = "guardrail"
    UI_CHANGE = "ui_change"
    FEATURE_FLAG = "feature_flag"
    STAGED_ROLLOUT = "staged_rollout"
    MONITORING = "monitoring"
    POLICY = "policy"


class MitigationStatus(StrEnum):
    """Where a mitigation stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    ABANDONED = "abandoned"


class VerificationOutcome(StrEnum):
    """Result of re-running a finding's evidence against a new release."""

    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    INCONCLUSIVE = "inconclusive"


class Mitigation(BaseModel):
    """A change made to reduce a finding's risk."""

    model_config = ConfigDict(frozen=True)

    id: str
    finding_id: str
    type: MitigationType
    description: str
    owner: str | None = None
    status: MitigationStatus = MitigationStatus.PLANNED
