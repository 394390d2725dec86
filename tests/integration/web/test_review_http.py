"""The review API: blind items, labels that reveal verdicts only once given, sampling only for leads."""

from __future__ import annotations

from tests import world as data
from tests.world import WebWorld


def test_review_api_is_blind_until_labelled_and_sampling_is_for_leads(world: WebWorld) -> None:
    rid = data.stored_round(
        world.store, release_id=None, outcomes={"injection.direct": ["fail", "pass", "pass"]}
    )
    tester, lead = world.client("tess"), world.client("lena")
    refused = tester.post(f"/api/rounds/{rid}/review/sample", json={"n": 3})
    assert refused.status_code == 403
    sampled = lead.post(f"/api/rounds/{rid}/review/sample", json={"n": 3, "per_item": 1})
    assert sampled.status_code == 200 and sampled.json() == {"round_id": rid, "queued": 3}

    item = tester.get("/api/review/next", params={"round": rid}).json()["item"]
    assert set(item) == {"item_id", "round_id", "category", "parts", "masked", "remaining"}
    assert "canary" not in str(item) and "fail" not in str(item)
    assert tester.get(f"/api/review/items/{item['item_id']}").status_code == 200

    bad = tester.post(f"/api/review/items/{item['item_id']}", json={"label": "maybe"})
    assert bad.status_code == 422
    done = tester.post(f"/api/review/items/{item['item_id']}", json={"label": "fail", "note": "steps given"})
    assert done.status_code == 200
    assert done.json()["label"]["label"] == "fail" and set(done.json()["verdicts"]) == {"canary", "overall"}
    again = tester.post(f"/api/review/items/{item['item_id']}", json={"label": "pass"})
    assert again.status_code >= 400  # one label per reviewer, and the item is complete
    summary = lead.get(f"/api/rounds/{rid}/review").json()
    assert (summary["items"], summary["labels"], summary["complete"]) == (3, 1, 1)
    assert world.client("vic").get("/api/review/next").status_code == 403
