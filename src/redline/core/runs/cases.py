"""Seeds and attack cases: seed x technique x converters (stage 2)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import content_hash
from redline.core.runs.conversation import Conversation


class Seed(BaseModel):
    """A starting prompt or objective, with where it came from."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable id within its seed set.")
    text: str = Field(description="The objective or prompt text.")
    threats: tuple[str, ...] = Field(default=(), description="Catalog threat ids this seed exercises.")
    source: str = Field(default="redline", description="Where the text comes from.")
    licence: str = Field(default="Apache-2.0", description="Licence of the text.")
    metadata: dict[str, Any] = Field(default_factory=dict)


class AttackCase(BaseModel):
    """One concrete probe: a conversation to send, built from a seed by a technique."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Deterministic id: hash of technique, seed, params and conversation.")
    technique: str = Field(description="Registered technique name.")
    converters: tuple[str, ...] = Field(default=(), description="Converter chain applied, in order.")
    seed_id: str
    threat_ids: tuple[str, ...] = Field(default=(), description="Catalog threats this case exercises.")
    conversation: Conversation
    objective: str = Field(default="", description="What the attacker wants; used by scorers and judges.")
    params: dict[str, Any] = Field(default_factory=dict)
    rng_seed: int | None = None
    turns: int = Field(default=1, description="Planned number of user turns (multi-turn strategies).")
    group: str | None = Field(default=None, description="Counterfactual set id, for disparity tests.")
    attributes: dict[str, str] = Field(default_factory=dict, description="Varied attributes in the set.")
    scorers: tuple[str, ...] = Field(
        default=(),
        description="Scorers that judge this case (its playbook step's); empty: all of the round's.",
    )
    scored_from_turn: int = Field(
        default=0,
        ge=0,
        description="The first turn whose answer is scored: the turns before it are a scripted warm-up "
        "(ordinary questions that set the scene), stored but not judged against the objective.",
    )

    @staticmethod
    def make_id(technique: str, seed_id: str, params: dict[str, Any], conversation: Conversation) -> str:
        """The deterministic id of a case."""
        digest = content_hash(
            {"t": technique, "s": seed_id, "p": params, "c": conversation.model_dump(mode="json")}
        )
        return f"case_{digest[:20]}"
