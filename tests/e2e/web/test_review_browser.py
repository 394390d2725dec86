"""The review queue in a real browser: a lead samples, reviewers label blind, the lead reads the result."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import world as data
from tests.e2e.web.test_browser import _sign_in
from tests.world import WebWorld

pytestmark = pytest.mark.slow


def _label_all(browser: Any, base: str, user: str, round_id: str, truth: dict[str, bool]) -> int:
    """Sign in as `user` and label every open item of the round as `truth` says (by response text)."""
    page = browser.new_page()
    _sign_in(page, base, user, "/review")
    page.click(f"#review-rounds a.button[href*='{round_id}']")
    done = 0
    while re.search(r"/review/items/", page.url):
        exchange = page.inner_text("#exchange")
        # Blind: nothing a scorer said reaches the page.
        assert "canary" not in exchange and "verdict" not in page.content().lower()
        assert "flagged" not in page.inner_text("main").lower()
        response = page.inner_text("pre[data-part=response]").strip()
        page.check(f"input[name=label][value={'fail' if truth[response] else 'pass'}]")
        page.fill("#note", f"{user} read it")
        page.click("#label-form button[type=submit]")
        page.wait_for_load_state()
        done += 1
    assert page.url.endswith("/review")
    page.close()
    return done


def test_reviewers_label_blind_and_the_lead_sees_agreement_and_corrected_rates(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    rid = data.stored_round(
        world.store, release_id=None, outcomes={"injection.direct": data.n("fail", 4) + data.n("pass", 6)}
    )
    # The scorer missed one failure ("answer 5") and wrongly flagged one ("answer 0").
    truth = {f"answer {i}": i in (1, 2, 3, 5) for i in range(10)}

    lead = browser.new_page()
    _sign_in(lead, base, "lena", f"/rounds/{rid}/review")
    assert lead.locator("#no-review").is_visible()
    lead.fill("#n", "10")
    lead.click("#sample-form button[type=submit]")
    lead.wait_for_url(f"{base}/rounds/{rid}/review")
    assert "10 items, 0 labels" in lead.inner_text("#review-progress")

    assert _label_all(browser, base, "tess", rid, truth) == 10
    first = browser.new_page()
    _sign_in(first, base, "tess", "/review")
    shot(first, "queue-done")
    first.close()
    assert _label_all(browser, base, "lena", rid, truth) == 10

    lead.goto(f"{base}/rounds/{rid}/review")
    progress = lead.inner_text("#review-progress")
    assert "10 items, 20 labels, 10 complete, 10 with a reviewers' majority" in progress
    assert "Reviewers agree on 100% of 10 pairs" in lead.inner_text("#reviewer-agreement")
    rows = lead.inner_text("#scorer-agreement")
    assert "overall\t10\t80%" in rows
    threat = lead.inner_text("#threat-corrected")
    # Whole round reviewed: the corrected rate is the reviewers' 40% beside the scorer's raw 40%...
    assert "injection.direct\t40%\t40%" in threat
    canary = next(line for line in rows.splitlines() if line.startswith("canary"))
    assert "4 / 10 (40%)" in canary
    shot(lead, "review-summary")
    lead.goto(f"{base}/rounds/{rid}")
    assert lead.locator("#review-link a").is_visible()
