"""Proposing findings from stored evidence: open, match, attach, reopen, escalate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from redline.config.settings import Settings
from redline.core.register.findings import FindingStatus
from redline.core.register.risk import RiskLevel
from redline.core.register.signoffs import EscalationKind
from redline.program.register.findings import propose_from_round
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import decisions, findings
from tests import world as data

THREATS = data.THREATS
TODAY = date(2026, 11, 27)


def test_findings_open_with_risk_due_date_and_evidence(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    rel = data.release(store)
    rid = data.stored_round(
        store,
        release_id=rel.id,
        outcomes={
            "leakage.system-prompt": data.n("fail", 10) + data.n("pass", 10),
            "injection.direct": data.n("fail", 1) + data.n("pass", 99),
        },
    )
    result = propose_from_round(store, workspace, round_id=rid, threats=THREATS, today=TODAY)
    (action,) = result.actions  # 1/100 injections: upper bound 5.4% is within its 10% limit
    f = action.finding
    assert action.action == "opened" and f.threat_id == "leakage.system-prompt"
    # 10/20 failed: almost certain (5) x major (4) = 20 -> critical, due in 7 days.
    assert f.risk is RiskLevel.CRITICAL and f.due == date(2026, 12, 4) and f.status is FindingStatus.NEW
    with store.session() as s:
        d = findings.dossier(s, f.id)
        assert d.evidence[0].evidence.failures == 10 and len(d.evidence[0].failing_cases) == 10
        assert "zero-tolerance" in d.reason and d.exemplars
        (esc,) = decisions.list_escalations(s)
        assert esc.kind is EscalationKind.CRITICAL_FINDING and esc.subject == f.id
        assert audit.verify(s)[1] is None
    store.dispose()


def test_the_same_round_twice_changes_nothing(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    rid = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)})
    first = propose_from_round(store, workspace, round_id=rid, threats=THREATS)
    again = propose_from_round(store, workspace, round_id=rid, threats=THREATS)
    assert [a.action for a in first.actions] == ["opened"]
    assert [a.action for a in again.actions] == ["already-attached"]
    assert first.actions[0].finding.id == again.actions[0].finding.id
    store.dispose()


def test_similar_evidence_attaches_and_a_resolved_finding_reopens(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    r1 = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)})
    (opened,) = propose_from_round(store, workspace, round_id=r1, threats=THREATS).actions
    r2 = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 8)}, seed=1)
    (attached,) = propose_from_round(store, workspace, round_id=r2, threats=THREATS).actions
    assert attached.action == "attached" and attached.finding.id == opened.finding.id
    with store.session() as s:
        findings.move(s, opened.finding.id, FindingStatus.CLOSED, actor="lena")
    r3 = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 9)}, seed=2)
    (reopened,) = propose_from_round(store, workspace, round_id=r3, threats=THREATS).actions
    assert reopened.action == "reopened" and reopened.finding.status is FindingStatus.REOPENED
    with store.session() as s:
        assert len(findings.dossier(s, opened.finding.id).evidence) == 3
        assert len(findings.list_findings(s)) == 1
    store.dispose()


def test_different_failures_of_one_threat_open_a_second_finding(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    r1 = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)})
    propose_from_round(store, workspace, round_id=r1, threats=THREATS)
    r2 = data.stored_round(
        store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)}, technique="other.kind"
    )
    calls: list[int] = []

    def embed(texts: Sequence[str]) -> list[list[float]]:
        calls.append(len(texts))
        return [[1.0, 0.0] if i < len(texts) // 2 else [0.0, 1.0] for i in range(len(texts))]

    (action,) = propose_from_round(store, workspace, round_id=r2, threats=THREATS, embed=embed).actions
    assert calls and action.action == "opened"
    store.dispose()
