"""Reports by audience and the audit log, through the workbench."""

from __future__ import annotations

from tests.world import XSS_MARK, WebWorld


def test_reports_download_by_audience_within_the_role(world: WebWorld) -> None:
    lead = world.client("lena")
    internal = lead.get(f"/reports/download?release={world.release}&audience=internal&format=html")
    assert internal.status_code == 200, internal.text[:300]
    assert internal.headers["content-disposition"].startswith("attachment; filename=")
    assert XSS_MARK not in internal.text
    model = lead.get(f"/api/reports/model?round={world.round_id}&audience=committee")
    assert model.status_code == 200 and model.json()["audience"] == "committee"
    reviewer = world.client("rex")
    assert reviewer.get(f"/api/reports/model?release={world.release}&audience=internal").json()["code"] == (
        "route_forbidden"
    )
    external = reviewer.get(f"/reports/download?release={world.release}&audience=external&format=json")
    assert external.status_code == 200 and external.json()["audience"] == "external"
    assert reviewer.get("/reports").status_code == 200
    viewer = world.client("vic")
    assert viewer.get(f"/api/reports/model?release={world.release}&audience=internal").status_code == 403
    neither = lead.get("/api/reports/model?audience=internal")
    assert neither.status_code == 400


def test_audit_log_filters_and_verifies(world: WebWorld) -> None:
    lead = world.client("lena")
    events = lead.get("/api/audit?action=finding.").json()
    assert events and all(e["action"].startswith("finding.") for e in events)
    check = lead.get("/api/audit/verify").json()
    assert check["ok"] and check["verified"] == check["events"] > 10
    assert "The chain verifies" in lead.get("/audit/verify").text
    assert world.client("tess").get("/api/audit").json()["code"] == "route_forbidden"


def test_the_gate_is_checked_and_signed_by_the_right_people(world: WebWorld) -> None:
    lead = world.client("lena")
    checked = lead.post(f"/api/gate/{world.release}/check")
    assert checked.status_code == 200, checked.text
    outcome = checked.json()["decision"]["outcome"]
    history = lead.get(f"/api/gate/{world.release}").json()
    assert history["decisions"][0]["outcome"] == outcome
    assert (
        lead.post(f"/api/gate/{world.release}/sign", json={"vote": "go"}).json()["code"] == "route_forbidden"
    )
    signed = world.client("cora").post(
        f"/api/gate/{world.release}/sign", json={"vote": "no-go", "comment": "not yet"}
    )
    assert signed.status_code == 200 and signed.json()["votes"]["no_go"] == ["cora"]
    page = lead.get(f"/gate/{world.release}").text
    assert "cora" in page and "not yet" in page
    dashboard = lead.get("/api/dashboard").json()
    assert dashboard["releases"][0]["decision"]["outcome"] == outcome
