"""Release decisions: go, conditional go or no-go, with every reason (stage 7)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class GateOutcome(StrEnum):
    """The release decision."""

    GO = "go"
    CONDITIONAL_GO = "conditional_go"
    NO_GO = "no_go"


class GateReason(BaseModel):
    """One criterion of the policy and whether it held."""

    model_config = ConfigDict(frozen=True)

    criterion: str
    passed: bool
    detail: str


class Decision(BaseModel):
    """A gate decision for one release, with its reasons and sign-offs."""

    model_config = ConfigDict(frozen=True)

    id: str
    release_id: str
    outcome: GateOutcome
    reasons: tuple[GateReason, ...] = ()
    conditions: tuple[str, ...] = Field(default=(), description="Conditions of a conditional go.")
    signed_by: tuple[str, ...] = ()
    created_at: datetime | None = None
