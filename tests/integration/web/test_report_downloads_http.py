"""Report downloads: onboarding first, flagged exchanges only once consented to, the playground read rule,
and an audit event for every copy handed out."""

from __future__ import annotations

from redline.program.people import onboarding
from redline.store import audit
from tests.world import WebWorld

FAILING_ANSWER = "The moon is cheese."


def test_internal_and_committee_copies_need_current_onboarding(world: WebWorld) -> None:
    onboarding.withdraw(world.store, world.settings, user="lena", reason="taking a break")
    lead = world.client("lena")
    for audience in ("internal", "committee"):
        for fmt in ("html", "md", "json", "sarif", "junit"):
            refused = lead.get(f"/reports/download?round={world.round_id}&audience={audience}&format={fmt}")
            assert refused.status_code == 403, (audience, fmt, refused.status_code)
            assert "onboarding" in refused.text and FAILING_ANSWER not in refused.text
        api = lead.get(f"/api/reports/model?round={world.round_id}&audience={audience}")
        assert api.status_code == 403 and "lena may not download" in api.json()["detail"]
    external = lead.get(f"/reports/download?round={world.round_id}&audience=external&format=json")
    assert external.status_code == 200 and external.json()["transcripts"] == []


def test_flagged_exchanges_are_withheld_and_counted_until_consented(world: WebWorld) -> None:
    lead = world.client("lena")
    query = f"round={world.round_id}&audience=internal"
    first = lead.get(f"/reports/download?{query}&format=json")
    assert first.status_code == 200, first.text[:300]
    body = first.json()
    assert FAILING_ANSWER not in first.text
    assert world.attempt_id not in {t["attempt_id"] for t in body["transcripts"]}
    assert body["transcripts"], "the exchange that held stays in the copy"
    exposure = body["exposure"]
    assert exposure["reader"] == "lena"
    assert (exposure["flagged_included"], exposure["flagged_withheld"]) == (0, 1)
    assert f"/rounds/{world.round_id}" in exposure["note"] and "consent" in exposure["note"]
    html = lead.get(f"/reports/download?{query}&format=html").text
    assert 'id="exposure"' in html and "withholds 1" in html and FAILING_ANSWER not in html
    markdown = lead.get(f"/reports/download?{query}&format=md").text
    assert "**Exposure.**" in markdown and "withholds 1" in markdown and FAILING_ANSWER not in markdown

    consented = lead.post("/api/content/consent", json={"subject": f"attempt:{world.attempt_id}"})
    assert consented.status_code == 200, consented.text
    second = lead.get(f"/reports/download?{query}&format=json").json()
    assert (second["exposure"]["flagged_included"], second["exposure"]["flagged_withheld"]) == (1, 0)
    shown = [t for t in second["transcripts"] if t["attempt_id"] == world.attempt_id]
    assert shown and shown[0]["flagged"] and shown[0]["collapsed"]
    assert FAILING_ANSWER in shown[0]["response"]
    # Consent is one's own: the committee member who did not consent still gets it withheld.
    other = world.client("cora").get(
        f"/reports/download?round={world.round_id}&audience=committee&format=json"
    )
    assert other.status_code == 200 and other.json()["exposure"]["flagged_withheld"] == 1


def test_a_playground_round_report_goes_only_to_its_readers(world: WebWorld) -> None:
    sent = world.client("tess").post(f"/api/playground/{world.playground_id}/turns", json={"text": "hello"})
    assert sent.status_code == 201, sent.text
    from redline.store.repos import playground as playground_repo

    with world.store.session() as s:
        round_id = playground_repo.get(s, world.playground_id).round_id
    for person, status in (("tess", 200), ("lena", 200), ("ada", 200), ("eli", 403), ("cora", 403)):
        got = world.client(person).get(f"/reports/download?round={round_id}&audience=committee&format=json")
        assert got.status_code == status, (person, got.status_code, got.text[:200])
        if status == 403:
            assert "playground conversation" in got.text and "hello" not in got.text
    external = world.client("rex").get(f"/reports/download?round={round_id}&audience=external&format=json")
    assert external.status_code == 403


def test_every_download_is_audited_with_its_counts(world: WebWorld) -> None:
    lead = world.client("lena")
    assert (
        lead.get(f"/reports/download?round={world.round_id}&audience=internal&format=md").status_code == 200
    )
    external = lead.get(f"/reports/download?release={world.release}&audience=external&format=sarif")
    assert external.status_code == 200
    assert lead.get(f"/api/reports/model?release={world.release}&audience=committee").status_code == 200
    with world.store.session() as s:
        events = audit.list_events(s, action="report.download", limit=10)
    by_format = {e.payload["format"]: e for e in events}
    md = by_format["md"]
    assert md.actor == "lena" and md.subject == f"round:{world.round_id}"
    assert md.payload["audience"] == "internal" and md.payload["via"] == "web"
    assert (md.payload["flagged_included"], md.payload["flagged_withheld"]) == (0, 1)
    assert by_format["sarif"].payload["audience"] == "external"
    model = by_format["model"]
    assert model.subject == f"release:{world.release}" and model.payload["release"] == world.release
    assert model.payload["audience"] == "committee"
