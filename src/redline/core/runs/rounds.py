"""Rounds and attempts: one run of cases against a release, and each call it made."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.provenance import Provenance
from redline.core.runs.conversation import Conversation, Response


class RoundStatus(StrEnum):
    """Life cycle of a round."""

    PENDING = "pending"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    COMPLETED = "completed"
    STOPPED = "stopped"
    FAILED = "failed"


class Round(BaseModel):
    """One run of a plan's (or an ad-hoc) case set against one release."""

    model_config = ConfigDict(frozen=True)

    id: str
    release_id: str | None = None
    plan_id: str | None = None
    adhoc: bool = Field(default=False, description="Run without an approved plan; marked everywhere.")
    status: RoundStatus = RoundStatus.PENDING
    seed: int = 0
    config: dict[str, Any] = Field(default_factory=dict, description="Configuration snapshot, no secrets.")
    versions: dict[str, str] = Field(default_factory=dict, description="Package versions that ran it.")
    started_at: datetime | None = None
    finished_at: datetime | None = None


class Attempt(BaseModel):
    """One call to the target for one case (one turn of a multi-turn case)."""

    model_config = ConfigDict(frozen=True)

    id: str
    round_id: str
    case_id: str
    turn: int = Field(default=0, ge=0, description="0 for single-turn; the turn index otherwise.")
    request: Conversation
    response: Response
    cached: bool = Field(default=False, description="Answer reused from the response cache.")
    provenance: Provenance | None = None
    created_at: datetime | None = None
