"""Likelihood x impact = risk level, on a configurable 5x5 matrix (stage 6)."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Likelihood(IntEnum):
    """How likely the harm is to occur in use, 1 (rare) to 5 (almost certain)."""

    RARE = 1
    UNLIKELY = 2
    POSSIBLE = 3
    LIKELY = 4
    ALMOST_CERTAIN = 5


class Impact(IntEnum):
    """How bad the harm is when it occurs, 1 (negligible) to 5 (severe)."""

    NEGLIGIBLE = 1
    MINOR = 2
    MODERATE = 3
    MAJOR = 4
    SEVERE = 5


class RiskLevel(StrEnum):
    """The level a finding is classified at; drives SLAs and the release gate."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for LOW up to 3 for CRITICAL, for comparisons."""
        return list(RiskLevel).index(self)


class RiskMatrix(BaseModel):
    """Upper bounds of likelihood x impact for each level; CRITICAL is everything above `high_max`.

    Defaults: Low 1-4, Medium 5-9, High 10-16, Critical 20-25.
    """

    model_config = ConfigDict(frozen=True)

    low_max: int = Field(default=4, ge=1, le=25)
    medium_max: int = Field(default=9, ge=1, le=25)
    high_max: int = Field(default=16, ge=1, le=25)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low_max < self.medium_max < self.high_max:
            raise ValueError("thresholds must increase: low_max < medium_max < high_max")
        return self

    def level(self, likelihood: Likelihood, impact: Impact) -> RiskLevel:
        """The risk level of one cell."""
        product = int(likelihood) * int(impact)
        if product <= self.low_max:
            return RiskLevel.LOW
        if product <= self.medium_max:
            return RiskLevel.MEDIUM
        if product <= self.high_max:
            return RiskLevel.HIGH
        return RiskLevel.CRITICAL

    def grid(self) -> list[list[RiskLevel]]:
        """The matrix as rows of likelihood (5 down to 1) by impact (1 to 5), for rendering."""
        return [[self.level(lk, im) for im in Impact] for lk in sorted(Likelihood, reverse=True)]


DEFAULT_MATRIX = RiskMatrix()


def risk_of(likelihood: Likelihood, impact: Impact, *, matrix: RiskMatrix = DEFAULT_MATRIX) -> RiskLevel:
    """The risk level of a likelihood and an impact."""
    return matrix.level(likelihood, impact)
