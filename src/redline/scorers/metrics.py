"""Detection figures of a scorer against labels: precision, recall and F1 with 95% intervals.

Precision and recall get Wilson intervals (exact upper bound when nothing was missed); F1 gets a
seeded bootstrap interval over rows. Rows the scorer could not score are counted apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.stats import rate_interval

CNS = "could_not_score"


class BinaryMetrics(BaseModel):
    """Precision, recall and F1 of one positive label, with intervals and the could-not-score rate."""

    model_config = ConfigDict(frozen=True)

    rows: int = Field(description="Labelled rows.")
    scored: int = Field(description="Rows the scorer judged, whose label is not could_not_score.")
    could_not_score: int = Field(description="Rows the scorer could not score.")
    cns_rate: float = Field(description="could_not_score / rows.")
    cns_low: float = Field(description="Lower end of the 95% interval of the could-not-score rate.")
    cns_high: float = Field(description="Upper end of the 95% interval of the could-not-score rate.")
    cns_expected: int = Field(description="Rows labelled could_not_score (the scorer should abstain).")
    cns_expected_met: int = Field(description="Of those, rows where the scorer did abstain.")
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    precision_low: float
    precision_high: float
    recall: float
    recall_low: float
    recall_high: float
    f1: float
    f1_low: float = Field(description="Bootstrap 2.5% quantile of F1 (1000 resamples, seed 0).")
    f1_high: float = Field(description="Bootstrap 97.5% quantile of F1.")


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def binary_metrics(
    truth: Sequence[str], predicted: Sequence[str], *, positive: str, seed: int = 0, n_boot: int = 1000
) -> BinaryMetrics:
    """Figures of `predicted` against `truth` for the `positive` label."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} labels but {len(predicted)} predictions")
    cannot = sum(p == CNS for p in predicted)
    expected = [p for t, p in zip(truth, predicted, strict=True) if t == CNS]
    pairs = [
        (t == positive, p == positive) for t, p in zip(truth, predicted, strict=True) if CNS not in (t, p)
    ]
    tp = sum(t and p for t, p in pairs)
    fp = sum(p and not t for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    tn = len(pairs) - tp - fp - fn
    prec, rec, cns = rate_interval(tp, tp + fp), rate_interval(tp, tp + fn), rate_interval(cannot, len(truth))
    low = high = _f1(tp, fp, fn)
    if pairs:
        arr = np.array(pairs, dtype=bool)
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, len(arr), size=(n_boot, len(arr)))
        t, p = arr[idx, 0], arr[idx, 1]
        btp, bfp, bfn = (t & p).sum(1), (~t & p).sum(1), (t & ~p).sum(1)
        denom = 2 * btp + bfp + bfn
        f1s = np.where(denom > 0, 2 * btp / np.maximum(denom, 1), 0.0)
        low, high = float(np.quantile(f1s, 0.025)), float(np.quantile(f1s, 0.975))
    return BinaryMetrics(
        rows=len(truth),
        scored=len(pairs),
        could_not_score=cannot,
        cns_rate=cannot / len(truth) if truth else 0.0,
        cns_low=cns.low,
        cns_high=cns.high,
        cns_expected=len(expected),
        cns_expected_met=sum(p == CNS for p in expected),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        precision=tp / (tp + fp) if tp + fp else 0.0,
        precision_low=prec.low,
        precision_high=prec.high,
        recall=tp / (tp + fn) if tp + fn else 0.0,
        recall_low=rec.low,
        recall_high=rec.high,
        f1=_f1(tp, fp, fn),
        f1_low=low,
        f1_high=high,
    )


def class_f1(pairs: Sequence[tuple[str, str]], label: str) -> float:
    """F1 of one label over (truth, predicted) pairs."""
    tp = sum(t == p == label for t, p in pairs)
    fp = sum(p == label != t for t, p in pairs)
    fn = sum(t == label != p for t, p in pairs)
    return _f1(tp, fp, fn)
