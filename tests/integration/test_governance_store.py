"""Findings, mitigations, decisions and monitoring repositories on SQLite and PostgreSQL."""

from __future__ import annotations

from redline.core.analysis.drift import assess_drift
from redline.core.analysis.evidence import Evidence
from redline.core.ids import new_id
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.mitigations import MitigationStatus, MitigationType, VerificationOutcome
from redline.core.register.policy import GateEvaluation, GateOutcome, GateReason
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.register.signoffs import EscalationKind, SignOff, Vote
from redline.core.register.triage import EvidenceRecord, FindingLink, LinkKind, PostMortem
from redline.core.register.verification import judge_verification
from redline.store import audit
from redline.store.repos import decisions, findings, mitigations, monitoring
from redline.store.session import Store
from tests import world as data


def _finding(threat: str = "injection.direct") -> Finding:
    return Finding(
        id=new_id("fnd"),
        title="t",
        threat_id=threat,
        likelihood=Likelihood.LIKELY,
        impact=Impact.MAJOR,
        risk=RiskLevel.HIGH,
    )


def test_finding_dossier_keeps_evidence_links_postmortem_and_notes(store: Store) -> None:
    f = _finding()
    rec = EvidenceRecord(round_id="r1", evidence=Evidence.from_counts("injection.direct", failures=3, n=10))
    with store.session() as s:
        findings.add_finding(s, f, actor="lena", evidence=rec, exemplars=["a b c"], reason="why")
        findings.attach_evidence(
            s, f.id, rec.model_copy(update={"round_id": "r2"}), actor="x", exemplars=["d"]
        )
        findings.triage(s, f.id, owner="eli", effort="M", due=None, actor="lena")
        findings.assess(
            s, f.id, likelihood=Likelihood.RARE, impact=Impact.MINOR, risk=RiskLevel.LOW, actor="x"
        )
        findings.add_link(s, f.id, FindingLink(kind=LinkKind.COMPONENT, ref="filter"), actor="eli")
        findings.set_postmortem(s, f.id, PostMortem(what_happened="w", why_missed="m"), actor="lena")
        findings.comment(s, f.id, "looking", actor="eli")
    with store.session() as s:
        d = findings.dossier(s, f.id)
        assert findings.exemplars(s, [f.id]) == {f.id: ["a b c", "d"]}
        assert [e.round_id for e in d.evidence] == ["r1", "r2"]
        assert d.finding.owner == "eli" and d.finding.risk is RiskLevel.LOW and d.reason == "why"
        assert d.links[0].ref == "filter" and d.postmortem is not None and d.notes[0].text == "looking"
        assert findings.list_findings(s, threat_id="injection.direct", statuses={FindingStatus.NEW})
        actions = [e.action for e in audit.list_events(s, subject=f.id)]
        assert set(actions) >= {
            "finding.open",
            "finding.evidence",
            "finding.triage",
            "finding.assess",
            "finding.link",
            "finding.postmortem",
            "finding.comment",
        }
        assert audit.verify(s)[1] is None


def test_mitigations_and_verifications_are_stored_and_audited(store: Store) -> None:
    rel = data.release(store)
    r1 = data.stored_round(store, release_id=rel.id, outcomes={"t": data.n("fail", 3)})
    f = _finding()
    with store.session() as s:
        findings.add_finding(s, f, actor="lena")
        m = mitigations.add_mitigation(
            s, finding_id=f.id, type=MitigationType.GUARDRAIL, description="d", owner="eli", actor="eli"
        )
        mitigations.set_status(s, m.id, MitigationStatus.SHIPPED, actor="eli")
        result = judge_verification(
            Evidence.from_counts("t", failures=15, n=20), Evidence.from_counts("t", failures=0, n=20)
        )
        v = mitigations.add_verification(
            s,
            finding_id=f.id,
            mitigation_id=m.id,
            release_id=rel.id,
            original_round_id=r1,
            round_id=r1,
            result=result,
            cases=20,
            actor="eli",
        )
    with store.session() as s:
        (back,) = mitigations.list_verifications(s, finding_id=f.id)
        assert back.id == v.id and back.outcome is VerificationOutcome.VERIFIED and back.cases == 20
        assert mitigations.get_mitigation(s, m.id).status is MitigationStatus.SHIPPED
        assert [e.action for e in audit.list_events(s, action="mitigation")] == [
            "mitigation.status",
            "mitigation.add",
        ]


def test_decisions_signoffs_and_escalations(store: Store) -> None:
    rel = data.release(store)
    ev = GateEvaluation(
        outcome=GateOutcome.NO_GO,
        reasons=(GateReason(criterion="max-rate", passed=False, detail="d", subject="t"),),
    )
    with store.session() as s:
        d = decisions.record_decision(
            s,
            release_id=rel.id,
            evaluation=ev,
            policy="default",
            signed_by=(),
            details={"basis": "b"},
            actor="ci",
        )
        decisions.add_signoff(
            s, SignOff(release_id=rel.id, signer="cora", vote=Vote.GO, basis="b"), actor="cora"
        )
        decisions.add_signoff(
            s, SignOff(release_id=rel.id, signer="carl", vote=Vote.NO_GO, basis="b"), actor="carl"
        )
        esc = decisions.add_escalation(
            s,
            kind=EscalationKind.SPLIT_COMMITTEE,
            subject=rel.id,
            summary="split",
            release_id=rel.id,
            details={},
            actor="carl",
        )
    with store.session() as s:
        latest = decisions.latest_decision(s, rel.id)
        assert latest is not None and latest.id == d.id and latest.reasons[0].subject == "t"
        assert [v.signer for v in decisions.list_signoffs(s, rel.id)] == ["cora", "carl"]
        found = decisions.open_escalation(s, kind=EscalationKind.SPLIT_COMMITTEE, subject=rel.id)
        assert found is not None and found.id == esc.id
        decisions.resolve_escalation(s, esc.id, actor="cora")
    with store.session() as s:
        assert decisions.list_escalations(s, unresolved=True) == []
        assert audit.verify(s)[1] is None


def test_monitoring_runs_round_trip(store: Store) -> None:
    rel = data.release(store)
    report = assess_drift(
        "canary",
        Evidence.from_counts("canary", failures=1, n=50),
        Evidence.from_counts("canary", failures=40, n=50),
    )
    with store.session() as s:
        run = monitoring.add_run(
            s, release_id=rel.id, source="prod.jsonl", samples=50, reports=[report], actor="eli"
        )
    with store.session() as s:
        (back,) = monitoring.list_runs(s, release_id=rel.id)
    assert back.id == run.id and back.drifted and back.reports[0].drifted


def test_monitor_exchanges_windows_and_cursors_round_trip(store: Store) -> None:
    """Times come back in UTC on both databases, windows are [start, end), vectors and cursors keep."""
    from datetime import UTC, datetime, timedelta, timezone

    from redline.core.analysis.drift import Window

    rel = data.release(store)
    t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
    paris = timezone(timedelta(hours=1))
    rows = [
        {
            "run_id": "mon_1",
            "release_id": rel.id,
            "source": "app",
            "at": monitoring.utc((t0 + timedelta(days=d)).astimezone(paris)),
            "scores": {"tox": [float(d % 2), None]},
            "vector": bytes([d]) * 4 if d < 3 else None,
        }
        for d in range(6)
    ]
    with store.session() as s:
        monitoring.add_exchanges(s, rows, chunk=4)
        monitoring.save_cursor(s, "app", "6", run_id="mon_1")
    with store.session() as s:
        assert monitoring.first_seen(s, rel.id) == t0
        week = Window(start=t0, end=t0 + timedelta(days=2))
        assert [r["tox"][0] for r in monitoring.window_scores(s, rel.id, week)] == [0.0, 1.0]
        assert len(list(monitoring.window_scores(s, rel.id, Window(start=t0 + timedelta(days=4))))) == 2
        assert len(list(monitoring.window_scores(s, rel.id, Window(start=t0), limit=4))) == 3  # ids 2, 4, 6
        assert monitoring.window_vectors(s, rel.id, Window(start=t0), limit=2) == [b"\x00" * 4, b"\x01" * 4]
        assert monitoring.count_vectors(s, rel.id, Window(start=t0 + timedelta(days=1))) == 2
        assert monitoring.get_cursor(s, "app") == "6" and monitoring.get_cursor(s, "other") is None
        monitoring.save_cursor(s, "app", "9", run_id="mon_2")
    with store.session() as s:
        assert monitoring.get_cursor(s, "app") == "9"
