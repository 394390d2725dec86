"""Internal and committee reports say when the recorded decision went stale, and show the checklist."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.ids import new_id
from redline.core.register.findings import Finding
from redline.core.register.policy import ConditionalGo, GateEvaluation, GateOutcome, condition_specs
from redline.core.register.revisits import ConditionReport
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.model import Audience, ReportFormat, ReportModel
from redline.reports.render import render
from redline.store.repos import decisions as decisions_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import revisits as revisits_repo
from redline.store.session import Store
from tests import world as data


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    yield st
    st.dispose()


def _decide(store: Store, release_id: str, outcome: GateOutcome, cond: ConditionalGo | None = None) -> None:
    specs = condition_specs(cond) if cond is not None else ()
    with store.session() as s:
        decision = decisions_repo.record_decision(
            s,
            release_id=release_id,
            evaluation=GateEvaluation(outcome=outcome, reasons=(), conditions=tuple(c.text for c in specs)),
            policy="default",
            signed_by=("cora",),
            details={},
            actor="cora",
        )
        for item in revisits_repo.sync_conditions(
            s, release_id=release_id, decision_id=decision.id, specs=specs, owner="eli", actor="cora"
        ):
            if item.key == "rollout_share":
                revisits_repo.report_condition(
                    s, item.id, ConditionReport(share=0.5), owner=None, actor="eli"
                )


def _late_high(store: Store, release_id: str) -> str:
    with store.session() as s:
        return findings_repo.add_finding(
            s,
            Finding(
                id=new_id("fnd"),
                title="late arrival",
                threat_id="injection.direct",
                likelihood=Likelihood.LIKELY,
                impact=Impact.MAJOR,
                risk=RiskLevel.HIGH,
                release_id=release_id,
            ),
            actor="test",
        ).id


def _report(workspace: Settings, store: Store, audience: Audience, version: str) -> ReportModel:
    catalog = load_catalog(workspace.workspace / "catalog")
    with store.session() as s:
        return build_report(
            s, ReportRequest(release=f"chat@{version}", audience=audience), catalog=catalog, program="p"
        )


def test_a_stale_go_is_marked_in_internal_and_committee_reports_only(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes={"injection.direct": data.n("pass", 20)})
    _decide(store, rel.id, GateOutcome.GO)
    assert not _report(workspace, store, Audience.INTERNAL, "1.0").decision.stale
    late = _late_high(store, rel.id)
    for audience in (Audience.INTERNAL, Audience.COMMITTEE):
        model = _report(workspace, store, audience, "1.0")
        assert model.decision.stale and late in model.decision.revisit
        assert "It is stale" in model.summary.decision
        html = render(model, ReportFormat.HTML).decode()
        assert 'id="stale-badge"' in html and 'id="decision-revisit"' in html
        assert "**Stale decision.**" in render(model, ReportFormat.MD).decode()
    external = _report(workspace, store, Audience.EXTERNAL, "1.0")
    assert not external.decision.stale and external.decision.revisit == ""


def test_the_checklist_of_a_conditional_go_is_in_the_report(workspace: Settings, store: Store) -> None:
    rel = data.release(store, version="2.0")
    data.stored_round(store, release_id=rel.id, outcomes={"injection.direct": data.n("pass", 20)})
    _decide(
        store, rel.id, GateOutcome.CONDITIONAL_GO, ConditionalGo(rollout_share=0.05, feature_flags=("tools",))
    )
    model = _report(workspace, store, Audience.COMMITTEE, "2.0")
    states = {c.kind: c.state for c in model.decision.checklist}
    assert states == {"rollout_share": "broken", "feature_flag": "pending", "monitoring": "pending"}
    assert not model.decision.stale and "condition broken: staged rollout" in model.decision.revisit
    html = render(model, ReportFormat.HTML).decode()
    assert 'id="conditions"' in html and "condition-broken" in html and "no longer holds" in html
    md = render(model, ReportFormat.MD).decode()
    assert (
        "| Condition | Owner | Holds | Detail |" in md and "rollout share 50.0% above the maximum 5.0%" in md
    )
