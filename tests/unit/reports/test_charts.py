"""The SVG charts: the right elements, the right counts, and text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from redline.core.register.heatmap import RiskCell
from redline.core.register.risk import DEFAULT_MATRIX, Impact, Likelihood, RiskLevel
from redline.reports.charts import heatmap_svg, rate_chart_svg, severity_svg, trend_svg
from redline.reports.model import ThreatRate
from redline.reports.sections import HeatMap, SeverityCount, TrendPoint

SVG = "{http://www.w3.org/2000/svg}"


def _heat(counts: dict[tuple[int, int], int]) -> HeatMap:
    grid = DEFAULT_MATRIX.grid()
    rows = tuple(
        tuple(
            RiskCell(
                likelihood=Likelihood(5 - r),
                impact=Impact(c + 1),
                level=level,
                count=counts.get((5 - r, c + 1), 0),
            )
            for c, level in enumerate(row)
        )
        for r, row in enumerate(grid)
    )
    return HeatMap(rows=rows, thresholds={"low": 4, "medium": 9, "high": 16})


def _rate(
    threat: str, failures: int, n: int, *, limit: float | None = None, adhoc: bool = False
) -> ThreatRate:
    from redline.core.analysis.evidence import Evidence

    ev = Evidence.from_counts(threat, failures=failures, n=n)
    return ThreatRate(
        threat_id=threat,
        title=threat,
        harm_category="security",
        failures=failures,
        n=n,
        rate=ev.rate,
        low=ev.low,
        high=ev.high,
        method=ev.method,
        could_not_score=0,
        errors=0,
        limit=limit,
        above_limit=limit is not None and ev.high > limit,
        round_id="r",
        adhoc=adhoc,
    )


def test_heat_map_has_25_cells_with_counts_and_levels() -> None:
    root = ET.fromstring(str(heatmap_svg(_heat({(4, 4): 2, (1, 1): 1}))))
    assert root.get("id") == "heatmap"
    cells = [g for g in root.iter(f"{SVG}g") if g.get("class") == "heat-cell"]
    assert len(cells) == 25
    by = {(g.get("data-likelihood"), g.get("data-impact")): g for g in cells}
    assert (
        by[("4", "4")].get("data-count") == "2" and by[("4", "4")].get("data-level") == RiskLevel.HIGH.value
    )
    assert by[("5", "5")].get("data-level") == "critical" and by[("1", "1")].get("data-count") == "1"


def test_rate_chart_draws_bar_interval_and_limit_per_threat() -> None:
    rates = [_rate("injection.direct", 4, 12, limit=0.1), _rate("jailbreak.roleplay", 0, 10, adhoc=True)]
    root = ET.fromstring(str(rate_chart_svg(rates)))
    classes = [e.get("class") for e in root.iter()]
    assert (
        classes.count("rate-bar") == 2 and classes.count("rate-ci") == 2 and classes.count("rate-limit") == 1
    )
    text = "".join(root.itertext())
    assert "4/12" in text and "(ad hoc)" in text and "0/10" in text
    bars = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "rate-bar"]
    assert float(bars[0].get("width", "0")) > 0 and float(bars[1].get("width", "1")) == 0


def test_chart_text_is_escaped() -> None:
    svg = str(rate_chart_svg([_rate("x<script>alert(1)</script>", 1, 2)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def test_severity_and_trend_charts_are_well_formed() -> None:
    sev = severity_svg([SeverityCount(level=lv, total=2, open=1) for lv in reversed(RiskLevel)])
    assert ET.fromstring(str(sev)).get("id") == "severity-chart"
    points = [
        TrendPoint(release="1.0", release_id="a", failures=8, n=20, rate=0.4, low=0.2, high=0.6),
        TrendPoint(
            release="1.1", release_id="b", failures=2, n=20, rate=0.1, low=0.03, high=0.3, current=True
        ),
    ]
    root = ET.fromstring(str(trend_svg(points)))
    assert root.get("id") == "trend-chart"
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "trend-point"]) == 2
    assert root.find(f"{SVG}polyline") is not None


def test_a_threat_with_nothing_scored_gets_no_bar_but_says_so() -> None:
    root = ET.fromstring(str(rate_chart_svg([_rate("agency.goal-hijack", 0, 0)])))
    classes = [e.get("class") for e in root.iter()]
    assert "rate-bar" not in classes and "rate-ci" not in classes
    assert "no scored case" in "".join(root.itertext())
