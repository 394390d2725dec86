"""The analyses section of reports (HTML with a chart each, Markdown) and of the web round page.

One renderer for both: the report's template environment turns `RoundAnalyses` into an HTML fragment
(`templates/analyses.html`), which the report and the round page insert as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from sqlalchemy.orm import Session

from redline.core.runs.rounds import Round
from redline.engine.analyses import RateRow, RoundAnalyses, analyse
from redline.reports import analysis_charts as ac


def round_analyses(session: Session, rounds: Sequence[Round]) -> tuple[RoundAnalyses, ...]:
    """The analyses of each reported round that has cases to break down."""
    found = (analyse(session, r.id, seed=r.seed) for r in rounds)
    return tuple(a for a in found if not a.empty)


def _charts(a: RoundAnalyses, k: int) -> dict[str, Markup]:
    out = {
        "techniques": ac.rate_rows_svg(f"technique-chart-{k}", "Failure rate per technique", a.techniques),
        "converters": ac.rate_rows_svg(f"converter-chart-{k}", "Failure rate per converter", a.converters),
    }
    if a.configuration is not None:
        out["configuration"] = ac.configuration_svg(a.configuration, chart_id=f"configuration-chart-{k}")
    if a.disparity is not None:
        out["disparity"] = ac.disparity_svg(a.disparity.report.comparisons, chart_id=f"disparity-chart-{k}")
    if a.calibration is not None:
        out["calibration"] = ac.reliability_svg(a.calibration.report, chart_id=f"reliability-chart-{k}")
    return out


def render_analyses_html(analyses: Sequence[RoundAnalyses]) -> Markup:
    """The analyses as an HTML fragment (a <section>); empty when there is nothing to show."""
    if not analyses:
        return Markup("")
    from redline.reports.html import _environment

    template = _environment().get_template("analyses.html")
    charts = [_charts(a, k) for k, a in enumerate(analyses, start=1)]
    return Markup(template.render(analyses=analyses, charts=charts))


def _pct(v: float) -> str:
    return f"{v:.0%}" if v in (0.0, 1.0) or v >= 0.1 else f"{v:.1%}"


def _rate_rows(rows: Sequence[RateRow]) -> list[tuple[object, ...]]:
    return [
        (
            r.name,
            r.cases,
            r.attempts,
            f"{r.failures} / {r.n}",
            _pct(r.rate),
            f"{_pct(r.low)}-{_pct(r.high)}",
            r.could_not_score,
            r.errors,
        )
        for r in rows
    ]


def analyses_markdown(analyses: Sequence[RoundAnalyses]) -> list[str]:
    """The analyses as Markdown lines (tables only: Markdown has no charts)."""
    from redline.reports.markdown import _table

    if not analyses:
        return []
    out = ["## Breakdowns and analyses", ""]
    head = ["cases", "attempts", "failed / scored", "rate", "95% interval", "not scored", "errors"]
    for a in analyses:
        if len(analyses) > 1:
            out += [f"### Round `{a.round_id}`", ""]
        out += ["### Per technique", "", *_table(["technique", *head], _rate_rows(a.techniques))]
        out += ["### Per converter", "", *_table(["converter", *head], _rate_rows(a.converters))]
        cfg = a.configuration
        if cfg is not None:
            out += ["### Per configuration: operator-error sweep", ""]
            if cfg.baseline is not None:
                b = cfg.baseline
                out += [
                    f"Baseline (the intended configuration): {b.failures} / {b.n} failed, {_pct(b.rate)} "
                    f"(95% interval {_pct(b.low)}-{_pct(b.high)}); each mistake is compared with it by "
                    "Fisher's exact test.",
                    "",
                ]
            else:
                out += ["The baseline configuration was not run, so no shift can be measured.", ""]
            rows: list[tuple[object, ...]] = [
                (
                    c.name,
                    f"{c.failures} / {c.n}",
                    _pct(c.rate),
                    f"{_pct(c.low)}-{_pct(c.high)}",
                    "—" if c.delta is None else f"{c.delta * 100:+.0f} pts",
                    "—" if c.p_value is None else f"{c.p_value:.3g}",
                    "—" if c.move is None else c.move.value,
                )
                for c in cfg.configurations
            ]
            out += [
                *_table(
                    ["configuration", "failed / scored", "rate", "95% interval", "shift", "p", "move"], rows
                ),
            ]
        d = a.disparity
        if d is not None:
            out += [
                "### Disparity per protected attribute",
                "",
                f"{d.cases} scored cases in {d.groups} counterfactual sets; p-values Holm-adjusted across "
                f"every comparison of every attribute (alpha {d.report.alpha:g}).",
                "",
            ]
            rows_d: list[tuple[object, ...]] = [
                (
                    c.attribute,
                    f"{c.value} vs {c.reference}",
                    c.n_groups,
                    c.test,
                    "—" if c.statistic is None else f"{c.statistic:.3g}",
                    f"{c.effect * 100:+.0f} pts ({c.effect_low * 100:+.0f} to {c.effect_high * 100:+.0f})",
                    f"{c.p_value:.3g}",
                    f"{c.p_adjusted:.3g}",
                    "yes" if c.flagged else "no",
                )
                for c in d.report.comparisons
            ]
            head_d = ["attribute", "value vs reference", "sets", "test", "statistic", "effect (95% CI)", "p"]
            out += _table([*head_d, "p (Holm)", "disparity"], rows_d)
        cal = a.calibration
        if cal is not None:
            rep = cal.report
            out += [
                "### Calibration",
                "",
                f"{rep.n} answers with token log-probabilities ({cal.method.value} confidence; correct = the "
                f"case held): ECE {rep.ece:.3f}, Brier score {rep.brier:.3f}, accuracy {_pct(rep.accuracy)} "
                f"(95% interval {_pct(rep.accuracy_low)}-{_pct(rep.accuracy_high)}), mean confidence "
                f"{_pct(rep.mean_confidence)}.",
                "",
            ]
            rows_c: list[tuple[object, ...]] = [
                (f"{b.low:.1f}-{b.high:.1f}", b.n, _pct(b.mean_confidence), _pct(b.accuracy))
                for b in rep.bins
                if b.n
            ]
            out += _table(["confidence", "answers", "mean confidence", "accuracy"], rows_c)
    return out
