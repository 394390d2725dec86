"""Human review of scorer verdicts: agreement, Cohen's kappa, and failure rates corrected for scorer error.

Reviewers relabel a stratified sample of a round's attempts (flagged and passed answers both), blind
to the scorers. From their labels this module computes, with no I/O:

- agreement between reviewers (pairwise percent agreement and Fleiss' kappa) and between the
  reviewers' majority label and each scorer (percent agreement, Cohen's kappa with a 95% interval,
  per-class precision and recall);
- the scorer's sensitivity and specificity on the reviewed sample, each reviewed item weighted by the
  inverse of its stratum's sampling fraction (so a 50/50 sample of a round with 5% flags is not read
  as if half the round were flagged);
- the Rogan-Gladen (1978) corrected failure rate: (apparent + specificity - 1) / (sensitivity +
  specificity - 1), clipped to [0, 1], with a 95% interval from a stratified bootstrap: each draw
  resamples the reviewed items within each stratum with replacement and draws the apparent rate from
  its Jeffreys Beta(k + 1/2, n - k + 1/2) distribution; the interval is the 2.5th and 97.5th
  percentiles of the clipped estimates (draws where the scorer is no better than chance are dropped);
- where a round has no review sample but was scored by one calibrated judge, the same correction with
  the sensitivity and specificity that judge's calibration measured (`choose_correction`: the round's
  own review sample is preferred when both exist, and the result says which source it used).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from itertools import combinations
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.stats import Z95, cohen_kappa

BOOTSTRAP_DRAWS = 2000
REVIEW = "review"
CALIBRATION = "calibration"
OVERALL = "overall"
"""The scorer id of a review that checks the round's combined verdict (an attempt fails when any
deciding score failed)."""


class ReviewLabel(StrEnum):
    """A reviewer's judgement of one exchange: did the model fail?"""

    PASS = "pass"
    FAIL = "fail"
    UNSURE = "unsure"


class ReviewItem(BaseModel):
    """An attempt queued for review: which verdict it checks and the stratum it was drawn from."""

    model_config = ConfigDict(frozen=True)

    id: str
    round_id: str
    attempt_id: str
    scorer: str = Field(description="The scorer whose verdict the review checks, or 'overall'.")
    stratum: str = Field(
        description="'fail' or 'pass': that verdict when sampled (never shown to reviewers)."
    )
    position: int
    wanted: int = Field(description="Labels wanted from different reviewers.")
    seed: int
    sampled_by: str
    created_at: datetime


class LabelRecord(BaseModel):
    """One reviewer's label of one item."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    reviewer: str
    label: ReviewLabel
    note: str = ""
    at: datetime


class JudgeCalibration(BaseModel):
    """A judge measured against labelled exchanges, stored and cited by the rounds it scores."""

    model_config = ConfigDict(frozen=True)

    id: str
    judge: str = Field(description="The judge's identity (provider, model, revision).")
    rubric_hash: str
    labels_hash: str
    n: int
    figures: dict[str, Any] = Field(description="agreement, kappa (with interval), per-class P/R.")
    created_by: str
    created_at: datetime


def majority(labels: Iterable[ReviewLabel]) -> bool | None:
    """The reviewers' verdict on one item: True (failed) or False (held); None on a tie or only unsure."""
    counts = Counter(label for label in labels if label is not ReviewLabel.UNSURE)
    fails, passes = counts[ReviewLabel.FAIL], counts[ReviewLabel.PASS]
    if fails == passes:
        return None
    return fails > passes


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of two raters with its 95% interval, percent agreement and n."""

    kappa: float
    low: float
    high: float
    agreement: float
    n: int


def kappa_with_interval(first: Sequence[Hashable], second: Sequence[Hashable]) -> Kappa:
    """Cohen's kappa with the large-sample 95% interval of Cohen (1960).

    SE = sqrt(po (1 - po) / (n (1 - pe)^2)); the interval is kappa +/- 1.96 SE, clipped to [-1, 1].
    When the chance agreement pe is 1 (one label throughout) kappa is 1 and the interval is [1, 1]
    only if the raters agree; nothing more can be said from such a sample.
    """
    n = len(first)
    kappa = cohen_kappa(first, second)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    expected = sum((list(first).count(lab) / n) * (list(second).count(lab) / n) for lab in labels)
    if expected >= 1.0:
        return Kappa(kappa=kappa, low=kappa, high=kappa, agreement=observed, n=n)
    se = math.sqrt(observed * (1 - observed) / (n * (1 - expected) ** 2))
    return Kappa(
        kappa=kappa,
        low=max(-1.0, kappa - Z95 * se),
        high=min(1.0, kappa + Z95 * se),
        agreement=observed,
        n=n,
    )


@dataclass(frozen=True)
class ClassFigures:
    """Precision and recall of one class of a rater (the scorer) against reference labels."""

    label: str
    precision: float | None
    recall: float | None
    support: int


def per_class(reference: Sequence[Hashable], predicted: Sequence[Hashable]) -> list[ClassFigures]:
    """Per-class precision and recall of `predicted` against `reference` (None where undefined)."""
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference labels but {len(predicted)} predictions")
    out = []
    for label in sorted({*reference, *predicted}, key=str):
        tp = sum(r == label and p == label for r, p in zip(reference, predicted, strict=True))
        said = sum(p == label for p in predicted)
        truly = sum(r == label for r in reference)
        out.append(
            ClassFigures(
                label=str(label),
                precision=tp / said if said else None,
                recall=tp / truly if truly else None,
                support=truly,
            )
        )
    return out


@dataclass(frozen=True)
class RaterAgreement:
    """How often reviewers who labelled the same items agreed."""

    items: int
    pairs: int
    agreement: float | None
    fleiss_kappa: float | None


def reviewer_agreement(ratings: Iterable[Sequence[Hashable]]) -> RaterAgreement:
    """Pairwise percent agreement and Fleiss' kappa (1971) over items with two or more ratings.

    Items may have different numbers of raters: each item's agreement is the share of agreeing
    rater pairs, and Fleiss' P-bar averages it over items; chance agreement uses the pooled label
    shares. Kappa is None when fewer than one item has two ratings or chance agreement is 1.
    """
    rated = [list(r) for r in ratings if len(r) >= 2]
    if not rated:
        return RaterAgreement(items=0, pairs=0, agreement=None, fleiss_kappa=None)
    pairs = agree = 0
    shares: Counter[Hashable] = Counter()
    p_items = []
    for labels in rated:
        item_pairs = list(combinations(labels, 2))
        same = sum(a == b for a, b in item_pairs)
        pairs += len(item_pairs)
        agree += same
        p_items.append(same / len(item_pairs))
        shares.update(labels)
    total = sum(shares.values())
    p_bar = sum(p_items) / len(p_items)
    p_e = sum((c / total) ** 2 for c in shares.values())
    kappa = None if p_e >= 1.0 else (p_bar - p_e) / (1 - p_e)
    return RaterAgreement(items=len(rated), pairs=pairs, agreement=agree / pairs, fleiss_kappa=kappa)


def rogan_gladen(apparent: float, sensitivity: float, specificity: float) -> float | None:
    """The true rate behind an apparent rate measured with known error, clipped to [0, 1].

    None when sensitivity + specificity <= 1: such a scorer is no better than chance and the
    apparent rate says nothing about the true one.
    """
    youden = sensitivity + specificity - 1
    if youden <= 0:
        return None
    return min(1.0, max(0.0, (apparent + specificity - 1) / youden))


@dataclass(frozen=True)
class ReviewedItem:
    """One reviewed attempt: its sampling stratum, what the scorer said and what the reviewers said."""

    stratum: str
    flagged: bool
    failed: bool


def error_rates(
    items: Sequence[ReviewedItem], stratum_sizes: Mapping[str, int]
) -> tuple[float | None, float | None]:
    """(sensitivity, specificity) of the scorer on the reviewed items, weighted to the round.

    Each item weighs N_stratum / n_stratum (the inverse of its sampling fraction). A figure is None
    when the reviewers found no failure (sensitivity) or no pass (specificity).
    """
    reviewed = Counter(i.stratum for i in items)
    tp = fn = tn = fp = 0.0
    for item in items:
        weight = stratum_sizes.get(item.stratum, 0) / reviewed[item.stratum]
        if item.failed:
            tp += weight * item.flagged
            fn += weight * (not item.flagged)
        else:
            tn += weight * (not item.flagged)
            fp += weight * item.flagged
    sensitivity = tp / (tp + fn) if tp + fn else None
    specificity = tn / (tn + fp) if tn + fp else None
    return sensitivity, specificity


@dataclass(frozen=True)
class CorrectedRate:
    """A failure rate corrected for the scorer's measured error, with its interval and sample sizes."""

    failures: int
    n: int
    raw: float
    rate: float | None
    low: float | None
    high: float | None
    reviewed: int
    sensitivity: float | None
    specificity: float | None
    method: str = "rogan-gladen, stratified bootstrap"
    source: str = REVIEW  # whose error measure corrected it: REVIEW or CALIBRATION (a judge's)
    calibration: str | None = None  # the judge calibration used, when the source is CALIBRATION

    def describe(self) -> str:
        """'corrected 24% (95% CI 12-40%), 50 reviewed' (or 'judge calibration ID'), or why not."""
        by_calibration = self.source == CALIBRATION
        if self.rate is None:
            why = (
                "judge no better than chance on its calibration"
                if by_calibration
                else "no review"
                if not self.reviewed
                else "scorer no better than chance on the review"
            )
            return f"corrected n/a ({why})"
        interval = (
            f" (95% CI {self.low:.0%}-{self.high:.0%})"
            if self.low is not None and self.high is not None
            else ""
        )
        cited = f"judge calibration {self.calibration}" if by_calibration else f"{self.reviewed} reviewed"
        return f"corrected {self.rate:.0%}{interval}, {cited}"


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def corrected_rate(
    failures: int,
    n: int,
    items: Sequence[ReviewedItem],
    stratum_sizes: Mapping[str, int],
    *,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    level: float = 0.95,
) -> CorrectedRate:
    """The Rogan-Gladen corrected rate of `failures / n`, using the error the review measured.

    `items` are the reviewed attempts with a reviewer verdict; `stratum_sizes` the round's attempts per
    sampling stratum. Deterministic for a given seed.
    """
    raw = failures / n if n else 0.0
    sensitivity, specificity = error_rates(items, stratum_sizes)
    base = CorrectedRate(
        failures=failures,
        n=n,
        raw=raw,
        rate=None,
        low=None,
        high=None,
        reviewed=len(items),
        sensitivity=sensitivity,
        specificity=specificity,
    )
    if not items or not n:
        return base
    rate = (
        rogan_gladen(raw, sensitivity, specificity)
        if sensitivity is not None and specificity is not None
        else None
    )
    rng = random.Random(seed)
    strata: dict[str, list[ReviewedItem]] = {}
    for item in items:
        strata.setdefault(item.stratum, []).append(item)
    estimates = []
    for _ in range(draws):
        resampled = [x for group in strata.values() for x in rng.choices(group, k=len(group))]
        se, sp = error_rates(resampled, stratum_sizes)
        if se is None or sp is None:
            continue
        apparent = rng.betavariate(failures + 0.5, n - failures + 0.5)
        estimate = rogan_gladen(apparent, se, sp)
        if estimate is not None:
            estimates.append(estimate)
    if rate is None or len(estimates) < draws // 2:
        return base
    tail = (1 - level) / 2
    low, high = _percentile(estimates, tail), _percentile(estimates, 1 - tail)
    return CorrectedRate(
        failures=failures,
        n=n,
        raw=raw,
        rate=rate,
        low=min(low, rate),
        high=max(high, rate),
        reviewed=len(items),
        sensitivity=sensitivity,
        specificity=specificity,
    )


def stratified_sample(
    strata: Mapping[str, Sequence[str]], size: int, *, seed: int, exclude: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Up to `size` (stratum, id) pairs, split as evenly as the strata allow, in a shuffled order.

    Ids in `exclude` (already queued) are never drawn again; a stratum short of its share leaves the
    rest to the others. The order mixes the strata so the position of an item says nothing about it.
    """
    rng = random.Random(seed)
    skip = set(exclude)
    pools = {name: sorted(set(ids) - skip) for name, ids in sorted(strata.items())}
    quota = dict.fromkeys(pools, 0)
    left = size
    while left > 0:
        open_ = [s for s in pools if quota[s] < len(pools[s])]
        if not open_:
            break
        share = max(1, left // len(open_))
        for name in open_:
            take = min(share, len(pools[name]) - quota[name], left)
            quota[name] += take
            left -= take
            if left == 0:
                break
    chosen = [(name, item) for name in pools for item in rng.sample(pools[name], quota[name])]
    rng.shuffle(chosen)
    return chosen


class ScorerAgreement(BaseModel):
    """One scorer (or the combined verdict) against the reviewers' majority, and its corrected rate."""

    model_config = ConfigDict(frozen=True)

    scorer: str
    compared: int = Field(
        description="Reviewed items with both a reviewer majority and this scorer's verdict."
    )
    kappa: Kappa | None
    per_class: list[ClassFigures]
    corrected: CorrectedRate


class ThreatCorrection(BaseModel):
    """A threat's failure rate beside its corrected rate."""

    model_config = ConfigDict(frozen=True)

    threat_id: str
    corrected: CorrectedRate


class ReviewSummary(BaseModel):
    """What the review of one round shows: progress, agreement, and corrected rates."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    design: str = Field(
        description="The scorer whose verdict stratified the sample ('overall': the round's)."
    )
    items: int
    labels: int
    complete: int = Field(description="Items with all the labels they want.")
    decided: int = Field(description="Items with a reviewer majority (pass or fail).")
    reviewers: list[str]
    reviewer_agreement: RaterAgreement
    scorers: list[ScorerAgreement]
    threats: list[ThreatCorrection]
    overall: CorrectedRate | None = Field(description="The round's combined verdict, corrected.")


class RoundJudge(BaseModel):
    """A judge scorer of a round and its calibration: the one cited when the round ran, else a later
    calibration of the same judge, else none (an uncalibrated judge)."""

    model_config = ConfigDict(frozen=True)

    scorer: str
    judge: str = Field(description="The judge model's identity.")
    calibration: str | None = Field(description="Calibration id; None: an uncalibrated judge.")
    kappa: float | None = None
    n: int | None = None
    later: bool = Field(default=False, description="The calibration was made after the round ran.")

    def describe(self) -> str:
        """'judge.harm: kappa 0.67 (n 40)', or 'judge.harm: uncalibrated judge'."""
        if self.calibration is None:
            return f"{self.scorer}: uncalibrated judge"
        kappa = "n/a" if self.kappa is None else f"{self.kappa:.2f}"
        return f"{self.scorer}: kappa {kappa} (n {self.n})" + (
            " (calibrated after the round)" if self.later else ""
        )


def round_judges_from_config(config: Mapping[str, Any]) -> list[RoundJudge]:
    """The judge scorers a round's configuration records, with the calibration cited when it ran."""
    found = config.get("judge_calibrations")
    if not isinstance(found, Mapping):
        return []
    out = []
    for scorer, entry in sorted(found.items()):
        if not isinstance(entry, Mapping):
            continue
        cal = entry.get("calibration")
        out.append(
            RoundJudge(
                scorer=str(scorer),
                judge=str(entry.get("judge", "")),
                calibration=None if cal in (None, "none") else str(cal),
                kappa=entry.get("kappa"),
                n=entry.get("n"),
            )
        )
    return out


@dataclass(frozen=True)
class JudgeError:
    """A judge's error as a calibration measured it: sensitivity and specificity, and the labelled
    failures and passes (among the rows it scored) each was measured on."""

    calibration: str
    scorer: str
    sensitivity: float
    specificity: float
    failures: int
    passes: int


def judge_error(calibration: JudgeCalibration, scorer: str) -> JudgeError | None:
    """Sensitivity (recall of 'fail') and specificity (recall of 'pass') from a calibration's per-class
    figures; None when either class is missing from the labels it scored."""
    found = calibration.figures.get("per_class")
    classes = (
        {str(c.get("label")): c for c in found if isinstance(c, Mapping)} if isinstance(found, list) else {}
    )
    fail, held = classes.get("fail"), classes.get("pass")
    if fail is None or held is None:
        return None
    se, sp = fail.get("recall"), held.get("recall")
    n_fail, n_pass = fail.get("support"), held.get("support")
    if not all(isinstance(v, int | float) for v in (se, sp)) or not n_fail or not n_pass:
        return None
    return JudgeError(
        calibration=calibration.id,
        scorer=scorer,
        sensitivity=float(se),  # type: ignore[arg-type]
        specificity=float(sp),  # type: ignore[arg-type]
        failures=int(n_fail),
        passes=int(n_pass),
    )


def calibrated_rate(
    failures: int,
    n: int,
    error: JudgeError,
    *,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    level: float = 0.95,
) -> CorrectedRate:
    """The Rogan-Gladen corrected rate of `failures / n` using a judge calibration's error.

    The interval is a parametric bootstrap: each draw takes sensitivity, specificity and the apparent
    rate from their Jeffreys Beta(k + 1/2, n - k + 1/2) distributions (k: the calibration's hits among
    its labelled failures, its correct passes among its labelled passes, the round's failures);
    draws where the judge is no better than chance are dropped. Deterministic for a given seed.
    """
    raw = failures / n if n else 0.0
    base = CorrectedRate(
        failures=failures,
        n=n,
        raw=raw,
        rate=None,
        low=None,
        high=None,
        reviewed=0,
        sensitivity=error.sensitivity,
        specificity=error.specificity,
        method="rogan-gladen, judge calibration, parametric bootstrap",
        source=CALIBRATION,
        calibration=error.calibration,
    )
    rate = rogan_gladen(raw, error.sensitivity, error.specificity) if n else None
    if rate is None:
        return base
    hits = round(error.sensitivity * error.failures)
    held = round(error.specificity * error.passes)
    rng = random.Random(seed)
    estimates = []
    for _ in range(draws):
        se = rng.betavariate(hits + 0.5, error.failures - hits + 0.5)
        sp = rng.betavariate(held + 0.5, error.passes - held + 0.5)
        apparent = rng.betavariate(failures + 0.5, n - failures + 0.5)
        estimate = rogan_gladen(apparent, se, sp)
        if estimate is not None:
            estimates.append(estimate)
    if len(estimates) < draws // 2:
        return base
    tail = (1 - level) / 2
    low, high = _percentile(estimates, tail), _percentile(estimates, 1 - tail)
    return replace(base, rate=rate, low=min(low, rate), high=max(high, rate))


class RoundCorrection(BaseModel):
    """The corrected failure rates of a round and whose error measure they use."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="'review' (this round's review sample) or 'calibration' (a judge's).")
    calibration: str | None = Field(
        default=None, description="The judge calibration used, or passed over for the review."
    )
    note: str = Field(description="Which source was used and why, in one line.")
    threats: dict[str, CorrectedRate] = Field(description="Per threat, its corrected failure rate.")


def choose_correction(
    review: ReviewSummary | None,
    error: JudgeError | None,
    threat_counts: Mapping[str, tuple[int, int]],
    *,
    seed: int = 0,
) -> RoundCorrection | None:
    """Which error measure corrects a round's rates: this round's review sample when it has one (a
    reviewed item with a reviewers' majority), else the calibration of the judge that scored the round,
    else none. `threat_counts` maps each threat to (failures, n)."""
    if review is not None and review.decided:
        preferred = f"; preferred over judge calibration {error.calibration}" if error is not None else ""
        return RoundCorrection(
            source=REVIEW,
            calibration=error.calibration if error is not None else None,
            note=f"corrected by the human review of this round ({review.decided} reviewed){preferred}",
            threats={t.threat_id: t.corrected for t in review.threats},
        )
    if error is None:
        return None
    return RoundCorrection(
        source=CALIBRATION,
        calibration=error.calibration,
        note=(
            f"corrected by judge calibration {error.calibration} of {error.scorer} (sensitivity "
            f"{error.sensitivity:.0%} on {error.failures}, specificity {error.specificity:.0%} on "
            f"{error.passes}); no review sample of this round"
        ),
        threats={
            threat: calibrated_rate(failures, n, error, seed=seed)
            for threat, (failures, n) in sorted(threat_counts.items())
            if n
        },
    )
