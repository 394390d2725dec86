"""The round page lists one page of exchanges, failures first, and links the next page."""

from __future__ import annotations

import re

from tests import world as data
from tests.world import WebWorld

PAGE = 50


def _labels(html: str) -> list[str]:
    """Exchange labels ('CASE turn N') in the order the page lists them."""
    return re.findall(r"(case_[0-9a-f]{20}) turn \d+", html.split("<h2>Exchanges")[1])


def test_round_page_shows_one_page_of_exchanges_and_links_the_next(world: WebWorld) -> None:
    outcomes = [*data.n("pass", 40), *data.n("fail", 12), *data.n("pass", 20)]  # 72, 12 failures
    rid = data.stored_round(world.store, release_id=None, outcomes={"injection.direct": outcomes})
    lead = world.client("lena")

    first = lead.get(f"/rounds/{rid}")
    assert first.status_code == 200
    shown = list(dict.fromkeys(_labels(first.text)))
    assert len(shown) == PAGE
    link = re.search(r'id="exchanges-next" href="([^"]+)"', first.text)
    assert link is not None

    api = lead.get(f"/api/rounds/{rid}").json()
    assert len(api["exchanges"]) == PAGE and api["next_after"]
    assert sum(e["flagged"] for e in api["exchanges"][:12]) == 12  # failures first
    assert not any(e["flagged"] for e in api["exchanges"][12:])

    second = lead.get(link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    rest = list(dict.fromkeys(_labels(second.text)))
    assert len(rest) == len(outcomes) - PAGE and not set(rest) & set(shown)
    assert 'id="exchanges-next"' not in second.text
    last = lead.get(f"/api/rounds/{rid}", params={"after": api["next_after"]}).json()
    assert len(last["exchanges"]) == len(outcomes) - PAGE and last["next_after"] is None


def test_a_malformed_cursor_starts_from_the_first_page(world: WebWorld) -> None:
    rid = data.stored_round(world.store, release_id=None, outcomes={"injection.direct": ["fail", "pass"]})
    lead = world.client("lena")
    got = lead.get(f"/api/rounds/{rid}", params={"after": "nonsense"}).json()
    assert len(got["exchanges"]) == 2 and got["next_after"] is None
    assert lead.get(f"/api/rounds/{rid}", params={"after": "x" * 201}).status_code == 422
