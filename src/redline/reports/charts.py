"""Inline SVG charts for the HTML report: heat map, failure rates with intervals, severity, coverage, trend.

Every chart is plain SVG text built here (no script, no external file), with a <title> and an
aria-label, and every number it draws is also printed in a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.reports.model import ThreatRate
from redline.reports.sections import CategoryCoverage, HeatMap, SeverityCount, TrendPoint

LEVEL_FILL = {
    RiskLevel.LOW: "#cfe8d0",
    RiskLevel.MEDIUM: "#fbe7a1",
    RiskLevel.HIGH: "#f7c08a",
    RiskLevel.CRITICAL: "#eea3a3",
}
LEVEL_INK = {
    RiskLevel.LOW: "#1f5f24",
    RiskLevel.MEDIUM: "#6b5300",
    RiskLevel.HIGH: "#8a3d00",
    RiskLevel.CRITICAL: "#8e1616",
}
INK = "#1d2330"
MUTED = "#5b6472"
GRID = "#d9dde3"
BAR = "#3b5b92"
ADHOC = "#8a6bb0"


def _words(member: Likelihood | Impact) -> str:
    return member.name.replace("_", " ").capitalize()


def _svg(chart_id: str, width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "", size: int = 12) -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{INK}"{klass}>'
        f"{escape(text)}</text>"
    )


def heatmap_svg(heat: HeatMap) -> Markup:
    """The 5x5 likelihood x impact matrix with the number of open findings in each cell."""
    cw, ch, left, top = 92, 52, 150, 16
    body: list[str] = []
    for r, row in enumerate(heat.rows):
        y = top + r * ch
        body.append(
            _text(
                left - 10,
                y + ch / 2 + 4,
                f"{int(row[0].likelihood)} {_words(row[0].likelihood)}",
                anchor="end",
            )
        )
        for c, cell in enumerate(row):
            x = left + c * cw
            tip = f"likelihood {int(cell.likelihood)} x impact {int(cell.impact)}: {cell.level.value}, "
            tip += f"{cell.count} open finding(s)" + (
                f": {', '.join(cell.finding_ids)}" if cell.finding_ids else ""
            )
            body.append(
                f'<g class="heat-cell" data-likelihood="{int(cell.likelihood)}" '
                f'data-impact="{int(cell.impact)}"'
                f' data-level="{cell.level.value}" data-count="{cell.count}"><title>{escape(tip)}</title>'
                f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" rx="3" '
                f'fill="{LEVEL_FILL[cell.level]}"/>'
            )
            if cell.count:
                body.append(
                    f'<text x="{x + cw / 2 - 1:.1f}" y="{y + ch / 2 + 7:.1f}" font-size="20" '
                    'font-weight="700" '
                    f'text-anchor="middle" fill="{LEVEL_INK[cell.level]}">{cell.count}</text>'
                )
            else:
                body.append(
                    f'<text x="{x + cw / 2 - 1:.1f}" y="{y + ch / 2 + 4:.1f}" font-size="10" '
                    f'text-anchor="middle" fill="{LEVEL_INK[cell.level]}">{cell.level.value}</text>'
                )
            body.append("</g>")
    base = top + 5 * ch
    for c, impact in enumerate(Impact):
        body.append(
            _text(left + c * cw + cw / 2, base + 16, f"{int(impact)} {_words(impact)}", anchor="middle")
        )
    body.append(
        _text(left + 2.5 * cw, base + 36, "Impact (how bad when it happens)", anchor="middle", size=13)
    )
    body.append(
        f'<text transform="translate(14 {top + 2.5 * ch:.0f}) rotate(-90)" font-size="13" '
        'text-anchor="middle" '
        f'fill="{INK}">Likelihood</text>'
    )
    total = sum(c.count for row in heat.rows for c in row)
    return _svg(
        "heatmap",
        left + 5 * cw + 10,
        base + 48,
        f"Risk heat map: {total} open findings by likelihood and impact",
        body,
    )


def rate_chart_svg(rates: Sequence[ThreatRate]) -> Markup:
    """Failure rate per threat as a bar, its 95% interval as a whisker, and the policy limit as a tick."""
    label_w, plot_w, text_w, row_h, top = 230, 380, 190, 30, 24
    height = top + row_h * max(len(rates), 1) + 26
    body: list[str] = []
    for pct in (0, 25, 50, 75, 100):
        x = label_w + plot_w * pct / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}"/>')
        body.append(_text(x, height - 8, f"{pct}%", anchor="middle", size=11))
    if not rates:
        body.append(_text(label_w, top + 16, "No scored evidence yet."))
    for i, r in enumerate(rates):
        y = top + i * row_h
        mid = y + row_h / 2
        name = r.threat_id if len(r.threat_id) <= 32 else r.threat_id[:31] + "…"
        tip = f"{r.title}: {r.failures}/{r.n} failed, {r.rate:.1%} (95% CI {r.low:.1%}-{r.high:.1%})"
        color = ADHOC if r.adhoc else BAR
        body.append(f'<g class="rate-row" data-threat="{escape(r.threat_id)}"><title>{escape(tip)}</title>')
        body.append(_text(label_w - 8, mid + 4, name + (" (ad hoc)" if r.adhoc else ""), anchor="end"))
        if r.n == 0:  # nothing scored: no rate to draw, and an empty bar would read as 0%
            unscored = f"no scored case ({r.could_not_score + r.errors} not scored)"
            body.append(_text(label_w + 4, mid + 4, unscored, size=11) + "</g>")
            continue
        body.append(
            f'<rect class="rate-bar" x="{label_w}" y="{mid - 6:.1f}" width="{plot_w * r.rate:.1f}" '
            'height="12" '
            f'fill="{color}" opacity="0.85"/>'
        )
        lo, hi = label_w + plot_w * r.low, label_w + plot_w * r.high
        body.append(
            f'<g class="rate-ci" stroke="{INK}" stroke-width="1.5">'
            f'<line x1="{lo:.1f}" y1="{mid:.1f}" x2="{hi:.1f}" y2="{mid:.1f}"/>'
            f'<line x1="{lo:.1f}" y1="{mid - 6:.1f}" x2="{lo:.1f}" y2="{mid + 6:.1f}"/>'
            f'<line x1="{hi:.1f}" y1="{mid - 6:.1f}" x2="{hi:.1f}" y2="{mid + 6:.1f}"/></g>'
        )
        if r.limit is not None:
            lx = label_w + plot_w * r.limit
            stroke = "#b3261e" if r.above_limit else MUTED
            body.append(
                f'<line class="rate-limit" x1="{lx:.1f}" y1="{y + 3}" x2="{lx:.1f}" y2="{y + row_h - 3}" '
                f'stroke="{stroke}" stroke-width="2" stroke-dasharray="3 2"/>'
            )
        summary = f"{r.failures}/{r.n} · {r.rate:.0%} ({r.low:.0%}-{r.high:.0%})"
        body.append(_text(label_w + plot_w + 10, mid + 4, summary, size=11) + "</g>")
    width = label_w + plot_w + text_w
    return _svg("rate-chart", width, height, "Failure rate per threat with 95% intervals", body)


def severity_svg(counts: Sequence[SeverityCount]) -> Markup:
    """Findings per risk level: all of them, and the open ones drawn darker on top."""
    label_w, plot_w, row_h, top = 90, 360, 30, 10
    most = max((c.total for c in counts), default=0) or 1
    body: list[str] = []
    for i, c in enumerate(counts):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 18, c.level.value.capitalize(), anchor="end"))
        body.append(
            f'<rect class="severity-total" x="{label_w}" y="{y + 6}" width="{plot_w * c.total / most:.1f}" '
            f'height="16" fill="{LEVEL_FILL[c.level]}"/>'
            f'<rect class="severity-open" x="{label_w}" y="{y + 6}" width="{plot_w * c.open / most:.1f}" '
            f'height="16" fill="{LEVEL_INK[c.level]}" opacity="0.8"/>'
        )
        body.append(_text(label_w + plot_w + 8, y + 18, f"{c.open} open of {c.total}", size=11))
    return _svg(
        "severity-chart",
        label_w + plot_w + 110,
        top + row_h * len(counts) + 8,
        "Findings by risk level",
        body,
    )


def coverage_svg(categories: Sequence[CategoryCoverage]) -> Markup:
    """Share of each harm category's catalog threats that have evidence."""
    label_w, plot_w, row_h, top = 200, 320, 26, 8
    body: list[str] = []
    for i, c in enumerate(categories):
        y = top + i * row_h
        share = c.tested / c.threats if c.threats else 0.0
        body.append(_text(label_w - 8, y + 16, c.category, anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{plot_w}" height="14" fill="{GRID}"/>'
            f'<rect class="coverage-bar" x="{label_w}" y="{y + 5}" width="{plot_w * share:.1f}" height="14" '
            f'fill="{BAR}"/>'
        )
        body.append(_text(label_w + plot_w + 8, y + 16, f"{c.tested} of {c.threats} threats", size=11))
    return _svg(
        "coverage-chart",
        label_w + plot_w + 120,
        top + row_h * max(len(categories), 1) + 8,
        "Catalog coverage by harm category",
        body,
    )


def trend_svg(points: Sequence[TrendPoint]) -> Markup:
    """Overall failure rate per release with 95% intervals, oldest release on the left."""
    left, top, plot_w, plot_h = 56, 14, 560, 200
    top_value = max([p.high for p in points] + [0.2])
    ceiling = min(1.0, math.ceil(top_value * 5 - 1e-9) / 5)  # 20%, 40%, ... so the four steps are round
    body: list[str] = []
    for k in range(5):
        v = ceiling * k / 4
        y = top + plot_h - plot_h * v / ceiling
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{v:.0%}", anchor="end", size=11))
    step = plot_w / max(len(points), 1)
    coords = []
    for i, p in enumerate(points):
        x = left + step * (i + 0.5)
        y = top + plot_h - plot_h * p.rate / ceiling
        y_lo = top + plot_h - plot_h * p.low / ceiling
        y_hi = top + plot_h - plot_h * p.high / ceiling
        coords.append(f"{x:.1f},{y:.1f}")
        tip = (
            f"release {p.release}: {p.failures}/{p.n} failed, {p.rate:.1%} (95% CI {p.low:.1%}-{p.high:.1%})"
        )
        body.append(
            f'<g class="trend-point" data-release="{escape(p.release)}"><title>{escape(tip)}</title>'
            f'<line x1="{x:.1f}" y1="{y_lo:.1f}" x2="{x:.1f}" y2="{y_hi:.1f}" stroke="{INK}" '
            'stroke-width="1.5"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if p.current else 4}" fill="{BAR}"/></g>'
        )
        body.append(
            _text(
                x, top + plot_h + 18, p.release + (" (this)" if p.current else ""), anchor="middle", size=11
            )
        )
    if len(coords) > 1:
        body.insert(
            0, f'<polyline points="{" ".join(coords)}" fill="none" stroke="{BAR}" stroke-width="1.5"/>'
        )
    if not points:
        body.append(_text(left + 10, top + 20, "No release history yet."))
    return _svg(
        "trend-chart",
        left + plot_w + 20,
        top + plot_h + 30,
        "Overall failure rate per release with 95% intervals",
        body,
    )
