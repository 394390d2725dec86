"""The monitoring page in a real browser: after a benign baseline week and a drifted day, a lead finds
the page from the navigation, reads each scorer's rates with n and 95% intervals, PSI, KS p and the
verdict, sees the new failure mode with masked examples, and follows the links to the finding and the
gate. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from redline.program.register.monitoring import run_monitor
from tests.monitoring_data import DAY0, ListSource, RudeScorer, benign, embed
from tests.world import PASSWORD, WebWorld

pytestmark = pytest.mark.slow


def _monitor(world: WebWorld, source: ListSource, days: int) -> None:
    run_monitor(
        world.store,
        world.settings,
        release="chat@1.0",
        user="lena",
        now=DAY0 + timedelta(days=days),
        scorers=[RudeScorer()],
        exchange_sources=[source],
        embed=embed,
    )


def test_a_lead_reads_drift_and_a_new_failure_mode(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    source = ListSource()
    source.add(benign(300), at=DAY0, step=timedelta(minutes=30))
    _monitor(world, source, 7)
    odd = [f"Bananas fix everything, mail banana{i}@example.com" for i in range(8)]
    source.add(["Read the manual, idiot."] * 20 + odd + benign(30), at=DAY0 + timedelta(days=8, hours=12))
    _monitor(world, source, 9)

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/login?next=/")
    page.fill("#username", "lena")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.click("nav.main >> text=Monitoring")
    page.wait_for_url(f"{base}/monitoring")
    row = page.locator("#drift-checks tbody tr", has_text="rudeness")
    expect(row.locator(".verdict")).to_have_text("drift")
    expect(row).to_contain_text("0/300 = 0.0% [0.0, 1.2]")
    expect(row).to_contain_text("20/58 = 34.5%")
    cluster = page.locator(".cluster")
    expect(cluster).to_contain_text("8 answers unlike the baseline")
    expect(cluster.locator("li").first).to_contain_text("[EMAIL-1]")
    assert "@example.com" not in page.content()
    expect(page.locator("#opened")).to_contain_text("escalation")
    expect(page.locator("#runs tbody tr")).to_have_count(2)
    shot(page, "drift")

    page.locator("#opened a[href^='/findings/']").first.click()
    expect(page.locator("h1")).to_contain_text("production drift on rudeness")
    page.go_back()
    page.locator("#opened a[href^='/gate/']").first.click()
    page.wait_for_url(f"{base}/gate/chat@1.0")
    page.goto(f"{base}/monitoring")
    page.locator("#runs a").last.click()  # the baseline run: nothing judged yet
    expect(page.locator("#run")).to_contain_text("drift not judged: the baseline runs until")
    shot(page, "baseline-run")
    assert errors == []
