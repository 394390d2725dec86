"""Onboarding in a real browser: a new tester is refused flagged content, onboards, then opens it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from redline.core.people.users import Role
from redline.program.people import accounts, onboarding
from redline.store.repos import users as users_repo
from tests.world import PASSWORD, WebWorld

pytestmark = pytest.mark.slow


def test_a_tester_onboards_in_the_browser_then_opens_flagged_content(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    with world.store.session() as s:
        users_repo.add_user(s, name="nora", roles={Role.TESTER}, actor="test")
        accounts.set_password(s, name="nora", password=PASSWORD, acting="nora")
    finding = f"/findings/{world.finding_id}"
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/login?next={finding}")
    page.fill("#username", "nora")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{finding}")

    subject = f"#c-exemplar-{world.finding_id}-0"
    page.click(f"{subject} button[type=submit]")
    note = page.locator(f"{subject} .consent-note")
    expect(note).to_contain_text("nora may not open flagged content: onboarding is not complete")
    assert "moon is cheese" not in page.inner_text(subject)
    shot(page, "refused")

    page.click("#onboarding-link")
    page.wait_for_url(f"{base}/onboarding?next=*")
    assert page.get_attribute("#onboarding-status", "data-state") == "missing"
    assert page.locator("#s-code-of-conduct h2").inner_text() == "Code of conduct"
    assert page.locator("section[data-kind=warning]").count() > 10  # unassigned: every warning
    shot(page, "material")
    page.check("#agree")
    page.click("#consent-form button[type=submit]")
    page.wait_for_url(f"{base}{finding}")
    assert "onboarding complete" in page.inner_text(".flash")

    page.click(f"{subject} button[type=submit]")
    expect(page.locator(subject)).to_contain_text("moon is cheese")
    shot(page, "revealed")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not errors
    status = onboarding.status(world.store, world.settings, user="nora")
    assert status.current and status.agreed[0].id == "code-of-conduct"

    page.goto(f"{base}/onboarding")
    assert page.get_attribute("#onboarding-status", "data-state") == "current"
    page.close()
