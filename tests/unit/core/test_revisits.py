"""Decisions that are revisited: staleness, expiring acceptances, SLA breaches, escalations, conditions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from redline.core.errors import UsageError
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.policy import ConditionalGo, ConditionKind, Decision, GateOutcome, condition_specs
from redline.core.register.revisits import (
    ConditionReport,
    ConditionState,
    GateCondition,
    RiskAcceptance,
    assess_decision,
    check_condition,
    decision_holds,
    decision_staleness,
    expired_acceptances,
    review_date,
    should_be_open,
    sla_breached,
)
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.register.signoffs import Escalation, EscalationKind

S = FindingStatus
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def finding(
    fid: str,
    risk: RiskLevel,
    *,
    at: datetime,
    status: FindingStatus = S.NEW,
    due: date | None = None,
) -> Finding:
    return Finding(
        id=fid,
        title=f"title {fid}",
        threat_id="inj",
        likelihood=Likelihood.LIKELY,
        impact=Impact.MAJOR,
        risk=risk,
        status=status,
        created_at=at,
        due=due,
    )


def decision(outcome: GateOutcome = GateOutcome.GO, at: datetime = T0) -> Decision:
    return Decision(id="dec_1", release_id="rel_1", outcome=outcome, created_at=at)


def test_a_go_goes_stale_only_when_an_open_finding_above_the_threshold_arrives_after_it() -> None:
    later = T0 + timedelta(hours=1)
    before_high = finding("fnd_a", RiskLevel.HIGH, at=T0 - timedelta(days=1))
    late_medium = finding("fnd_b", RiskLevel.MEDIUM, at=later)
    late_high_closed = finding("fnd_c", RiskLevel.HIGH, at=later, status=S.CLOSED)
    quiet = decision_staleness(
        decision(), [before_high, late_medium, late_high_closed], threshold=RiskLevel.MEDIUM
    )
    assert not quiet.stale and "current" in quiet.detail
    late_high = finding("fnd_d", RiskLevel.HIGH, at=later)
    stale = decision_staleness(decision(), [before_high, late_high], threshold=RiskLevel.MEDIUM)
    assert stale.stale and [f.finding_id for f in stale.findings] == ["fnd_d"]
    assert "fnd_d (high)" in stale.detail
    cond = decision_staleness(decision(GateOutcome.CONDITIONAL_GO), [late_high], threshold=RiskLevel.MEDIUM)
    assert cond.stale
    assert not decision_staleness(decision(GateOutcome.NO_GO), [late_high], threshold=RiskLevel.MEDIUM).stale


def test_a_reopen_after_the_decision_counts_as_arriving_and_naive_times_are_utc() -> None:
    old = finding("fnd_a", RiskLevel.CRITICAL, at=T0 - timedelta(days=3), status=S.REOPENED)
    assert not decision_staleness(decision(), [old], threshold=RiskLevel.HIGH).stale
    naive_reopen = (T0 + timedelta(minutes=5)).replace(tzinfo=None)
    stale = decision_staleness(decision(), [old], threshold=RiskLevel.HIGH, opened_at={"fnd_a": naive_reopen})
    assert stale.stale and stale.findings[0].opened_at.tzinfo is not None


def test_acceptances_expire_on_their_review_date_and_a_review_date_must_lie_ahead() -> None:
    today = date(2026, 3, 1)
    assert review_date(today, days=90) == date(2026, 5, 30)
    assert review_date(today, days=90, review_by=date(2026, 4, 1)) == date(2026, 4, 1)
    with pytest.raises(UsageError, match="the review date 2026-03-01 must be after today"):
        review_date(today, days=90, review_by=today)
    acc = RiskAcceptance(finding_id="fnd_a", review_by=date(2026, 4, 1), accepted_by="cora")
    assert not acc.expired(date(2026, 3, 31)) and acc.expired(date(2026, 4, 1))
    accepted = finding("fnd_a", RiskLevel.HIGH, at=T0, status=S.ACCEPTED_RISK)
    legacy = finding("fnd_b", RiskLevel.HIGH, at=T0, status=S.ACCEPTED_RISK)
    assert expired_acceptances([accepted, legacy], {"fnd_a": acc}, today=date(2026, 3, 31)) == []
    assert expired_acceptances([accepted, legacy], {"fnd_a": acc}, today=date(2026, 4, 1)) == [accepted]


def test_an_expired_acceptance_counts_as_open_in_the_decision_from_its_review_date() -> None:
    accepted = finding("fnd_a", RiskLevel.HIGH, at=T0 - timedelta(days=10), status=S.ACCEPTED_RISK)
    acc = RiskAcceptance(finding_id="fnd_a", review_by=date(2026, 3, 5), accepted_by="cora")
    before = assess_decision(
        decision(), findings=[accepted], acceptances={"fnd_a": acc}, threshold=RiskLevel.MEDIUM, now=T0
    )
    assert before.holds and not before.stale
    after = assess_decision(
        decision(),
        findings=[accepted],
        acceptances={"fnd_a": acc},
        threshold=RiskLevel.MEDIUM,
        now=T0 + timedelta(days=5),
    )
    assert after.stale and not after.holds and after.staleness.findings[0].finding_id == "fnd_a"
    # a decision taken after the review date already counted the finding as open
    later = assess_decision(
        decision(at=T0 + timedelta(days=6)),
        findings=[accepted],
        acceptances={"fnd_a": acc},
        threshold=RiskLevel.MEDIUM,
        now=T0 + timedelta(days=7),
    )
    assert not later.stale


def test_sla_is_breached_past_the_due_date_until_a_mitigation_is_in_place() -> None:
    due = date(2026, 3, 1)
    for status in (S.NEW, S.TRIAGED, S.IN_PROGRESS, S.REOPENED):
        f = finding("fnd_a", RiskLevel.HIGH, at=T0, status=status, due=due)
        assert not sla_breached(f, today=due) and sla_breached(f, today=due + timedelta(days=1))
    for status in (S.MITIGATED, S.VERIFIED, S.CLOSED, S.ACCEPTED_RISK, S.DUPLICATE):
        f = finding("fnd_a", RiskLevel.HIGH, at=T0, status=status, due=due)
        assert not sla_breached(f, today=due + timedelta(days=30))
    assert not sla_breached(finding("fnd_b", RiskLevel.LOW, at=T0), today=due)


def escalation(kind: EscalationKind, subject: str = "fnd_a") -> Escalation:
    return Escalation(id="esc_1", kind=kind, subject=subject, summary="s")


def test_escalations_follow_their_subject() -> None:
    K = EscalationKind

    def f(status: FindingStatus) -> Finding:
        return finding("fnd_a", RiskLevel.CRITICAL, at=T0, status=status)

    crit = escalation(K.CRITICAL_FINDING)
    assert should_be_open(crit, finding=f(S.MITIGATED)) is True
    assert should_be_open(crit, finding=f(S.VERIFIED)) is False
    assert should_be_open(crit, finding=f(S.CLOSED)) is False
    assert should_be_open(crit, finding=f(S.REOPENED)) is True
    sla = escalation(K.SLA_BREACH)
    assert should_be_open(sla, finding=f(S.MITIGATED)) is False
    assert should_be_open(sla, finding=f(S.IN_PROGRESS)) is True
    drift = Escalation(id="e", kind=K.DRIFT, subject="rel_1", summary="s", details={"finding_id": "fnd_a"})
    assert should_be_open(drift, finding=f(S.VERIFIED)) is False
    assert should_be_open(escalation(K.MANUAL, "rel_1")) is None
    assert should_be_open(escalation(K.SPLIT_COMMITTEE, "rel_1"), finding=f(S.VERIFIED)) is None
    stale = escalation(K.STALE_DECISION, "dec_1")
    assert should_be_open(stale, standing_holds=False) is True
    assert should_be_open(stale, standing_holds=True) is False
    assert should_be_open(stale, standing_holds=None) is False


def condition(kind: ConditionKind, report: ConditionReport | None = None, **kw: object) -> GateCondition:
    return GateCondition(
        id="cnd_1",
        release_id="rel_1",
        decision_id="dec_1",
        key=kind.value,
        kind=kind,
        text="t",
        report=report,
        created_at=T0,
        **kw,
    )


def test_conditions_come_from_the_policy_with_their_kinds() -> None:
    specs = condition_specs(
        ConditionalGo(rollout_share=0.1, feature_flags=("tools",), manual=("legal signed off",))
    )
    assert [(s.key, s.kind) for s in specs] == [
        ("rollout_share", ConditionKind.ROLLOUT_SHARE),
        ("feature_flag:tools", ConditionKind.FEATURE_FLAG),
        ("monitoring", ConditionKind.MONITORING),
        ("manual:legal signed off", ConditionKind.MANUAL),
    ]
    assert specs[0].maximum == 0.1 and specs[1].flag == "tools" and specs[2].window_days == 7


def test_each_kind_of_condition_holds_is_pending_or_is_broken() -> None:
    St, K = ConditionState, ConditionKind
    runs: list[datetime] = []

    def state(c: GateCondition, now: datetime = T0) -> ConditionState:
        return check_condition(c, monitoring_runs=runs, now=now).state

    assert state(condition(K.ROLLOUT_SHARE, maximum=0.05)) is St.PENDING
    assert state(condition(K.ROLLOUT_SHARE, ConditionReport(share=0.05), maximum=0.05)) is St.HOLDS
    assert state(condition(K.ROLLOUT_SHARE, ConditionReport(share=0.2), maximum=0.05)) is St.BROKEN
    assert state(condition(K.FEATURE_FLAG, flag="tools")) is St.PENDING
    assert state(condition(K.FEATURE_FLAG, ConditionReport(flag_on=False), flag="tools")) is St.HOLDS
    assert state(condition(K.FEATURE_FLAG, ConditionReport(flag_on=True), flag="tools")) is St.BROKEN
    assert state(condition(K.MANUAL)) is St.PENDING
    assert state(condition(K.MANUAL, ConditionReport(evidence="signed memo"))) is St.HOLDS
    assert state(condition(K.MANUAL, ConditionReport(evidence="withdrawn", holds=False))) is St.BROKEN
    mon = condition(K.MONITORING, window_days=7)
    assert state(mon, T0 + timedelta(days=3)) is St.PENDING
    assert state(mon, T0 + timedelta(days=8)) is St.BROKEN
    runs.append(T0 + timedelta(days=6))
    check = check_condition(mon, monitoring_runs=runs, now=T0 + timedelta(days=8))
    assert check.state is St.HOLDS and "window 7 days" in check.detail
    assert state(mon, T0 + timedelta(days=14)) is St.BROKEN


def test_what_lets_a_release_ship() -> None:
    G = GateOutcome
    broken = check_condition(
        condition(ConditionKind.FEATURE_FLAG, ConditionReport(flag_on=True), flag="x"),
        monitoring_runs=[],
        now=T0,
    )
    pending = check_condition(condition(ConditionKind.MANUAL), monitoring_runs=[], now=T0)
    assert decision_holds(G.GO) and not decision_holds(G.NO_GO)
    assert not decision_holds(G.GO, stale=True)
    assert decision_holds(G.CONDITIONAL_GO, checks=[pending])
    assert not decision_holds(G.CONDITIONAL_GO, checks=[pending, broken])
    status = assess_decision(
        decision(G.CONDITIONAL_GO),
        findings=[],
        threshold=RiskLevel.MEDIUM,
        now=T0,
        conditions=[
            broken.condition,
            condition(ConditionKind.MANUAL).model_copy(update={"decision_id": "old"}),
        ],
    )
    assert not status.holds and [c.condition.kind for c in status.conditions] == [ConditionKind.FEATURE_FLAG]
    assert status.broken == status.conditions
