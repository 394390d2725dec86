"""The anonymous concern channel in a real browser: a tester raises a concern, the committee answers,
the reporter reads the answer signed out with the claim code and follows up. Screenshots go to
test-artifacts/web/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.world import PASSWORD, WebWorld

pytestmark = pytest.mark.slow

CONCERN = "The chat@1.0 release was signed before the jailbreak round finished."


def _sign_in(page: Any, base: str, user: str, next_path: str) -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def test_a_concern_is_raised_answered_and_followed_up_anonymously(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    tester = browser.new_page()
    errors: list[str] = []
    tester.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(tester, base, "tess", "/")
    tester.click("#raise-concern")
    tester.wait_for_url(f"{base}/concerns/new")
    tester.select_option("#subject_kind", "release_decision")
    tester.fill("#reference", world.release)
    tester.fill("#text", CONCERN)
    tester.click("#concern-form button[type=submit]")
    expect(tester.locator("#claim-code")).to_be_visible()
    claim = tester.inner_text("#claim-code").strip()
    assert len(claim.replace("-", "")) == 32
    shot(tester, "claim-code")
    tester.close()

    committee = browser.new_page()
    _sign_in(committee, base, "cora", "/concerns")
    expect(committee.locator("#concerns")).to_contain_text("release decision")
    committee.click("#concerns tbody a")
    committee.wait_for_url(f"{base}/concerns/cn_*")
    concern_url = committee.url
    committee.fill("#answer", "Thank you. We are checking the gate record against the round log.")
    committee.click("#respond-form button[type=submit]")
    committee.wait_for_url(concern_url)
    expect(committee.locator("#thread")).to_contain_text("checking the gate record")

    reporter = browser.new_page()  # a fresh browser context: signed out
    reporter.goto(f"{base}/concerns/claim")
    reporter.fill("#code", "AAAA-BBBB-CCCC-DDDD")
    reporter.click("#claim-form button[type=submit]")
    expect(reporter.locator("#claim-error")).to_contain_text("No concern matches this claim code")
    assert CONCERN not in reporter.inner_text("main") and "checking the gate" not in reporter.inner_text(
        "main"
    )
    shot(reporter, "wrong-code")
    reporter.fill("#code", claim.lower())
    reporter.click("#claim-form button[type=submit]")
    expect(reporter.locator("#concern")).to_contain_text(CONCERN)
    expect(reporter.locator("#thread")).to_contain_text("checking the gate record")
    expect(reporter.locator("#thread")).to_contain_text("committee")
    assert "cora" not in reporter.inner_text("#thread")
    reporter.fill("#follow-up", "It was the round started on the 12th.")
    reporter.click("#follow-up-form button[type=submit]")
    expect(reporter.locator("#thread")).to_contain_text("It was the round started on the 12th.")
    shot(reporter, "thread")

    committee.reload()
    expect(committee.locator("#thread")).to_contain_text("It was the round started on the 12th.")
    shot(committee, "committee-sees-follow-up")
    assert not errors
