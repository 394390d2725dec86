"""Inline SVG charts of a round's analyses: rates with intervals per technique, converter and configuration
(the baseline drawn as a band), disparity effects with their intervals, and the reliability diagram.

Plain SVG text like `reports.charts`: no script, a <title> and an aria-label on each, and every number
drawn is also in the table printed next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from redline.core.analysis.calibration import CalibrationReport
from redline.core.analysis.disparity import DisparityComparison
from redline.engine.analyses import ConfigurationSection, RateRow
from redline.reports.charts import BAR, GRID, INK, MUTED, _svg, _text

WORSE = "#b3261e"
BETTER = "#1f5f24"
BASE_BAND = "#e4e9f2"


def _short(name: str, width: int = 30) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _axis(body: list[str], left: float, plot_w: float, top: float, bottom: float) -> None:
    for pct in (0, 25, 50, 75, 100):
        x = left + plot_w * pct / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(x, bottom + 14, f"{pct}%", anchor="middle", size=11))


def _whisker(lo: float, hi: float, mid: float) -> str:
    return (
        f'<g class="ci" stroke="{INK}" stroke-width="1.5">'
        f'<line x1="{lo:.1f}" y1="{mid:.1f}" x2="{hi:.1f}" y2="{mid:.1f}"/>'
        f'<line x1="{lo:.1f}" y1="{mid - 6:.1f}" x2="{lo:.1f}" y2="{mid + 6:.1f}"/>'
        f'<line x1="{hi:.1f}" y1="{mid - 6:.1f}" x2="{hi:.1f}" y2="{mid + 6:.1f}"/></g>'
    )


def rate_rows_svg(
    chart_id: str, label: str, rows: Sequence[RateRow], *, colours: Sequence[str] | None = None
) -> Markup:
    """One bar per row (its failure rate) with the 95% interval as a whisker."""
    label_w, plot_w, text_w, row_h, top = 230, 380, 170, 28, 20
    bottom = top + row_h * max(len(rows), 1)
    body: list[str] = []
    _axis(body, label_w, plot_w, top, bottom)
    if not rows:
        body.append(_text(label_w, top + 16, "No scored cases."))
    for i, r in enumerate(rows):
        y, mid = top + i * row_h, top + i * row_h + row_h / 2
        tip = f"{r.name}: {r.failures}/{r.n} failed, {r.rate:.1%} (95% CI {r.low:.1%}-{r.high:.1%})"
        body.append(f'<g class="bar-row" data-name="{escape(r.name)}"><title>{escape(tip)}</title>')
        body.append(_text(label_w - 8, mid + 4, _short(r.name), anchor="end"))
        if r.n:
            fill = colours[i] if colours else BAR
            body.append(
                f'<rect x="{label_w}" y="{y + row_h / 2 - 6:.1f}" width="{plot_w * r.rate:.1f}" height="12" '
                f'fill="{fill}" opacity="0.85"/>'
            )
            body.append(_whisker(label_w + plot_w * r.low, label_w + plot_w * r.high, mid))
            body.append(_text(label_w + plot_w + 10, mid + 4, f"{r.failures}/{r.n} · {r.rate:.0%}", size=11))
        else:
            body.append(_text(label_w + 4, mid + 4, "no scored case", size=11))
        body.append("</g>")
    return _svg(chart_id, label_w + plot_w + text_w, bottom + 22, label, body)


def configuration_svg(section: ConfigurationSection, *, chart_id: str = "configuration-chart") -> Markup:
    """Each configuration's rate and interval; the baseline's interval as a shaded band behind them."""
    rows: list[RateRow] = [*([section.baseline] if section.baseline else []), *section.configurations]
    colours = [
        BAR if section.baseline is not None and i == 0 else _move_colour(r) for i, r in enumerate(rows)
    ]
    chart = str(
        rate_rows_svg(chart_id, "Failure rate per configuration against the baseline", rows, colours=colours)
    )
    if section.baseline is None:
        return Markup(chart)
    b = section.baseline
    label_w, plot_w, top, row_h = 230, 380, 20, 28
    x, w = label_w + plot_w * b.low, max(plot_w * (b.high - b.low), 1.0)
    band = (
        f'<rect class="baseline-band" x="{x:.1f}" y="{top - 6}" width="{w:.1f}" '
        f'height="{row_h * len(rows) + 6}" '
        f'fill="{BASE_BAND}"><title>baseline 95% interval {b.low:.0%}-{b.high:.0%}</title></rect>'
    )
    head, _, rest = chart.partition("</title>")
    return Markup(head + "</title>" + band + rest)


def _move_colour(row: RateRow) -> str:
    move = getattr(row, "move", None)
    value = getattr(move, "value", None)
    return WORSE if value == "worse" else BETTER if value == "better" else MUTED


def disparity_svg(comparisons: Sequence[DisparityComparison], *, chart_id: str = "disparity-chart") -> Markup:
    """Each value's effect (failure-rate difference from its attribute's reference) with its bootstrap 95%
    interval, on a -100% .. +100% axis; flagged differences (Holm-adjusted p < alpha) in red."""
    label_w, plot_w, text_w, row_h, top = 230, 400, 150, 28, 20
    bottom = top + row_h * max(len(comparisons), 1)
    body: list[str] = []
    for pct in (-100, -50, 0, 50, 100):
        x = label_w + plot_w * (pct + 100) / 200
        stroke = INK if pct == 0 else GRID
        body.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        body.append(_text(x, bottom + 14, f"{pct:+d}%" if pct else "0", anchor="middle", size=11))

    def at(v: float) -> float:
        return label_w + plot_w * (max(-1.0, min(1.0, v)) + 1) / 2

    for i, c in enumerate(comparisons):
        y, mid = top + i * row_h, top + i * row_h + row_h / 2
        tip = (
            f"{c.attribute} {c.value} vs {c.reference}: effect {c.effect:+.1%} "
            f"(95% CI {c.effect_low:+.1%} to {c.effect_high:+.1%}), Holm p {c.p_adjusted:.3g}"
        )
        colour = WORSE if c.flagged else BAR
        body.append(
            f'<g class="effect-row" data-attribute="{escape(c.attribute)}"><title>{escape(tip)}</title>'
        )
        body.append(
            _text(
                label_w - 8, mid + 4, _short(f"{c.attribute}: {c.value} vs {c.reference}", 34), anchor="end"
            )
        )
        x0, x1 = sorted((at(0.0), at(c.effect)))
        body.append(
            f'<rect x="{x0:.1f}" y="{y + row_h / 2 - 6:.1f}" width="{max(x1 - x0, 1.0):.1f}" height="12" '
            f'fill="{colour}" opacity="0.8"/>'
        )
        body.append(_whisker(at(c.effect_low), at(c.effect_high), mid))
        mark = " *" if c.flagged else ""
        body.append(_text(label_w + plot_w + 10, mid + 4, f"{c.effect:+.0%}{mark}", size=11) + "</g>")
    if not comparisons:
        body.append(_text(label_w, top + 16, "No attribute varied within a set."))
    return _svg(
        chart_id, label_w + plot_w + text_w, bottom + 22, "Failure-rate difference per attribute value", body
    )


def reliability_svg(report: CalibrationReport, *, chart_id: str = "reliability-chart") -> Markup:
    """The reliability diagram: accuracy per confidence bin as bars, the diagonal of perfect calibration."""
    left, top, size = 50, 14, 300
    body: list[str] = []
    for k in range(0, 11, 2):
        v = k / 10
        x, y = left + size * v, top + size * (1 - v)
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + size}" stroke="{GRID}"/>')
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + size}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(x, top + size + 14, f"{v:.1f}", anchor="middle", size=11))
        body.append(_text(left - 6, y + 4, f"{v:.1f}", anchor="end", size=11))
    for b in report.bins:
        if not b.n:
            continue
        x, w = left + size * b.low, size * (b.high - b.low)
        h = size * b.accuracy
        tip = (
            f"confidence {b.low:.1f}-{b.high:.1f}: {b.n} answers, "
            f"mean confidence {b.mean_confidence:.0%}, accuracy {b.accuracy:.0%}"
        )
        body.append(
            f'<rect class="reliability-bin" x="{x + 1:.1f}" y="{top + size - h:.1f}" width="{w - 2:.1f}" '
            f'height="{h:.1f}" fill="{BAR}" opacity="0.8"><title>{escape(tip)}</title></rect>'
        )
        px, py = left + size * b.mean_confidence, top + size * (1 - b.accuracy)
        body.append(
            f'<circle class="reliability-point" cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{INK}">'
            f"<title>{escape(tip)}</title></circle>"
        )
        body.append(_text(x + w / 2, top + size - h - 6, f"n={b.n}", anchor="middle", size=10))
    body.append(
        f'<line class="diagonal" x1="{left}" y1="{top + size}" x2="{left + size}" y2="{top}" '
        f'stroke="{WORSE}" stroke-dasharray="4 3"/>'
    )
    body.append(_text(left + size / 2, top + size + 30, "confidence", anchor="middle", size=11))
    body.append(_text(left + size + 12, top + 44, "bars: accuracy", size=11))
    body.append(_text(left + size + 12, top + 60, "dots: (confidence, accuracy)", size=11))
    body.append(_text(left + size + 12, top + 12, f"ECE {report.ece:.3f}", size=11))
    body.append(_text(left + size + 12, top + 28, f"Brier {report.brier:.3f}", size=11))
    return _svg(
        chart_id, left + size + 200, top + size + 40, "Reliability diagram: accuracy per confidence bin", body
    )
