"""Provenance: what made a record, so a reviewer can make it again."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import content_hash


class ModelIdentity(BaseModel):
    """Which model answered: enough to tell two releases apart and to find the weights again."""

    model_config = ConfigDict(frozen=True)

    provider: str = Field(description="Adapter or provider kind, e.g. 'openai-compat', 'gguf', 'hf'.")
    name: str = Field(description="Model name as the provider knows it.")
    version: str | None = Field(default=None, description="Model version or release label.")
    weights_sha256: str | None = Field(default=None, description="SHA-256 of the weights file, if local.")


class Provenance(BaseModel):
    """The component, version, parameters, seed and model that produced a record, and its hash."""

    model_config = ConfigDict(frozen=True)

    component: str = Field(description="Registered name of the component (technique, scorer, adapter).")
    version: str = Field(description="Version of the package that provides the component.")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters the component ran with.")
    seed: int | None = Field(default=None, description="Seed of every random choice the component made.")
    model: ModelIdentity | None = Field(default=None, description="Model involved, if any.")
    content_hash: str = Field(default="", description="SHA-256 of the record's content.")

    def with_hash_of(self, content: Any) -> Provenance:
        """A copy whose `content_hash` is the hash of `content`."""
        return self.model_copy(update={"content_hash": content_hash(content)})
