"""The upkeep sweep against a real store: each rule, and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from redline.config.settings import NotifierConfig, Settings
from redline.core.errors import PermissionDeniedError, UsageError
from redline.core.ids import new_id
from redline.core.people.users import Role
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.policy import GateOutcome
from redline.core.register.revisits import ConditionState
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.register.signoffs import EscalationKind
from redline.program.register import conditions
from redline.program.register.decisions import check_gate, escalations, sign_gate, standing
from redline.program.register.escalations import escalate_by_hand
from redline.program.register.triage import move
from redline.program.register.upkeep import UpkeepReport, run_upkeep
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import findings as findings_repo
from redline.store.repos import revisits as revisits_repo
from redline.store.session import Store
from tests import world as data
from tests.unit.program.webhook_server import webhook_server

S = FindingStatus
K = EscalationKind
CLEAN = {"leakage.system-prompt": data.n("pass", 30), "injection.direct": data.n("pass", 60)}
STAGED = (
    "name: staged\nmax_open_risk: low\nrequired_signoffs: 0\n"
    "conditional:\n  max_open_risk: high\n  rollout_share: 0.05\n  feature_flags: [tools]\n"
)


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    data.people(st)
    yield st
    st.dispose()


def add_finding(
    store: Store, release_id: str, risk: RiskLevel, *, due: date | None = None, title: str = "leak"
) -> Finding:
    with store.session() as s:
        return findings_repo.add_finding(
            s,
            Finding(
                id=new_id("fnd"),
                title=title,
                threat_id="injection.direct",
                likelihood=Likelihood.LIKELY,
                impact=Impact.MAJOR,
                risk=risk,
                release_id=release_id,
                due=due,
            ),
            actor="test",
        )


def walk(store: Store, finding_id: str, *steps: FindingStatus) -> None:
    with store.session() as s:
        for step in steps:
            findings_repo.move(s, finding_id, step, actor="test", note="test")


def quiet(report: UpkeepReport) -> bool:
    return not report.changed


def test_a_go_goes_stale_when_a_high_finding_arrives_escalates_once_and_closes_when_superseded(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    sign_gate(store, workspace, release="chat@1.0", user="cora")
    go = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS)
    assert go.decision.outcome is GateOutcome.GO and go.holds and go.superseded is None
    assert quiet(run_upkeep(store, workspace))
    add_finding(store, rel.id, RiskLevel.MEDIUM)  # at the policy's threshold: not stale
    assert quiet(run_upkeep(store, workspace))
    high = add_finding(store, rel.id, RiskLevel.HIGH)
    _, status = standing(store, workspace, release="chat@1.0")
    assert status is not None and status.stale and not status.holds
    assert [f.finding_id for f in status.staleness.findings] == [high.id]
    first = run_upkeep(store, workspace)
    (esc,) = first.raised
    assert esc.kind is K.STALE_DECISION and esc.subject == go.decision.id and high.id in esc.summary
    assert quiet(run_upkeep(store, workspace))
    again = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS)
    assert again.decision.outcome is GateOutcome.NO_GO and not again.holds
    assert again.superseded is not None and again.superseded.decision_id == go.decision.id
    swept = run_upkeep(store, workspace)
    assert [e.id for e in swept.closed] == [esc.id] and swept.raised == ()
    assert escalations(store, unresolved=True) == []
    assert quiet(run_upkeep(store, workspace))


def test_an_expired_acceptance_sends_the_finding_back_to_triage_with_a_notice(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    risky = add_finding(store, rel.id, RiskLevel.HIGH)
    today = datetime.now(UTC).date()
    with pytest.raises(UsageError, match="must be after today"):
        move(
            store,
            workspace,
            finding_id=risky.id,
            status=S.ACCEPTED_RISK,
            user="cora",
            note="n",
            review_by=today,
        )
    move(
        store,
        workspace,
        finding_id=risky.id,
        status=S.ACCEPTED_RISK,
        user="cora",
        note="compensating control in place",
        review_by=today + timedelta(days=10),
    )
    other = add_finding(store, rel.id, RiskLevel.MEDIUM, title="default review date")
    move(store, workspace, finding_id=other.id, status=S.ACCEPTED_RISK, user="cora", note="low exposure")
    with store.session() as s:
        current = revisits_repo.current_acceptances(s, [risky.id, other.id])
    assert current[other.id].review_by == today + timedelta(days=90)
    assert quiet(run_upkeep(store, workspace, now=datetime.now(UTC) + timedelta(days=9)))
    hook = NotifierConfig(url_env="HOOK_URL", events=("acceptance_expired",))
    settings = workspace.model_copy(
        update={"config": workspace.config.model_copy(update={"notifications": (hook,)})}
    )
    later = datetime.now(UTC) + timedelta(days=11)
    with webhook_server() as (url, got), pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOOK_URL", url)
        swept = run_upkeep(store, settings, now=later)
        assert quiet(run_upkeep(store, settings, now=later))
    assert swept.expired == (risky.id,)
    (body,) = got.bodies
    assert body["event"] == "acceptance_expired" and body["subject"] == risky.id
    with store.session() as s:
        assert findings_repo.get_finding(s, risky.id).status is S.REOPENED
        assert findings_repo.get_finding(s, other.id).status is S.ACCEPTED_RISK
        (event,) = audit.list_events(s, action="finding.acceptance_expired")
        assert event.subject == risky.id
        notes = findings_repo.list_notes(s, risky.id)
        assert "risk acceptance expired" in notes[-1].text


def test_an_sla_breach_escalates_once_closes_on_mitigation_and_reopens_when_it_regresses(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    late = add_finding(store, rel.id, RiskLevel.HIGH, due=date(2020, 1, 1))
    add_finding(store, rel.id, RiskLevel.HIGH, due=date(2999, 1, 1))
    first = run_upkeep(store, workspace)
    (esc,) = first.raised
    assert esc.kind is K.SLA_BREACH and esc.subject == late.id and esc.details["due"] == "2020-01-01"
    assert quiet(run_upkeep(store, workspace))
    walk(store, late.id, S.TRIAGED, S.IN_PROGRESS, S.MITIGATED)
    closed = run_upkeep(store, workspace)
    assert [e.id for e in closed.closed] == [esc.id]
    walk(store, late.id, S.IN_PROGRESS)  # the mitigation did not hold
    back = run_upkeep(store, workspace)
    assert [e.id for e in back.reopened] == [esc.id] and back.raised == ()
    assert quiet(run_upkeep(store, workspace))
    with store.session() as s:
        assert [e.action for e in audit.list_events(s, action="escalation.reopen")] == ["escalation.reopen"]


def test_a_critical_escalation_closes_when_verified_and_reopens_when_the_finding_reopens(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    crit = add_finding(store, rel.id, RiskLevel.CRITICAL)
    (esc,) = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS).escalations
    assert quiet(run_upkeep(store, workspace))
    walk(store, crit.id, S.TRIAGED, S.IN_PROGRESS, S.MITIGATED, S.VERIFIED)
    assert [e.id for e in run_upkeep(store, workspace).closed] == [esc.id]
    walk(store, crit.id, S.REOPENED)
    assert [e.id for e in run_upkeep(store, workspace).reopened] == [esc.id]
    # a manual resolution is the committee's word: upkeep does not reopen it
    from redline.program.register.decisions import resolve

    walk(store, crit.id, S.TRIAGED)
    resolve(store, workspace, escalation_id=esc.id, user="cora", note="handled in the next release")
    assert quiet(run_upkeep(store, workspace))


def test_conditions_of_a_conditional_go_are_a_checklist_and_a_broken_one_escalates(
    workspace: Settings, store: Store
) -> None:
    (workspace.workspace / "policies" / "staged.yaml").write_text(STAGED)
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    add_finding(store, rel.id, RiskLevel.HIGH)
    report = check_gate(store, workspace, release="chat@1.0", policy="staged", threats=data.THREATS)
    assert report.decision.outcome is GateOutcome.CONDITIONAL_GO and report.status is not None
    checks = {c.condition.key: c for c in report.status.conditions}
    assert set(checks) == {"rollout_share", "feature_flag:tools", "monitoring"}
    assert {c.state for c in checks.values()} == {ConditionState.PENDING} and report.holds
    share = checks["rollout_share"].condition.id
    with pytest.raises(PermissionDeniedError):
        conditions.report(store, condition_id=share, user="vic", share=0.2)
    with pytest.raises(UsageError, match="--share"):
        conditions.report(store, condition_id=share, user="eli", evidence="rolled out")
    broken = conditions.report(store, condition_id=share, user="eli", share=0.2, owner="eli")
    assert broken.state is ConditionState.BROKEN and broken.condition.owner == "eli"
    swept = run_upkeep(store, workspace)
    (esc,) = swept.raised
    assert esc.kind is K.STALE_DECISION and "rollout share 20.0% above the maximum 5.0%" in esc.summary
    assert quiet(run_upkeep(store, workspace))
    flag = checks["feature_flag:tools"].condition.id
    assert (
        conditions.report(store, condition_id=flag, user="eli", flag_on=False).state is ConditionState.HOLDS
    )
    conditions.report(store, condition_id=share, user="eli", share=0.05)
    assert [e.id for e in run_upkeep(store, workspace).closed] == [esc.id]
    # a re-check keeps the reports: the checklist belongs to the release
    again = check_gate(store, workspace, release="chat@1.0", policy="staged", threats=data.THREATS)
    assert again.status is not None
    states = {c.condition.key: c.state for c in again.status.conditions}
    assert states == {
        "rollout_share": ConditionState.HOLDS,
        "feature_flag:tools": ConditionState.HOLDS,
        "monitoring": ConditionState.PENDING,
    }
    # a week without monitoring breaks the last one
    label, items = conditions.checklist(store, release="chat@1.0", now=datetime.now(UTC) + timedelta(days=8))
    assert label == "chat@1.0"
    assert {c.condition.key: c.state for c in items}["monitoring"] is ConditionState.BROKEN
    manual = conditions.add(store, release="chat@1.0", text="support trained", user="lena", owner="lena")
    with pytest.raises(UsageError, match="already has the condition"):
        conditions.add(store, release="chat@1.0", text="support trained", user="lena")
    done = conditions.report(store, condition_id=manual.id, user="lena", evidence="training log 2026-03")
    assert done.state is ConditionState.HOLDS


def test_escalating_by_hand_needs_a_team_role_and_follows_its_finding(
    workspace: Settings, store: Store
) -> None:
    rel = data.release(store)
    f = add_finding(store, rel.id, RiskLevel.MEDIUM)
    with pytest.raises(PermissionDeniedError, match="escalate"):
        escalate_by_hand(store, workspace, finding=f.id, reason="looks worse", user="vic")
    with pytest.raises(UsageError, match="reason"):
        escalate_by_hand(store, workspace, finding=f.id, reason=" ", user="eli")
    esc = escalate_by_hand(store, workspace, finding=f.id, reason="seen in prod", user="eli", to=Role.LEAD)
    assert esc.kind is K.MANUAL and esc.details["to"] == "lead" and "seen in prod" in esc.summary
    with pytest.raises(UsageError, match="already escalated"):
        escalate_by_hand(store, workspace, finding=f.id, reason="again", user="lena")
    on_release = escalate_by_hand(store, workspace, release="chat@1.0", reason="ship date slips", user="lena")
    assert on_release.subject == rel.id and "chat@1.0" in on_release.summary
    walk(store, f.id, S.TRIAGED, S.IN_PROGRESS, S.MITIGATED, S.VERIFIED)
    swept = run_upkeep(store, workspace)
    assert [e.id for e in swept.closed] == [esc.id]
    assert [e.id for e in escalations(store, unresolved=True)] == [on_release.id]


def test_a_status_move_closes_the_escalations_it_settles_at_once(workspace: Settings, store: Store) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes=CLEAN)
    crit = add_finding(store, rel.id, RiskLevel.CRITICAL, due=date(2020, 1, 1))
    (critical,) = check_gate(store, workspace, release="chat@1.0", threats=data.THREATS).escalations
    (sla,) = run_upkeep(store, workspace).raised
    move(store, workspace, finding_id=crit.id, status=S.TRIAGED, user="lena")
    assert {e.id for e in escalations(store, unresolved=True)} == {critical.id, sla.id}
    move(store, workspace, finding_id=crit.id, status=S.ACCEPTED_RISK, user="cora", note="kill switch ready")
    assert escalations(store, unresolved=True) == []
    assert quiet(run_upkeep(store, workspace))
