"""The release gate: decisions with reasons, committee votes bound to the evidence, escalations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redline.config.settings import NotifierConfig, Settings
from redline.core.errors import ConfigError, PermissionDeniedError
from redline.core.register.policy import GateOutcome
from redline.core.register.signoffs import EscalationKind, Vote
from redline.program.register.decisions import check_gate, escalations, load_policy, resolve, sign_gate
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import decisions
from redline.store.session import Store
from tests import world as data
from tests.unit.program.webhook_server import webhook_server

CLEAN = {"leakage.system-prompt": data.n("pass", 30), "injection.direct": data.n("pass", 60)}


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    data.people(st)
    yield st
    st.dispose()


def test_default_policy_is_written_by_init_and_loads(workspace: Settings) -> None:
    policy = load_policy(workspace)
    assert policy.name == "default" and policy.required_signoffs == 1


def test_policy_errors_name_file_line_and_field(workspace: Settings) -> None:
    path = workspace.workspace / "policies" / "strict.yaml"
    path.write_text("name: strict\nmax_open_risk: catastrophic\n")
    with pytest.raises(ConfigError, match=r"strict.yaml:2: field 'max_open_risk'"):
        load_policy(workspace, "strict")
    with pytest.raises(ConfigError, match="found: default, strict"):
        load_policy(workspace, "nope")


def test_failing_evidence_is_no_go_with_every_reason(workspace: Settings, store: Store) -> None:
    rel = data.release(store)
    data.stored_round(
        store, release_id=rel.id, outcomes={**CLEAN, "leakage.system-prompt": ["fail", *data.n("pass", 29)]}
    )
    report = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS)
    d = report.decision
    assert d.outcome is GateOutcome.NO_GO and d.policy == "default"
    failed = {(r.criterion, r.subject) for r in d.reasons if not r.passed}
    assert failed == {("zero-tolerance", "leakage.system-prompt"), ("sign-off", "")}
    with store.session() as s:
        assert decisions.latest_decision(s, rel.id) is not None
        assert audit.list_events(s, action="gate.decide")[0].payload["outcome"] == "no_go"


def test_a_committee_go_on_clean_evidence_passes_and_goes_stale_with_new_evidence(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    with pytest.raises(PermissionDeniedError, match="sign release decisions"):
        sign_gate(store, workspace, release="chat@1.0", user="lena")
    sign_gate(store, workspace, release="chat@1.0", user="cora", comment="evidence reviewed")
    assert (
        check_gate(store, workspace, release="chat@1.0", threats=data.THREATS).decision.outcome
        is GateOutcome.GO
    )
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN, seed=5)  # new evidence: sign again
    report = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS)
    assert report.decision.outcome is GateOutcome.NO_GO and report.votes.stale == ("cora",)


def test_split_committee_escalates_and_the_webhook_fires(workspace: Settings, store: Store) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    hook = NotifierConfig(url_env="HOOK_URL")
    settings = workspace.model_copy(
        update={"config": workspace.config.model_copy(update={"notifications": (hook,)})}
    )
    with webhook_server() as (url, got), pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOOK_URL", url)
        sign_gate(store, settings, release="chat@1.0", user="cora", vote=Vote.GO)
        assert got.bodies == []
        result = sign_gate(
            store, settings, release="chat@1.0", user="carl", vote=Vote.NO_GO, comment="too soon"
        )
    (esc,) = result.escalations
    assert esc.kind is EscalationKind.SPLIT_COMMITTEE and result.votes.split
    (body,) = got.bodies
    assert body["kind"] == "split_committee" and body["subject"] == rel.id and "carl" in body["summary"]
    report = check_gate(store, settings, release=rel.id, threats=data.THREATS)
    assert report.decision.outcome is GateOutcome.NO_GO
    assert any("voted no-go: carl" in r.detail for r in report.decision.reasons)
    with store.session() as s:
        assert [e.action for e in audit.list_events(s, action="notification")] == ["notification.sent"]
    with pytest.raises(PermissionDeniedError):
        resolve(store, settings, escalation_id=esc.id, user="lena", note="x")
    resolve(store, settings, escalation_id=esc.id, user="cora", note="ship after the next round")
    assert escalations(store, unresolved=True) == []
    with store.session() as s:
        assert audit.verify(s)[1] is None


def test_conditional_go_is_a_decision_with_conditions(workspace: Settings, store: Store) -> None:
    from redline.program.register.findings import propose_from_round

    (workspace.workspace / "policies" / "staged.yaml").write_text(
        "name: staged\nmax_open_risk: low\nrequired_signoffs: 0\n"
        "conditional:\n  max_open_risk: high\n  rollout_share: 0.1\n  feature_flags: [tools]\n"
    )
    rel = data.release(store)
    first = data.stored_round(store, release_id=rel.id, outcomes={"injection.direct": data.n("fail", 10)})
    (opened,) = propose_from_round(store, workspace, round_id=first, threats=data.THREATS).actions
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN, seed=1)  # the fix is in, not yet verified
    report = check_gate(store, workspace, release="chat@1.0", policy="staged", threats=data.THREATS)
    assert report.decision.outcome is GateOutcome.CONDITIONAL_GO
    assert report.open_findings[0].id == opened.finding.id
    assert "staged rollout to 10% of traffic" in report.decision.conditions
    assert "feature flag 'tools' stays off" in report.decision.conditions
