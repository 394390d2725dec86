"""Moved to tests.world (the governance primitives); kept until the last importers move."""

from tests.world import (
    CANARY,
    PROMPTS,
    THREATS,
    CanaryScorer,
    Outcome,
    answer,
    cases,
    fixed_model,
    leaky_model,
    n,
    people,
    release,
    stored_round,
)

__all__ = [
    "CANARY",
    "PROMPTS",
    "THREATS",
    "CanaryScorer",
    "Outcome",
    "answer",
    "cases",
    "fixed_model",
    "leaky_model",
    "n",
    "people",
    "release",
    "stored_round",
]
