"""`round show`'s breakdowns and analyses: per technique and converter, per configuration with the baseline
apart, disparity per protected attribute, and calibration where answers carry log-probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.engine.analyses import RateRow, RoundAnalyses


def _rate_cells(r: RateRow) -> tuple[object, ...]:
    return (r.cases, r.attempts, f"{r.failures}/{r.n}", f"{r.rate:.0%}", f"{r.low:.0%}-{r.high:.0%}")


def _rates(title: str, first: str, rows: Sequence[RateRow]) -> None:
    from redline.cli.output import table

    head = [first, "cases", "attempts", "failed/n", "rate", "95% CI", "not scored", "errors"]
    table(title, head, [(r.name, *_rate_cells(r), r.could_not_score, r.errors) for r in rows])


def analyses_json(a: RoundAnalyses) -> dict[str, Any]:
    """The analyses as JSON data; an infinite statistic (an odds ratio over a zero count) reads as null."""
    import json

    data: dict[str, Any] = json.loads(a.model_dump_json())
    return data


def print_analyses(a: RoundAnalyses) -> None:
    """Print every breakdown and analysis the round supports."""
    from redline.cli.output import say, table

    if a.empty:
        return
    _rates("Failure rates per technique", "technique", a.techniques)
    _rates("Failure rates per converter (a chain counts for each converter)", "converter", a.converters)
    cfg = a.configuration
    if cfg is not None:
        if cfg.baseline is None:
            say("Operator-error sweep: the baseline configuration was not run, so no shift can be measured")
        else:
            b = cfg.baseline
            say(
                f"Baseline configuration: {b.failures}/{b.n} failed "
                f"({b.rate:.0%}, 95% CI {b.low:.0%}-{b.high:.0%})"
            )
        table(
            "Operator-error sweep: each configuration against the baseline (Fisher's exact test)",
            ["configuration", "failed/n", "rate", "95% CI", "shift", "p", "move"],
            [
                (
                    r.name,
                    f"{r.failures}/{r.n}",
                    f"{r.rate:.0%}",
                    f"{r.low:.0%}-{r.high:.0%}",
                    "-" if r.delta is None else f"{r.delta:+.0%}",
                    "-" if r.p_value is None else f"{r.p_value:.3g}",
                    "-" if r.move is None else r.move.value,
                )
                for r in cfg.configurations
            ],
        )
    d = a.disparity
    if d is not None:
        table(
            f"Disparity per protected attribute: {d.cases} cases in {d.groups} counterfactual sets, "
            f"Holm-adjusted across attributes (alpha {d.report.alpha:g})",
            [
                "attribute",
                "value vs reference",
                "sets",
                "test",
                "statistic",
                "effect (95% CI)",
                "p",
                "p Holm",
                "",
            ],
            [
                (
                    c.attribute,
                    f"{c.value} vs {c.reference}",
                    c.n_groups,
                    c.test,
                    "-" if c.statistic is None else f"{c.statistic:.3g}",
                    f"{c.effect:+.0%} ({c.effect_low:+.0%} to {c.effect_high:+.0%})",
                    f"{c.p_value:.3g}",
                    f"{c.p_adjusted:.3g}",
                    "DISPARITY" if c.flagged else "",
                )
                for c in d.report.comparisons
            ],
        )
    cal = a.calibration
    if cal is not None:
        rep = cal.report
        say(
            f"Calibration of {rep.n} answers with token log-probabilities ({cal.method.value} confidence; "
            f"correct = the case held): ECE {rep.ece:.3f}, Brier {rep.brier:.3f}, "
            f"accuracy {rep.accuracy:.0%} (95% CI {rep.accuracy_low:.0%}-{rep.accuracy_high:.0%}), "
            f"mean confidence {rep.mean_confidence:.0%}"
            + (f"; {cal.not_scored} not scored" if cal.not_scored else "")
        )
        table(
            "Reliability diagram",
            ["confidence", "answers", "mean confidence", "accuracy"],
            [
                (f"{b.low:.1f}-{b.high:.1f}", b.n, f"{b.mean_confidence:.0%}", f"{b.accuracy:.0%}")
                for b in rep.bins
                if b.n
            ],
        )
