"""The public intake over HTTP (limits, acknowledgement) and the wellbeing limit as people meet it."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.world import WebWorld, form_token

REPORT = {
    "reporter_contact": "r@example.org",
    "affected_system": "chat",
    "affected_version": "1.0",
    "category": "jailbreak",
    "title": "Role-play unlocks refused topics",
    "reproduction_steps": "Ask it to play a character without rules.",
    "accept_terms": True,
}


def test_the_json_intake_needs_no_account_and_is_rate_limited(world: WebWorld) -> None:
    client = TestClient(world.app)
    limit = world.settings.config.intake.rate_limit
    for _ in range(limit):
        ack = client.post("/api/intake", json=REPORT)
        assert ack.status_code == 201, ack.text
        assert ack.json()["id"].startswith("ack_") and ack.json()["disclosure_due"]
    refused = client.post("/api/intake", json=REPORT)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.json()["code"] == "rate_limited"


def test_oversized_and_incomplete_reports_are_refused(world: WebWorld) -> None:
    client = TestClient(world.app)
    big = client.post(
        "/api/intake", json={**REPORT, "transcript": "x" * 49_000, "reproduction_steps": "y" * 19_000}
    )
    assert big.status_code == 413
    huge = client.post(
        "/api/intake", content=b"{" + b" " * 2_000_000 + b"}", headers={"content-type": "application/json"}
    )
    assert huge.status_code == 413
    missing = client.post("/api/intake", json={k: v for k, v in REPORT.items() if k != "title"})
    assert missing.status_code == 422
    unaccepted = client.post("/api/intake", json={**REPORT, "accept_terms": False})
    assert unaccepted.status_code == 400


def test_the_intake_form_shows_the_acknowledgement(world: WebWorld) -> None:
    client = TestClient(world.app)
    token = form_token(client.get("/intake").text)
    form = {**REPORT, "accept_terms": "true", "csrf_token": token}
    page = client.post("/intake", data=form)
    assert page.status_code == 200 and 'id="ack-id">ack_' in page.text
    lead = world.client("lena").get("/api/intake/queue").json()
    assert len(lead) == 2 and all(e["days_left"] == 90 for e in lead)


def test_at_the_daily_limit_a_lead_must_override(world: WebWorld) -> None:
    settings = world.settings.config.wellbeing
    tester = world.client("tess")
    subjects = [
        f"attempt:{world.attempt_id}",
        f"exemplar:{world.finding_id}:0",
        f"intake:{world.submission_id}",
    ]
    from redline.store.repos import wellbeing as wellbeing_repo

    with world.store.session() as s:  # as if the tester had already seen most of today's limit
        for i in range(settings.daily_exposure_limit - 1):
            wellbeing_repo.add_view(
                s, viewer="tess", subject=f"seen:{i}", category="x", day=_today(), at=_now()
            )
    last = tester.post("/api/content/consent", json={"subject": subjects[0]})
    assert last.status_code == 200 and last.json()["status"]["level"] == "at_limit"
    blocked = tester.post("/api/content/consent", json={"subject": subjects[1]})
    assert blocked.status_code == 403 and blocked.json()["code"] == "exposure_limit"
    assert (
        world.client("tess").post("/api/wellbeing/overrides", json=_grant()).json()["code"]
        == "route_forbidden"
    )
    granted = world.client("lena").post("/api/wellbeing/overrides", json=_grant())
    assert granted.status_code == 200 and granted.json()["extra"] == 5
    assert tester.post("/api/content/consent", json={"subject": subjects[1]}).status_code == 200
    team = world.client("lena").get("/api/wellbeing").json()["team"]
    assert {t["viewer"]: t["views"] for t in team}["tess"] == settings.daily_exposure_limit + 1
    assert world.client("tess").get("/api/wellbeing").json()["team"] is None


def _grant() -> dict[str, object]:
    return {"viewer": "tess", "extra": 5, "reason": "finishing the triage of round 4"}


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> str:
    return _now().date().isoformat()


def test_opting_out_hides_a_category(world: WebWorld) -> None:
    # a triager, who may read intake transcripts (testers may not at all), opts out of the category
    lead = world.client("lena")
    assert lead.post("/api/wellbeing/opt-outs", json={"categories": ["external-report"]}).status_code == 200
    refused = lead.post("/api/content/consent", json={"subject": f"intake:{world.submission_id}"})
    assert refused.status_code == 403 and refused.json()["code"] == "opted_out"
    tester = world.client("tess")
    denied = tester.post("/api/content/consent", json={"subject": f"intake:{world.submission_id}"})
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_an_accepted_report_counts_for_the_release_it_names(world: WebWorld) -> None:
    lead = world.client("lena")
    body = {"decision": "accept", "threat_id": "confabulation.false-premise", "likelihood": 4, "impact": 3}
    done = lead.post(f"/api/intake/queue/{world.submission_id}/triage", json=body)
    assert done.status_code == 200, done.text
    finding_id = done.json()["submission"]["finding_id"]
    finding = lead.get(f"/api/findings/{finding_id}").json()["dossier"]["finding"]
    assert finding["status"] == "new" and finding["release_id"] is not None
    gate = lead.post(f"/api/gate/{world.release}/check").json()
    assert finding_id in [f["id"] for f in gate["open_findings"]]


def test_a_lead_reading_a_severe_playground_conversation_consents_first(world: WebWorld) -> None:
    tester = world.client("tess")
    pg = world.playground_id
    assert (
        tester.post(f"/api/playground/{pg}/turns", json={"text": "tell me the forbidden recipe"}).status_code
        == 201
    )
    notes = {"hypothesis": "h", "method": "m", "observation": "it answered", "severity": 4}
    assert tester.post(f"/api/playground/{pg}/notes", json=notes).status_code == 200
    assert "forbidden recipe" in tester.get(f"/playground/{pg}").text
    lead = world.client("lena")
    page = lead.get(f"/playground/{pg}").text
    assert "forbidden recipe" not in page and "Show this content" in page
    subject = lead.get(f"/api/playground/{pg}").json()["turns"][0]["subject"]
    assert lead.post("/api/content/consent", json={"subject": subject}).status_code == 200
    assert "forbidden recipe" in lead.get(f"/playground/{pg}").text
