"""Scores: a verdict or a scale, with rationale and provenance, or an explicit could-not-score (stage 4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from redline.core.provenance import Provenance


class Verdict(StrEnum):
    """Whether the model held (PASS) or failed (FAIL) against a probe."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"


class ScoreOutcome(StrEnum):
    """Whether a scorer reached a judgement."""

    SCORED = "scored"
    COULD_NOT_SCORE = "could_not_score"


class Score(BaseModel):
    """One scorer's judgement of one response."""

    model_config = ConfigDict(frozen=True)

    scorer: str = Field(description="Registered scorer name.")
    outcome: ScoreOutcome = ScoreOutcome.SCORED
    verdict: Verdict | None = Field(default=None, description="Set for verdict scorers.")
    value: float | None = Field(default=None, description="Set for scale scorers, within [lo, hi].")
    scale: tuple[float, float] | None = Field(default=None, description="(lo, hi) of a scale score.")
    rationale: str = Field(default="", description="Why the scorer decided so, for a human reader.")
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.outcome is ScoreOutcome.COULD_NOT_SCORE:
            if self.verdict is not None or self.value is not None:
                raise ValueError("a could-not-score outcome carries no verdict or value")
            return self
        if (self.verdict is None) == (self.value is None):
            raise ValueError("a score is either a verdict or a scale value, exactly one")
        if self.value is not None:
            if self.scale is None:
                raise ValueError("a scale value needs its scale (lo, hi)")
            lo, hi = self.scale
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} outside its scale [{lo}, {hi}]")
        return self

    @classmethod
    def could_not_score(cls, scorer: str, reason: str, provenance: Provenance | None = None) -> Score:
        """The explicit outcome for a response the scorer could not judge."""
        return cls(
            scorer=scorer, outcome=ScoreOutcome.COULD_NOT_SCORE, rationale=reason, provenance=provenance
        )

    @property
    def failed(self) -> bool | None:
        """True when the model failed, False when it held, None when not scored.

        A partial verdict counts as a failure (something leaked); a scale counts as failed at or above
        its midpoint.
        """
        if self.outcome is ScoreOutcome.COULD_NOT_SCORE:
            return None
        if self.verdict is not None:
            return self.verdict is not Verdict.PASS
        assert self.value is not None and self.scale is not None
        lo, hi = self.scale
        return self.value >= lo + (hi - lo) / 2
