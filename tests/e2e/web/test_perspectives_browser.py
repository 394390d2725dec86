"""The plan page in a real browser: a lead reads the perspectives its threats call for and the gaps."""

from __future__ import annotations

from typing import Any

import pytest

from redline.core.people.perspectives import PerspectiveKind
from redline.program.catalog import plans as plans_program
from redline.program.catalog.plans import PlanSpec
from redline.program.people import perspectives
from tests.e2e.web.test_browser import _sign_in
from tests.world import WebWorld

pytestmark = pytest.mark.slow


def test_a_lead_sees_the_perspective_gaps_of_a_plan(
    live: tuple[WebWorld, str], browser: Any, shot: Any
) -> None:
    world, base = live
    perspectives.declare(
        world.store,
        world.settings,
        user="tess",
        entries=[(PerspectiveKind.DOMAIN, "discrimination"), (PerspectiveKind.COMMUNITY, "protected groups")],
        consent=True,
    )
    with world.store.session() as s:
        plan = plans_program.create_plan(
            s,
            PlanSpec(title="Fairness round", threats=("bias.stereotype",), testers=("tess", "eli")),
            settings=world.settings,
            user="lena",
        )
    page = browser.new_page()
    _sign_in(page, base, "lena", f"/plans/{plan.id}")
    gaps = page.locator("#perspective-gaps")
    assert gaps.is_visible()
    text = gaps.inner_text()
    assert "2 of 4 perspectives" in text
    assert "lived experience: discrimination" in text
    assert "affected community: young users forming views" in text
    assert "domain expertise: discrimination" not in text
    rows = page.locator("#perspective-coverage tbody tr")
    assert rows.count() == 4
    table = page.inner_text("#perspective-coverage")
    assert "affected community: protected groups\tbias.stereotype\tcovered" in table
    # The gap list sits above the approval card: a lead meets it first.
    gap_box = gaps.bounding_box()
    quorum = page.locator("#quorum").bounding_box()
    assert gap_box is not None and quorum is not None and gap_box["y"] < quorum["y"]
    shot(page, "plan-perspectives")
