"""Calibration from token log-probabilities: how far a model's confidence matches how often it is right.

Confidence of an answer comes from the log-probabilities of its tokens; correctness comes from a
scorer (known answers). The report gives the expected calibration error (equal-width bins), the
Brier score, the AUROC of confidence against correctness, and the accuracy with its 95% interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.stats import rate_interval
from redline.core.runs.conversation import TokenLogprob


class ConfidenceMethod(StrEnum):
    """How token log-probabilities become one confidence in [0, 1]."""

    MEAN_TOKEN = "mean_token"  # mean of the token probabilities
    GEOMETRIC = "geometric"  # exp(mean log-prob): length-normalised sequence probability
    SEQUENCE = "sequence"  # exp(sum log-prob): probability of the whole answer
    MIN_TOKEN = "min_token"  # the least confident token


def confidence_from_logprobs(
    logprobs: Sequence[TokenLogprob] | Sequence[float],
    *,
    method: ConfidenceMethod = ConfidenceMethod.GEOMETRIC,
) -> float:
    """One confidence in [0, 1] from the log-probabilities of an answer's tokens."""
    values = [lp.logprob if isinstance(lp, TokenLogprob) else float(lp) for lp in logprobs]
    if not values:
        raise ValueError("no token log-probabilities to compute a confidence from")
    if any(v > 0 for v in values):
        raise ValueError("log-probabilities must be <= 0")
    if method is ConfidenceMethod.MEAN_TOKEN:
        return float(np.mean(np.exp(values)))
    if method is ConfidenceMethod.SEQUENCE:
        return math.exp(sum(values))
    if method is ConfidenceMethod.MIN_TOKEN:
        return math.exp(min(values))
    return math.exp(sum(values) / len(values))


def _check(confidences: Sequence[float], correct: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(confidences, dtype=float)
    y = np.asarray(correct, dtype=float)
    if c.shape != y.shape:
        raise ValueError(f"{c.size} confidences but {y.size} correctness labels")
    if c.size and (c.min() < 0 or c.max() > 1):
        raise ValueError("confidences must lie in [0, 1]")
    return c, y


def brier_score(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean squared difference between confidence and correctness (0 is perfect)."""
    c, y = _check(confidences, correct)
    if c.size == 0:
        raise ValueError("the Brier score needs at least one answer")
    return float(np.mean((c - y) ** 2))


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], *, bins: int = 10
) -> float:
    """Expected calibration error over `bins` equal-width bins (Naeini et al. 2015)."""
    return _reliability(confidences, correct, bins=bins)[0]


def auroc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve (ties count half); None when only one class is present."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    if pos.size == 0 or neg.size == 0:
        return None
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (pos.size * neg.size))


class ReliabilityBin(BaseModel):
    """One confidence bin of a reliability diagram."""

    model_config = ConfigDict(frozen=True)

    low: float = Field(description="Lower edge of the bin.")
    high: float = Field(description="Upper edge of the bin.")
    n: int = Field(description="Answers whose confidence falls in the bin.")
    mean_confidence: float = Field(description="Mean confidence in the bin (0 when empty).")
    accuracy: float = Field(description="Share of correct answers in the bin (0 when empty).")


class CalibrationReport(BaseModel):
    """Calibration of a set of answers: ECE, Brier, AUROC and accuracy with n and 95% interval."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(description="Answers with both a confidence and a correctness judgement.")
    correct: int = Field(description="Answers judged correct.")
    accuracy: float = Field(description="correct / n.")
    accuracy_low: float = Field(description="Lower end of the 95% interval of the accuracy.")
    accuracy_high: float = Field(description="Upper end of the 95% interval of the accuracy.")
    mean_confidence: float = Field(description="Mean confidence; above accuracy means overconfident.")
    ece: float = Field(description="Expected calibration error, equal-width bins.")
    brier: float = Field(description="Brier score.")
    auroc: float | None = Field(description="AUROC of confidence against correctness; None if one class.")
    bins: tuple[ReliabilityBin, ...] = Field(description="The reliability diagram.")


def _reliability(
    confidences: Sequence[float], correct: Sequence[bool], *, bins: int
) -> tuple[float, list[ReliabilityBin]]:
    c, y = _check(confidences, correct)
    if c.size == 0:
        raise ValueError("calibration needs at least one answer")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    edges = np.linspace(0.0, 1.0, bins + 1)
    # bin i holds (edge_i, edge_i+1]; confidence 0 goes to the first bin
    index = np.clip(np.ceil(c * bins).astype(int) - 1, 0, bins - 1)
    ece = 0.0
    out: list[ReliabilityBin] = []
    for i in range(bins):
        mask = index == i
        n = int(mask.sum())
        conf = float(c[mask].mean()) if n else 0.0
        acc = float(y[mask].mean()) if n else 0.0
        ece += (n / c.size) * abs(acc - conf)
        out.append(
            ReliabilityBin(
                low=float(edges[i]), high=float(edges[i + 1]), n=n, mean_confidence=conf, accuracy=acc
            )
        )
    return float(ece), out


def calibration_report(
    confidences: Sequence[float], correct: Sequence[bool], *, bins: int = 10
) -> CalibrationReport:
    """The full calibration report of answers with confidences and correctness."""
    ece, diagram = _reliability(confidences, correct, bins=bins)
    n = len(confidences)
    k = int(sum(bool(x) for x in correct))
    interval = rate_interval(k, n)
    return CalibrationReport(
        n=n,
        correct=k,
        accuracy=k / n,
        accuracy_low=interval.low,
        accuracy_high=interval.high,
        mean_confidence=float(np.mean(confidences)),
        ece=ece,
        brier=brier_score(confidences, correct),
        auroc=auroc(confidences, correct),
        bins=tuple(diagram),
    )
