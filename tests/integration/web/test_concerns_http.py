"""The concern channel over HTTP: who reaches what, one-time links, wrong claim codes and their throttle."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.world import WebWorld, form_token

CONCERN = {"subject_kind": "program", "text": "Findings from the bias round are being left out of reports."}


def test_only_the_committee_and_admins_read_the_queue(world: WebWorld) -> None:
    raised = world.client("tess").post("/api/concerns", json=CONCERN)
    assert raised.status_code == 201 and raised.json()["claim_code"]
    for person in ("tess", "lena", "eli", "vic"):
        assert world.client(person).get("/api/concerns").status_code == 403, person
    for person in ("cora", "ada"):
        assert [e["concern"]["text"] for e in world.client(person).get("/api/concerns").json()] == [
            CONCERN["text"]
        ]
    assert world.client("cora").post("/api/concerns/links", json={}).status_code == 403


def test_signed_out_people_need_a_one_time_link_to_raise(world: WebWorld) -> None:
    outsider = TestClient(world.app, follow_redirects=False)
    page = outsider.get("/concerns/new")
    assert page.status_code == 200 and 'id="concern-form"' not in page.text and "sign in" in page.text
    assert outsider.post("/api/concerns", json=CONCERN).status_code == 403
    issued = world.client("ada").post("/api/concerns/links", json={"days": 3}).json()
    form = outsider.get(issued["path"])
    assert 'id="concern-form"' in form.text and form.headers["referrer-policy"] == "no-referrer"
    raised = outsider.post(
        "/concerns/new", data={**CONCERN, "link": issued["token"], "csrf_token": form_token(form.text)}
    )
    assert raised.status_code == 200 and 'id="claim-code"' in raised.text
    again = outsider.get(issued["path"])
    assert 'id="bad-link"' in again.text and 'id="concern-form"' not in again.text
    assert outsider.post("/api/concerns", json={**CONCERN, "link": issued["token"]}).status_code == 403
    assert world.client("ada").get("/api/concerns/links").json() == []


def test_a_wrong_claim_code_reveals_nothing_and_guessing_is_throttled(world: WebWorld) -> None:
    code = world.client("tess").post("/api/concerns", json=CONCERN).json()["claim_code"]
    reader = TestClient(world.app, follow_redirects=False)
    opened = reader.post("/api/concerns/claim", json={"code": code.lower()})
    assert opened.status_code == 200 and opened.json()["text"] == CONCERN["text"]
    token = form_token(reader.get("/concerns/claim").text)
    wrong = reader.post("/concerns/claim", data={"code": "NOPE-NOPE", "csrf_token": token})
    assert wrong.status_code == 404 and 'id="claim-error"' in wrong.text
    assert CONCERN["text"] not in wrong.text and "NOPE" not in wrong.text
    assert not re.search(r"cn_[0-9a-f]{16}", wrong.text)
    statuses = [
        reader.post("/api/concerns/claim", json={"code": f"WRONG-{i}"}).status_code for i in range(12)
    ]
    assert statuses[:9] == [404] * 9 and statuses[-1] == 429
    refused = reader.post("/api/concerns/claim", json={"code": "WRONG-AGAIN"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    # the code is looked up before the throttle: the reporter's own code still opens the thread
    assert reader.post("/api/concerns/claim", json={"code": code}).status_code == 200


def test_handlers_answer_and_move_the_status_from_the_pages(world: WebWorld) -> None:
    code = world.client("tess").post("/api/concerns", json=CONCERN).json()["claim_code"]
    cora = world.client("cora")
    concern_id = cora.get("/api/concerns").json()[0]["concern"]["id"]
    page = cora.get(f"/concerns/{concern_id}")
    assert page.status_code == 200 and 'id="respond-form"' in page.text
    answered = cora.post(f"/concerns/{concern_id}/respond", data={"text": "Signed note.", "sign": "true"})
    assert answered.status_code == 303
    refused = cora.post(f"/concerns/{concern_id}/status", data={"status": "dismissed"})
    assert refused.status_code == 400
    moved = cora.post(
        f"/concerns/{concern_id}/status", data={"status": "dismissed", "reason": "Covered in report 3."}
    )
    assert moved.status_code == 303
    view = TestClient(world.app).post("/api/concerns/claim", json={"code": code}).json()
    assert view["status"] == "dismissed" and view["status_reason"] == "Covered in report 3."
    assert [e["author"] for e in view["thread"]] == ["committee", "cora (committee)", "committee"]
    queue = cora.get("/concerns?status=dismissed")
    assert concern_id in queue.text
