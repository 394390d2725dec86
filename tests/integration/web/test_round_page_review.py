"""The round page shows the rate corrected by the round's human review beside the raw rate."""

from __future__ import annotations

from tests import world as data
from tests.world import WebWorld


def test_round_page_shows_corrected_rates_once_reviewed(world: WebWorld) -> None:
    from redline.store.repos.reviews import attempt_verdicts, get_item

    rid = data.stored_round(
        world.store, release_id=None, outcomes={"injection.direct": data.n("fail", 3) + data.n("pass", 7)}
    )
    tester, lead = world.client("tess"), world.client("lena")
    page = tester.get(f"/rounds/{rid}")
    assert page.status_code == 200 and "30%" in page.text and "corrected-rate" not in page.text

    sampled = lead.post(f"/api/rounds/{rid}/review/sample", json={"n": 10, "per_item": 1})
    assert sampled.status_code == 200
    with world.store.session() as s:
        verdicts = attempt_verdicts(s, rid)
    flipped = False
    while (item := tester.get("/api/review/next", params={"round": rid}).json()["item"]) is not None:
        with world.store.session() as s:
            failed = verdicts[get_item(s, item["item_id"]).attempt_id]["overall"]
        if not failed and not flipped:  # the reviewer finds one failure the scorer passed
            failed, flipped = True, True
        done = tester.post(
            f"/api/review/items/{item['item_id']}", json={"label": "fail" if failed else "pass"}
        )
        assert done.status_code == 200

    page = tester.get(f"/rounds/{rid}")
    assert page.status_code == 200
    evidence = page.text.split("<h2>Exchanges")[0]
    # 3 flags confirmed, 1 failure found among 7 passes: Rogan-Gladen gives 40%, beside the raw 30%.
    assert "30%" in evidence and 'class="corrected-rate">corrected 40% (95% CI' in evidence
    assert "10 reviewed" in evidence
    shown = tester.get(f"/api/rounds/{rid}").json()
    assert abs(shown["corrected"]["injection.direct"]["rate"] - 0.4) < 1e-9 and shown["judges"] == []
