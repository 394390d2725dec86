"""A round's breakdowns and analyses as a reader sees them in Chromium: the HTML report opened from disk and
the web round page, each with the per-technique, per-converter, per-configuration, disparity and
calibration tables and a drawn chart beside each. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from redline.catalog.loader import load_catalog
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.model import ReportFormat
from redline.reports.render import render
from tests.e2e.web.test_browser import _sign_in
from tests.integration.analyses_world import add_analyses_round
from tests.world import WebWorld

pytestmark = pytest.mark.slow

SECTIONS = ("technique", "converter", "configuration", "disparity")


def _sees_every_analysis(page: Any) -> None:
    """Each table is shown with rows, and each chart is drawn with a visible size and its marks."""
    for name in (*SECTIONS, "calibration"):
        table = page.locator(f"#{name}-table-1")
        expect(table).to_be_visible()
        assert table.locator("tbody tr").count() > 0
    for name in (*SECTIONS, "reliability"):
        chart = page.locator(f"svg#{name}-chart-1")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 60
    assert page.locator("svg#configuration-chart-1 .baseline-band").count() == 1
    assert page.locator("svg#reliability-chart-1 .reliability-bin").count() == 2
    assert page.locator("svg#disparity-chart-1 .effect-row").count() == 6
    baseline = page.inner_text("#baseline-1")
    assert "1 / 12" in baseline and "8.3%" in baseline
    rows = page.locator("#configuration-table-1 tbody tr")
    assert "baseline" not in page.inner_text("#configuration-table-1 tbody")
    first = rows.first.inner_text()
    assert "missing-safety-preamble" in first and "+83 pts" in first and "worse" in first
    woman = page.locator("#disparity-table-1 tr.flagged")
    assert woman.count() == 1 and "woman vs unstated" in woman.inner_text()
    summary = page.inner_text("#calibration-summary-1")
    assert "0.180" in summary and "0.042" in summary


def test_report_and_round_page_show_the_analyses(
    live: tuple[WebWorld, str], browser: Any, shot: Any, tmp_path: Path
) -> None:
    world, base = live
    round_id = add_analyses_round(world.store, release_id=None)

    settings = world.settings
    with world.store.session() as s:
        model = build_report(
            s,
            ReportRequest(round_id=round_id, ner=False),
            catalog=load_catalog(settings.workspace / "catalog"),
            program=settings.config.name,
        )
    path = tmp_path / "report.html"
    path.write_bytes(render(model, ReportFormat.HTML))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    expect(page.locator("#analyses h2")).to_have_text("Breakdowns and analyses")
    _sees_every_analysis(page)
    page.locator("#analyses").scroll_into_view_if_needed()
    shot(page, "report")

    page = browser.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, base, "lena", f"/rounds/{round_id}")
    _sees_every_analysis(page)
    shot(page, "round-page")
    assert not errors
