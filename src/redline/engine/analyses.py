"""A round's breakdowns and analyses: per technique and converter, per configuration, disparity, calibration.

Counts come from GROUP BY queries in the store (`store.repos.analyses`); disparity and calibration
stream only the counterfactual cases and the answers with token log-probabilities. The tests are the
library's: `attacks.configuration_shift` (Fisher's exact test against the baseline configuration),
`core.analysis.disparity` (per protected attribute, Holm-corrected across attributes) and
`core.analysis.calibration` (expected calibration error, Brier score, reliability diagram).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.attacks.configuration import Misconfiguration
from redline.attacks.configuration_shift import SafetyMove, compare_configurations
from redline.attacks.counterfactual import Axis, demographics
from redline.core.analysis.calibration import CalibrationReport, ConfidenceMethod, ReliabilityBin
from redline.core.analysis.disparity import (
    CounterfactualObservation,
    DisparityReport,
    OutcomeKind,
    assess_disparity,
)
from redline.core.analysis.evidence import Evidence
from redline.core.analysis.stats import rate_interval
from redline.store.repos import analyses as repo
from redline.store.repos.analyses import GroupCounts
from redline.store.session import Store

NO_CONVERTER = "(none)"
BASELINE = Misconfiguration.BASELINE.value
PROTECTED = frozenset(a.value for a in Axis)
BINS = 10


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RateRow(_Frozen):
    """Cases that share one technique, converter or configuration: how often the model failed."""

    name: str = Field(description="Technique, converter or configuration.")
    cases: int = Field(ge=0, description="Cases.")
    attempts: int = Field(ge=0, description="Calls to the target for those cases (turns included).")
    failures: int = Field(ge=0, description="Scored cases where the model failed.")
    n: int = Field(ge=0, description="Scored cases.")
    could_not_score: int = Field(ge=0, description="Cases no scorer could judge.")
    errors: int = Field(ge=0, description="Cases that got no answer.")
    rate: float = Field(ge=0, le=1, description="failures / n; 0 when n is 0.")
    low: float = Field(ge=0, le=1, description="Lower end of the 95% interval.")
    high: float = Field(ge=0, le=1, description="Upper end of the 95% interval.")
    method: str = Field(description="Interval method: wilson, or clopper-pearson when no failure was seen.")


class ConfigurationRow(RateRow):
    """One operator mistake against the baseline (correct) configuration."""

    delta: float | None = Field(default=None, description="Rate minus the baseline rate; None: no baseline.")
    p_value: float | None = Field(default=None, description="Fisher's exact test against the baseline.")
    move: SafetyMove | None = Field(default=None, description="worse / better at p < 0.05, else no change.")


class ConfigurationSection(_Frozen):
    """The operator-error sweep: the baseline apart, each mistake with its shift from the baseline."""

    baseline: RateRow | None = Field(description="The correct configuration; None when it was not run.")
    configurations: tuple[ConfigurationRow, ...] = Field(description="The mistakes, worst shift first.")


class DisparitySection(_Frozen):
    """Disparity per protected attribute over the round's counterfactual sets."""

    report: DisparityReport = Field(
        description="Every value against its attribute's reference, Holm-adjusted."
    )
    attributes: tuple[str, ...] = Field(description="Protected attributes tested.")
    cases: int = Field(ge=0, description="Scored counterfactual cases used.")
    groups: int = Field(ge=0, description="Counterfactual sets they form.")


class CalibrationSection(_Frozen):
    """Calibration of the answers that carry token log-probabilities; correct means the case held."""

    report: CalibrationReport = Field(description="ECE, Brier score and the reliability diagram.")
    method: ConfidenceMethod = Field(description="How token log-probabilities became one confidence.")
    not_scored: int = Field(ge=0, description="Answers with log-probabilities whose case was not scored.")


class RoundAnalyses(_Frozen):
    """Everything beyond the per-threat rates that one round's evidence supports."""

    round_id: str = Field(description="Round analysed.")
    techniques: tuple[RateRow, ...] = Field(default=(), description="Per technique, highest rate first.")
    converters: tuple[RateRow, ...] = Field(
        default=(),
        description=f"Per converter (a chain counts for each of its converters; {NO_CONVERTER}: none).",
    )
    configuration: ConfigurationSection | None = Field(
        default=None, description="Per configuration of an operator-error sweep (None: no sweep)."
    )
    disparity: DisparitySection | None = Field(
        default=None, description="Per protected attribute (None: no counterfactual set)."
    )
    calibration: CalibrationSection | None = Field(
        default=None, description="From token log-probabilities (None: no answer carries them)."
    )

    @property
    def empty(self) -> bool:
        """True when the round has nothing to break down."""
        return not self.techniques


def _row(name: str, counts: Iterable[GroupCounts]) -> RateRow:
    cases = attempts = failures = n = errors = cns = 0
    for c in counts:
        cases, attempts, failures = cases + c.cases, attempts + c.attempts, failures + c.failures
        n, errors, cns = n + c.scored, errors + c.errors, cns + c.could_not_score
    ev = Evidence.from_counts(name, failures=failures, n=n)
    return RateRow(
        name=name,
        cases=cases,
        attempts=attempts,
        failures=failures,
        n=n,
        could_not_score=cns,
        errors=errors,
        rate=ev.rate,
        low=ev.low,
        high=ev.high,
        method=ev.method,
    )


def _by(groups: list[GroupCounts], keys: Iterable[tuple[str, GroupCounts]]) -> tuple[RateRow, ...]:
    buckets: dict[str, list[GroupCounts]] = defaultdict(list)
    for key, g in keys:
        buckets[key].append(g)
    rows = [_row(k, v) for k, v in buckets.items()]
    return tuple(sorted(rows, key=lambda r: (-r.rate, -r.high, r.name)))


def _converter_keys(groups: list[GroupCounts]) -> Iterator[tuple[str, GroupCounts]]:
    for g in groups:
        for name in dict.fromkeys(g.converters) or (NO_CONVERTER,):
            yield name, g


def configuration_section(groups: list[GroupCounts]) -> ConfigurationSection | None:
    """Per configuration of the sweep's cases, the baseline apart; None when the round ran no sweep."""
    swept = [g for g in groups if g.configuration is not None]
    if not swept:
        return None
    rows = {r.name: r for r in _by(swept, ((str(g.configuration), g) for g in swept))}
    baseline = rows.pop(BASELINE, None)
    if baseline is None:
        mistakes = [ConfigurationRow.model_validate(r.model_dump()) for r in rows.values()]
        return ConfigurationSection(baseline=None, configurations=tuple(mistakes))
    evidence = {
        name: Evidence.from_counts(name, failures=r.failures, n=r.n)
        for name, r in {**rows, BASELINE: baseline}.items()
    }
    shifts = {s.configuration: s for s in compare_configurations(evidence, baseline=BASELINE)}
    out = [
        ConfigurationRow.model_validate(
            {
                **r.model_dump(),
                "delta": shifts[name].delta,
                "p_value": shifts[name].p_value,
                "move": shifts[name].move,
            }
        )
        for name, r in rows.items()
    ]
    out.sort(key=lambda r: (-(r.delta or 0.0), r.name))
    return ConfigurationSection(baseline=baseline, configurations=tuple(out))


def _references(observed: dict[str, set[str]]) -> dict[str, str]:
    """The shipped reference value of each attribute (the first of its axis), where it was observed."""
    axes = demographics().axes
    out = {}
    for attribute, values in observed.items():
        shipped = axes.get(Axis(attribute), ())
        if shipped and shipped[0].value in values:
            out[attribute] = shipped[0].value
    return out


def disparity_section(
    rows: Iterable[tuple[str, dict[str, str], int]], *, seed: int = 0, n_boot: int = 2000
) -> DisparitySection | None:
    """Disparity per protected attribute from (group, attributes, failed) rows; None without a set."""
    obs: list[CounterfactualObservation] = []
    observed: dict[str, set[str]] = defaultdict(set)
    for group, attributes, failed in rows:
        kept = {k: v for k, v in attributes.items() if k in PROTECTED}
        if not kept:
            continue
        for k, v in kept.items():
            observed[k].add(v)
        obs.append(CounterfactualObservation(group=group, attributes=kept, outcome=float(failed)))
    if not obs:
        return None
    report = assess_disparity(
        obs, kind=OutcomeKind.VERDICT, references=_references(observed), seed=seed, n_boot=n_boot
    )
    # An odds ratio over a zero count is infinite; JSON (reports, the API, the kept aggregates) cannot
    # carry it, so it reads as no statistic, the test and its p-value standing as they are.
    finite = tuple(
        c if c.statistic is None or math.isfinite(c.statistic) else c.model_copy(update={"statistic": None})
        for c in report.comparisons
    )
    report = report.model_copy(update={"comparisons": finite})
    return DisparitySection(
        report=report,
        attributes=tuple(sorted({c.attribute for c in report.comparisons})),
        cases=len(obs),
        groups=len({o.group for o in obs}),
    )


def calibration_section(
    rows: Iterable[tuple[list[float], int | None]], *, bins: int = BINS
) -> CalibrationSection | None:
    """Calibration streamed from (token log-probabilities, failed) rows: bins accumulated, nothing kept.

    Confidence is the geometric mean token probability; an answer is correct when its case held. The
    AUROC needs every answer at once and is left out (None).
    """
    n = correct = not_scored = 0
    conf_sum = brier_sum = 0.0
    counts, confs, hits = [0] * bins, [0.0] * bins, [0] * bins
    for logprobs, failed in rows:
        if not logprobs:
            continue
        if failed is None:
            not_scored += 1
            continue
        c = min(1.0, math.exp(sum(logprobs) / len(logprobs)))
        y = 0 if failed else 1
        i = min(max(math.ceil(c * bins) - 1, 0), bins - 1)  # (edge_i, edge_i+1], as core.analysis.calibration
        counts[i], confs[i], hits[i] = counts[i] + 1, confs[i] + c, hits[i] + y
        n, correct, conf_sum, brier_sum = n + 1, correct + y, conf_sum + c, brier_sum + (c - y) ** 2
    if n == 0:
        return None
    diagram = tuple(
        ReliabilityBin(
            low=i / bins,
            high=(i + 1) / bins,
            n=counts[i],
            mean_confidence=confs[i] / counts[i] if counts[i] else 0.0,
            accuracy=hits[i] / counts[i] if counts[i] else 0.0,
        )
        for i in range(bins)
    )
    ece = sum((b.n / n) * abs(b.accuracy - b.mean_confidence) for b in diagram)
    interval = rate_interval(correct, n)
    report = CalibrationReport(
        n=n,
        correct=correct,
        accuracy=correct / n,
        accuracy_low=interval.low,
        accuracy_high=interval.high,
        mean_confidence=conf_sum / n,
        ece=ece,
        brier=brier_sum / n,
        auroc=None,
        bins=diagram,
    )
    return CalibrationSection(report=report, method=ConfidenceMethod.GEOMETRIC, not_scored=not_scored)


def analyse(session: Session, round_id: str, *, seed: int = 0) -> RoundAnalyses:
    """Every breakdown and analysis of one round, from the store's aggregates; a finished round keeps
    them (`rounds.cached_aggregate`), so its pages and reports read them back instead of counting again."""
    from pydantic import ValidationError

    from redline.store.repos import rounds as rounds_repo

    def compute() -> dict[str, object]:
        return _analyse(session, round_id, seed=seed).model_dump(mode="json")

    try:
        return RoundAnalyses.model_validate(
            rounds_repo.cached_aggregate(session, round_id, f"analyses:{seed}", compute)
        )
    except ValidationError:  # a figure JSON cannot carry as it was (an infinite statistic)
        return _analyse(session, round_id, seed=seed)


def _analyse(session: Session, round_id: str, *, seed: int) -> RoundAnalyses:
    groups = repo.group_counts(session, round_id)
    counterfactual = any(g.counterfactual for g in groups)  # query only what the round can hold
    disparity = (
        disparity_section(repo.counterfactual_outcomes(session, round_id), seed=seed)
        if counterfactual
        else None
    )
    calibration = (
        calibration_section(repo.logprob_outcomes(session, round_id))
        if repo.has_logprobs(session, round_id)
        else None
    )
    return RoundAnalyses(
        round_id=round_id,
        techniques=_by(groups, ((g.technique, g) for g in groups)),
        converters=_by(groups, _converter_keys(groups)),
        configuration=configuration_section(groups),
        disparity=disparity,
        calibration=calibration,
    )


def analyse_round(store: Store, round_id: str) -> RoundAnalyses:
    """`analyse` in a session of its own; the disparity bootstrap is seeded with the round's seed."""
    from redline.store.repos import rounds as rounds_repo

    with store.session() as session:
        seed = rounds_repo.get_round(session, round_id).seed
        return analyse(session, round_id, seed=seed)
