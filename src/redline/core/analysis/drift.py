"""Drift after release: production failure rates and score distributions against a baseline, the
production windows they are compared in, and answers unlike anything in the baseline (new failure modes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.comparison import intervals_overlap, ks_test, population_stability_index
from redline.core.analysis.evidence import Evidence

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# PSI above 0.25 is the usual reading of a major shift; a KS p-value under 0.01 keeps the false alarm
# rate low when many scorers are checked at once; below 20 values neither statistic is trusted.
PSI_THRESHOLD = 0.25
KS_ALPHA = 0.01
MIN_VALUES = 20


class DriftCheck(BaseModel):
    """One statistic comparing production with the baseline."""

    model_config = ConfigDict(frozen=True)

    statistic: str = Field(description="'rate-interval', 'psi' or 'ks'.")
    value: float | None = Field(description="The statistic (None when not computed).")
    p_value: float | None = Field(default=None, description="The test's p-value, where it has one (KS).")
    drifted: bool
    detail: str


class DriftReport(BaseModel):
    """Whether one scorer's (or threat's) results in production moved away from the baseline."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="Scorer name or threat id the comparison is about.")
    baseline: Evidence
    production: Evidence
    checks: tuple[DriftCheck, ...]
    judged: bool = Field(default=True, description="False when there was too little data to judge.")
    note: str = Field(default="", description="Why it was not judged.")

    @property
    def drifted(self) -> bool:
        """True when any check fired."""
        return any(c.drifted for c in self.checks)

    @property
    def verdict(self) -> str:
        """'drift', 'stable' or 'not judged'."""
        if not self.judged:
            return "not judged"
        return "drift" if self.drifted else "stable"

    def check(self, statistic: str) -> DriftCheck | None:
        """The check of one statistic, if it was computed or explained."""
        return next((c for c in self.checks if c.statistic == statistic), None)

    @property
    def worse(self) -> bool:
        """True when production fails at least as often as the baseline did."""
        return self.production.rate >= self.baseline.rate


def stability_index(expected: Sequence[float], actual: Sequence[float], *, bins: int = 10) -> float:
    """PSI: the sum over bins of (actual share - expected share) * ln(actual share / expected share).

    Few distinct values (a verdict scorer's 0 and 1) get one bin per value, so a shift between them
    counts, and each share is smoothed by half an observation ((count + 0.5) / (n + 0.5 * bins)): an
    empty bin in a small window (0 failures in 30 answers) is not read as an infinite shift. Otherwise
    the bins are the baseline's deciles (`comparison.population_stability_index`).
    """
    distinct = sorted(set(expected) | set(actual))
    if not expected or not actual or len(distinct) > bins:
        return population_stability_index(expected, actual, bins=bins)
    got_e, got_a = Counter(expected), Counter(actual)
    k = len(distinct)
    total = 0.0
    for value in distinct:
        e = (got_e[value] + 0.5) / (len(expected) + 0.5 * k)
        a = (got_a[value] + 0.5) / (len(actual) + 0.5 * k)
        total += (a - e) * math.log(a / e)
    return total


def assess_drift(
    subject: str,
    baseline: Evidence,
    production: Evidence,
    *,
    baseline_values: Sequence[float] = (),
    production_values: Sequence[float] = (),
    psi_threshold: float = PSI_THRESHOLD,
    ks_alpha: float = KS_ALPHA,
    ks_min_distance: float = 0.0,
    min_values: int = MIN_VALUES,
) -> DriftReport:
    """Interval overlap of the failure rates, then PSI and Kolmogorov-Smirnov on the score values.

    KS drifts when its p-value is under `ks_alpha` and its distance D is at least `ks_min_distance`:
    with thousands of values on each side a shift too small to matter is still significant.
    """
    checks: list[DriftCheck] = []
    if baseline.n and production.n:
        apart = not intervals_overlap(baseline, production)
        detail = f"baseline {baseline.describe()}, production {production.describe()}: intervals " + (
            "do not overlap" if apart else "overlap"
        )
        checks.append(
            DriftCheck(statistic="rate-interval", value=production.rate, drifted=apart, detail=detail)
        )
    enough = len(baseline_values) >= min_values and len(production_values) >= min_values
    if not enough:
        checks.append(
            DriftCheck(
                statistic="psi",
                value=None,
                drifted=False,
                detail=f"not computed: needs {min_values} values on each side "
                f"({len(baseline_values)} baseline, {len(production_values)} production)",
            )
        )
        return DriftReport(subject=subject, baseline=baseline, production=production, checks=tuple(checks))
    psi = stability_index(baseline_values, production_values)
    checks.append(
        DriftCheck(
            statistic="psi",
            value=psi,
            drifted=psi > psi_threshold,
            detail=f"population stability index {psi:.3f} (major shift above {psi_threshold})",
        )
    )
    stat, p = ks_test(baseline_values, production_values)
    floor = f" and D>={ks_min_distance}" if ks_min_distance else ""
    checks.append(
        DriftCheck(
            statistic="ks",
            value=stat,
            p_value=p,
            drifted=p < ks_alpha and stat >= ks_min_distance,
            detail=f"Kolmogorov-Smirnov D={stat:.3f}, p={p:.3g} (drift below p={ks_alpha}{floor})",
        )
    )
    return DriftReport(subject=subject, baseline=baseline, production=production, checks=tuple(checks))


Outcome = tuple[bool | None, float | None]
"""One scored exchange for one scorer: failed (None: could not score) and the score's value."""


def assess_windows(
    subject: str,
    baseline: Sequence[Outcome],
    current: Sequence[Outcome],
    *,
    min_samples: int,
    psi_threshold: float = PSI_THRESHOLD,
    ks_alpha: float = KS_ALPHA,
    ks_min_distance: float = 0.0,
) -> DriftReport:
    """One scorer's outcomes in the current production window against the baseline window.

    Failure rates get 95% intervals (Wilson; Clopper-Pearson when none failed) that must not overlap;
    PSI and KS compare the values (a verdict scorer's value is 1 for a failure, 0 for a pass). With
    fewer than `min_samples` scored exchanges on either side nothing is claimed (`judged` is False).
    """
    before = _evidence(subject, baseline)
    after = _evidence(subject, current)
    if before.n < min_samples or after.n < min_samples:
        note = (
            f"not enough data: baseline n={before.n}, current n={after.n} "
            f"(each needs {min_samples} scored exchanges); no drift claimed"
        )
        return DriftReport(
            subject=subject, baseline=before, production=after, checks=(), judged=False, note=note
        )
    return assess_drift(
        subject,
        before,
        after,
        baseline_values=_values(baseline),
        production_values=_values(current),
        psi_threshold=psi_threshold,
        ks_alpha=ks_alpha,
        ks_min_distance=ks_min_distance,
        min_values=min(min_samples, MIN_VALUES),
    )


def _evidence(subject: str, outcomes: Sequence[Outcome]) -> Evidence:
    decided = [f for f, _ in outcomes if f is not None]
    return Evidence.from_counts(
        subject, failures=sum(decided), n=len(decided), could_not_score=len(outcomes) - len(decided)
    )


def _values(outcomes: Sequence[Outcome]) -> list[float]:
    return [v if v is not None else float(f) for f, v in outcomes if f is not None]


class Window(BaseModel):
    """A span of production time: from `start` (inclusive) to `end` (exclusive; None: open)."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime | None = None

    def holds(self, at: datetime) -> bool:
        """Whether an exchange answered at `at` falls in the window."""
        return at >= self.start and (self.end is None or at < self.end)

    def describe(self) -> str:
        """'2026-01-01 00:00 -> 2026-01-08 00:00' (UTC)."""
        end = self.end.strftime("%Y-%m-%d %H:%M") if self.end else "now"
        return f"{self.start.strftime('%Y-%m-%d %H:%M')} -> {end}"


class Windows(BaseModel):
    """The baseline and current windows of one monitoring run, or why there is no baseline yet."""

    model_config = ConfigDict(frozen=True)

    baseline: Window | None
    current: Window | None
    note: str = ""


def production_windows(
    *,
    first_seen: datetime | None,
    now: datetime,
    baseline_days: int,
    window_days: int,
    pinned: tuple[date, date] | None = None,
) -> Windows:
    """The baseline (pinned days, else the first `baseline_days` of production from `first_seen`) and the
    current window (the last `window_days` before `now`, never reaching back into the baseline)."""
    if pinned is not None:
        start = datetime.combine(pinned[0], time(), tzinfo=UTC)
        base = Window(start=start, end=datetime.combine(pinned[1], time(), tzinfo=UTC) + timedelta(days=1))
    elif first_seen is None:
        return Windows(baseline=None, current=None, note="no production exchanges recorded yet")
    else:
        base = Window(start=first_seen, end=first_seen + timedelta(days=baseline_days))
    assert base.end is not None
    start = now - timedelta(days=window_days)
    start = max(start, base.end)
    if start >= now:
        note = f"the baseline runs until {base.end:%Y-%m-%d %H:%M} UTC; drift is judged after it"
        return Windows(baseline=base, current=None, note=note)
    return Windows(baseline=base, current=Window(start=start))


class NovelCluster(BaseModel):
    """Current answers close to each other and far from every baseline answer: a new failure mode."""

    model_config = ConfigDict(frozen=True)

    members: tuple[int, ...] = Field(description="Indexes of the answers, most unlike the baseline first.")
    distance: float = Field(description="Mean cosine distance of its answers to their nearest baseline one.")

    @property
    def size(self) -> int:
        """How many answers it holds."""
        return len(self.members)


def nearest_distances(current: ArrayLike, baseline: ArrayLike, *, chunk: int = 1024) -> list[float]:
    """Cosine distance (1 - cosine) of each current unit vector to its nearest baseline unit vector."""
    import numpy as np

    cur = np.asarray(current, dtype=np.float32)
    base = np.asarray(baseline, dtype=np.float32)
    if cur.size == 0:
        return []
    if base.size == 0:
        raise ValueError("the baseline has no vectors")
    out: list[float] = []
    for i in range(0, cur.shape[0], chunk):
        sims = cur[i : i + chunk] @ base.T
        out += (1.0 - sims.max(axis=1)).tolist()
    return [float(x) for x in out]


def novel_clusters(
    current: ArrayLike, baseline: ArrayLike, *, distance: float, min_size: int
) -> list[NovelCluster]:
    """Clusters of current answers unlike anything in the baseline, largest first.

    An answer is novel when its cosine distance to the nearest baseline answer exceeds `distance`.
    Novel answers are grouped greedily, most novel first: an answer joins the first cluster whose
    leader is within `distance` of it, else it leads a new cluster. Clusters smaller than `min_size`
    are dropped (a stray odd answer is not a failure mode). Deterministic for the same inputs.
    """
    import numpy as np

    cur = np.asarray(current, dtype=np.float32)
    nearest = nearest_distances(cur, baseline)
    novel = sorted((i for i, d in enumerate(nearest) if d > distance), key=lambda i: (-nearest[i], i))
    leaders: list[int] = []
    groups: list[list[int]] = []
    for i in novel:
        if leaders:
            sims = cur[leaders] @ cur[i]
            best = int(np.argmax(sims))
            if 1.0 - float(sims[best]) <= distance:
                groups[best].append(i)
                continue
        leaders.append(i)
        groups.append([i])
    clusters = [
        NovelCluster(members=tuple(g), distance=float(np.mean([nearest[i] for i in g])))
        for g in groups
        if len(g) >= min_size
    ]
    return sorted(clusters, key=lambda c: (-c.size, -c.distance))
