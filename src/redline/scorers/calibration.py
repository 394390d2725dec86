"""Calibration of a target: confidence from token log-probabilities, correctness from a score."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.calibration import (
    CalibrationReport,
    ConfidenceMethod,
    calibration_report,
    confidence_from_logprobs,
)
from redline.core.runs.conversation import Response
from redline.core.runs.scores import Score


class TargetCalibration(BaseModel):
    """A calibration report with the responses that could not take part."""

    model_config = ConfigDict(frozen=True)

    report: CalibrationReport | None = Field(description="None when no response had both parts.")
    method: ConfidenceMethod
    without_logprobs: int = Field(description="Responses whose target gave no log-probabilities.")
    could_not_score: int = Field(description="Responses whose correctness could not be scored.")


def calibration_of(
    items: Sequence[tuple[Response, Score]],
    *,
    method: ConfidenceMethod = ConfidenceMethod.GEOMETRIC,
    bins: int = 10,
) -> TargetCalibration:
    """Calibration from (response, correctness score) pairs; a passing score means a correct answer."""
    confidences: list[float] = []
    correct: list[bool] = []
    no_lp = cannot = 0
    for response, score in items:
        if not response.logprobs:
            no_lp += 1
            continue
        if score.failed is None:
            cannot += 1
            continue
        confidences.append(confidence_from_logprobs(response.logprobs, method=method))
        correct.append(not score.failed)
    report = calibration_report(confidences, correct, bins=bins) if confidences else None
    return TargetCalibration(report=report, method=method, without_logprobs=no_lp, could_not_score=cannot)
