"""Systems under test and their releases (stage 1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity


class System(BaseModel):
    """A product or model that the program red-teams across its releases."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    owner: str | None = None


class Release(BaseModel):
    """One version of a system: model identity, version label and configuration fingerprint."""

    model_config = ConfigDict(frozen=True)

    id: str
    system_id: str
    version: str = Field(description="Release label, e.g. '1.0', '2026-11-rc1'.")
    model: ModelIdentity
    config: dict[str, Any] = Field(
        default_factory=dict, description="Target configuration, secrets excluded."
    )
    config_fingerprint: str = Field(default="", description="SHA-256 of model identity and configuration.")
    created_at: datetime | None = None

    @staticmethod
    def fingerprint(model: ModelIdentity, config: dict[str, Any]) -> str:
        """Hash that changes whenever the model or its configuration changes."""
        return content_hash({"model": model.model_dump(mode="json"), "config": config})
