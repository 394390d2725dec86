"""The web gate shows a stale decision and a conditional go's checklist; conditions report by webhook."""

from __future__ import annotations

from fastapi.testclient import TestClient

from redline.core.ids import new_id
from redline.core.register.findings import Finding
from redline.core.register.policy import ConditionalGo, GateEvaluation, GateOutcome, condition_specs
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.program.people import accounts
from redline.program.people.accounts import TokenScope
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import revisits as revisits_repo
from redline.store.repos.systems import resolve_release
from tests.world import WebWorld


def _record(world: WebWorld, outcome: GateOutcome, conditions: ConditionalGo | None = None) -> str:
    with world.store.session() as s:
        rel = resolve_release(s, world.release)
        specs = condition_specs(conditions) if conditions is not None else ()
        decision = decisions_repo.record_decision(
            s,
            release_id=rel.id,
            evaluation=GateEvaluation(outcome=outcome, reasons=(), conditions=tuple(c.text for c in specs)),
            policy="default",
            signed_by=("cora",),
            details={},
            actor="cora",
        )
        if specs:
            revisits_repo.sync_conditions(
                s, release_id=rel.id, decision_id=decision.id, specs=specs, owner="eli", actor="cora"
            )
        return decision.id


def _late_finding(world: WebWorld) -> str:
    with world.store.session() as s:
        rel = resolve_release(s, world.release)
        return findings_repo.add_finding(
            s,
            Finding(
                id=new_id("fnd"),
                title="late arrival",
                threat_id="confabulation.false-premise",
                likelihood=Likelihood.LIKELY,
                impact=Impact.MAJOR,
                risk=RiskLevel.CRITICAL,
                release_id=rel.id,
            ),
            actor="test",
        ).id


def _bearer(world: WebWorld, name: str) -> TestClient:
    with world.store.session() as s:
        token = accounts.issue_token(s, name=name, label="rollout", acting=name, scope=TokenScope.WRITE).token
    client = TestClient(world.app, follow_redirects=False)
    world.clients.append(client)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_a_go_that_went_stale_is_marked_on_the_gate_page_the_dashboard_and_the_api(world: WebWorld) -> None:
    lena = world.client("lena")
    _record(world, GateOutcome.GO)
    page = lena.get(f"/gate/{world.release}").text
    assert 'id="gate-stale"' not in page
    late = _late_finding(world)
    page = lena.get(f"/gate/{world.release}").text
    assert (
        'id="gate-stale"' in page
        and late in page
        and world.finding_id not in page.split("gate-stale-detail")[1][:600]
    )
    assert "stale-mark" in lena.get("/").text
    assert "stale-mark" in lena.get("/gate").text
    standing = lena.get(f"/api/gate/{world.release}").json()["standing"]
    assert standing["holds"] is False and standing["staleness"]["stale"] is True
    assert [f["finding_id"] for f in standing["staleness"]["findings"]] == [late]
    (row,) = lena.get("/api/gate").json()
    assert row["stale"] is True and late in row["revisit"]


def test_the_checklist_of_a_conditional_go_shows_and_takes_reports_by_webhook(world: WebWorld) -> None:
    lena = world.client("lena")
    _record(world, GateOutcome.CONDITIONAL_GO, ConditionalGo(rollout_share=0.05, feature_flags=("tools",)))
    page = lena.get(f"/gate/{world.release}").text
    assert 'id="gate-conditions"' in page and "feature flag &#39;tools&#39; stays off" in page
    assert page.count("condition-pending") == 3
    checks = lena.get(f"/api/gate/{world.release}").json()["standing"]["conditions"]
    ids = {c["condition"]["key"]: c["condition"]["id"] for c in checks}
    share = ids["rollout_share"]
    tess = _bearer(world, "tess")
    assert tess.post(f"/api/conditions/{share}/report", json={"share": 0.01}).status_code == 403
    eli = _bearer(world, "eli")
    assert eli.post(f"/api/conditions/{share}/report", json={"share": 3}).status_code == 422
    assert eli.post("/api/conditions/cnd_nope/report", json={"share": 0.01}).status_code == 404
    answer = eli.post(f"/api/conditions/{share}/report", json={"share": 0.2, "evidence": "deploy 41"})
    assert answer.status_code == 200 and answer.json()["state"] == "broken"
    flag = eli.post(f"/api/conditions/{ids['feature_flag:tools']}/report", json={"flag": "off"})
    assert flag.json()["state"] == "holds"
    page = lena.get(f"/gate/{world.release}").text
    assert 'id="gate-not-holding"' in page and "condition-broken" in page and "condition-holds" in page
    assert "above the maximum 5.0%" in page
