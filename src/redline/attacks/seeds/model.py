"""The seed-set file format: one YAML file per set, with its source, licence and threat ids."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from redline.core.runs.cases import Seed

SET_NAME = r"^[a-z0-9][a-z0-9._-]*$"


class SeedKind(StrEnum):
    """What the texts of a set are; techniques check it before using a set."""

    OBJECTIVE = "objective"
    PROMPT = "prompt"
    QUESTION = "question"
    DECISION_TEMPLATE = "decision-template"
    STEREOTYPE_ITEM = "stereotype-item"
    DOCUMENT = "document"
    SYSTEM_PROMPT = "system-prompt"
    DIALOGUE = "dialogue"


class SeedItem(BaseModel):
    """One entry of a seed set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", description="Stable id within the set.")
    text: str = Field(min_length=1, description="The objective, prompt, template or document text.")
    threats: tuple[str, ...] = Field(default=(), description="Threat ids; the set's ids when empty.")
    category: str | None = Field(default=None, description="Harm category or domain of this item.")
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Kind-specific fields: answer, premise, slots, canary, ..."
    )


class SeedSet(BaseModel):
    """A named list of seeds with the provenance every seed inherits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=SET_NAME, description="Set name used by playbooks and the CLI.")
    title: str = Field(description="One line a reader understands.")
    description: str = Field(default="", description="What the set is for and how it was written.")
    kind: SeedKind = Field(description="What the texts are.")
    source: str = Field(description="Who wrote the texts, or the public dataset they were imported from.")
    licence: str = Field(description="Licence of the texts (SPDX id where one exists).")
    citation: str | None = Field(default=None, description="Paper or page to cite for an imported set.")
    threats: tuple[str, ...] = Field(default=(), description="Catalog threats the set exercises.")
    imported_from: str | None = Field(default=None, description="File or package path it was read from.")
    imported_sha256: str | None = Field(default=None, description="SHA-256 of the file it was read from.")
    seeds: tuple[SeedItem, ...] = Field(description="The entries, in a stable order.")

    @model_validator(mode="after")
    def _unique_ids(self) -> SeedSet:
        seen: set[str] = set()
        for item in self.seeds:
            if item.id in seen:
                raise ValueError(f"seed id '{item.id}' appears twice in set '{self.name}'")
            seen.add(item.id)
        return self

    def to_seeds(self) -> list[Seed]:
        """The entries as core `Seed`s, ids qualified by the set name, provenance inherited."""
        out: list[Seed] = []
        for item in self.seeds:
            meta = dict(item.metadata)
            meta.setdefault("set", self.name)
            meta.setdefault("kind", self.kind.value)
            if item.category is not None:
                meta.setdefault("category", item.category)
            out.append(
                Seed(
                    id=f"{self.name}/{item.id}",
                    text=item.text,
                    threats=item.threats or self.threats,
                    source=self.source,
                    licence=self.licence,
                    metadata=meta,
                )
            )
        return out

    def summary(self) -> dict[str, Any]:
        """The set without its seeds, with a count: what `seeds list` prints."""
        data = self.model_dump(mode="json", exclude={"seeds"})
        data["count"] = len(self.seeds)
        return data
