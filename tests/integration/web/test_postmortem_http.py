"""The finding page shows the post-mortem and saves it from its form (leads, as for triage); the JSON
twin edits it field by field; stored text renders inert."""

from __future__ import annotations

from tests.world import WEB_XSS, XSS_MARK, WebWorld


def test_the_finding_page_shows_and_saves_a_post_mortem(world: WebWorld) -> None:
    lena = world.client("lena")
    page = lena.get(f"/findings/{world.finding_id}")
    assert page.status_code == 200 and "No post-mortem yet." in page.text
    assert 'id="postmortem-form"' in page.text and 'value="missing_test"' in page.text
    saved = lena.post(
        f"/findings/{world.finding_id}/postmortem",
        data={
            "what_happened": "the assistant invented a refund policy " + WEB_XSS,
            "why_missed": "no probe asked about policies it does not know",
            "root_cause": "missing_test",
            "changes": "false-premise probes in every plan\n\n  a scorer for invented policies  ",
            "owner": "eli",
            "held_on": "2026-03-02",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("#postmortem")
    html = lena.get(f"/findings/{world.finding_id}").text
    record = html.split('id="postmortem-record"')[1].split("</div>")[0]
    assert "missing test" in record and "held 2026-03-02" in record and "owner eli" in record
    assert "the assistant invented a refund policy" in record and XSS_MARK not in html
    assert "<li>false-premise probes in every plan</li><li>a scorer for invented policies</li>" in record
    assert '<option value="missing_test" selected>' in html  # the edit form starts from the record

    data = lena.get(f"/api/findings/{world.finding_id}").json()["dossier"]["postmortem"]
    assert data["root_cause"] == "missing_test" and data["author"] == "lena"
    assert data["changes"] == ["false-premise probes in every plan", "a scorer for invented policies"]


def test_the_json_twin_edits_one_field_and_keeps_the_rest(world: WebWorld) -> None:
    lena = world.client("lena")
    first = lena.post(f"/api/findings/{world.finding_id}/postmortem", json={"owner": "eli"})
    assert first.status_code == 400 and "needs what failed and why" in first.json()["detail"]
    body = {"what_happened": "w", "why_missed": "y", "root_cause": "data", "changes": ["c1"]}
    assert lena.post(f"/api/findings/{world.finding_id}/postmortem", json=body).status_code == 200
    edited = lena.post(f"/api/findings/{world.finding_id}/postmortem", json={"root_cause": "tooling"}).json()
    assert (edited["what_happened"], edited["root_cause"], edited["changes"]) == ("w", "tooling", ["c1"])
    refused = lena.post(f"/api/findings/{world.finding_id}/postmortem", json={"root_cause": "luck"})
    assert refused.status_code == 422


def test_only_those_who_triage_may_write_it(world: WebWorld) -> None:
    for name in ("tess", "eli", "vic"):
        client = world.client(name)
        body = {"what_happened": "w", "why_missed": "y", "root_cause": "data"}
        assert client.post(f"/api/findings/{world.finding_id}/postmortem", json=body).status_code == 403
    page = world.client("tess").get(f"/findings/{world.finding_id}").text
    assert 'id="postmortem-form"' not in page and "No post-mortem yet." in page
