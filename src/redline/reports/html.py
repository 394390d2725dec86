"""Render the report model as one self-contained HTML file: inline CSS, inline SVG, no script, no network."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from redline.core.analysis.comparison import Change
from redline.core.ids import content_hash
from redline.reports import charts
from redline.reports.analyses import render_analyses_html
from redline.reports.model import ReportModel
from redline.reports.summary import OUTCOME_WORDS
from redline.reports.transcripts import CONTENT_WARNING

CHANGE_WORDS = {
    Change.FIXED.value: "fixed",
    Change.REGRESSED.value: "regressed",
    Change.NEW.value: "new failures",
    Change.UNCHANGED.value: "no significant change",
    Change.IMPROVED.value: "improved",
    Change.NOT_TESTED.value: "not tested in the latest release",
}


def _pct(value: float) -> str:
    return f"{value:.0%}" if value in (0.0, 1.0) or value >= 0.1 else f"{value:.1%}"


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("redline.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, dt=_dt, pretty=_pretty)
    return env


def _css() -> Markup:
    # Our own stylesheet, inlined as trusted text: inside <style> entities are not decoded.
    return Markup(
        (resources.files("redline.reports") / "templates" / "report.css").read_text(encoding="utf-8")
    )


def report_title(model: ReportModel) -> str:
    """The title of a report, e.g. 'Red-team report: chat-assistant 1.2'."""
    if model.scope.system:
        return f"Red-team report: {model.scope.system} {model.scope.release or ''}".strip()
    return f"Red-team report: {model.scope.program}"


def render_html(model: ReportModel) -> str:
    """The whole report as one HTML document; every string from the store is escaped."""
    template = _environment().get_template("report.html")
    return template.render(
        r=model,
        title=report_title(model),
        css=_css(),
        charts={
            "heatmap": charts.heatmap_svg(model.heatmap),
            "rates": charts.rate_chart_svg(model.rates),
            "severity": charts.severity_svg(model.severity),
            "coverage": charts.coverage_svg(model.coverage.categories),
            "trend": charts.trend_svg(model.trends.points),
        },
        outcome_words={k.value: v.split(":")[0].upper() for k, v in OUTCOME_WORDS.items()},
        change_words=CHANGE_WORDS,
        level_fill={lv.value: fill for lv, fill in charts.LEVEL_FILL.items()},
        content_warning=CONTENT_WARNING,
        report_hash=content_hash(model.model_dump(mode="json")),
        analyses_html=render_analyses_html(model.analyses),
    )
