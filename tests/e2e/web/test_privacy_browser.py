"""Personal data in a real browser: a viewer sees masks; an admin clicks to unmask one exchange."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from redline.program.people import accounts, privacy
from redline.store import audit
from tests.integration.web.pii import ADDRESS, CARD, EMAIL, NAME, PHONE, leaked, plant
from tests.world import PASSWORD, WebWorld

pytestmark = pytest.mark.slow


def _sign_in(page: Any, base: str, user: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{target}")


def test_a_viewer_sees_masks_and_an_admin_unmasks_one_exchange(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    planted = plant(world.store)
    with world.store.session() as s:
        accounts.set_password(s, name="vic", password=PASSWORD, acting="vic")
        accounts.set_password(s, name="ada", password=PASSWORD, acting="ada")
    target = f"/rounds/{planted.round_id}"
    exchange = f"#c-attempt-{planted.leak_attempt}"

    viewer = browser.new_context().new_page()
    _sign_in(viewer, base, "vic", target)
    text = viewer.inner_text(exchange)
    assert leaked(text) == []
    assert "[EMAIL-1]" in text and "[CARD-1]" in text and "[NAME-1]" in text
    assert viewer.locator(f"{exchange} [data-pii=masked]").is_visible()
    assert viewer.locator(f"{exchange} form.unmask").count() == 0
    assert leaked(viewer.content()) == []
    shot(viewer, "viewer")

    admin = browser.new_context().new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(admin, base, "ada", target)
    assert leaked(admin.inner_text(exchange)) == []
    admin.click(f"{exchange} form.unmask button[type=submit]")
    admin.wait_for_url(f"{base}/content/unmask")
    banner = admin.locator("[data-pii=unmasked]")
    assert banner.is_visible() and "audit log" in banner.inner_text()
    shown = admin.inner_text(f"#c-attempt-{planted.leak_attempt}")
    for value in (EMAIL, PHONE, CARD, NAME, ADDRESS):
        assert value in shown
    shot(admin, "unmasked")
    admin.click("text=Back to the masked view")
    admin.wait_for_url(f"{base}{target}")
    assert leaked(admin.inner_text(exchange)) == []

    # a flagged exchange: consent reveals it masked (in place), then the admin may unmask it
    flagged = f"#c-attempt-{planted.flagged_attempt}"
    admin.click(f"{flagged} form[data-consent] button[type=submit]")
    expect(admin.locator(f"{flagged} [data-pii=masked]")).to_be_visible()
    assert "[CARD-1]" in admin.inner_text(flagged) and leaked(admin.inner_text(flagged)) == []
    admin.click(f"{flagged} form.unmask button[type=submit]")
    admin.wait_for_url(f"{base}/content/unmask")
    assert CARD in admin.inner_text(flagged)
    assert not errors

    with world.store.session() as s:
        events = reversed(audit.list_events(s, action=privacy.UNMASK_ACTION))
        seen = [(e.actor, e.subject, e.payload["via"]) for e in events]
    assert seen == [
        ("ada", f"attempt:{planted.leak_attempt}", "web"),
        ("ada", f"attempt:{planted.flagged_attempt}", "web"),
    ]
