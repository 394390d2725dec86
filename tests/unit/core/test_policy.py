from __future__ import annotations

from redline.core.analysis.evidence import Evidence
from redline.core.catalog.threats import Threat
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.policy import ConditionalGo, GateOutcome, ReleasePolicy, evaluate_gate
from redline.core.register.risk import Impact, Likelihood, RiskLevel

THREATS = {
    "leak": Threat(id="leak", title="t", description="d", harm_category="privacy", zero_tolerance=True),
    "inj": Threat(id="inj", title="t", description="d", harm_category="security", max_failure_rate=0.2),
    "bias": Threat(id="bias", title="t", description="d", harm_category="discrimination"),
}


def _finding(risk: RiskLevel, status: FindingStatus = FindingStatus.NEW) -> Finding:
    return Finding(
        id=f"f-{risk}",
        title="x",
        threat_id="inj",
        likelihood=Likelihood.LIKELY,
        impact=Impact.MAJOR,
        risk=risk,
        status=status,
    )


def test_clean_evidence_is_go() -> None:
    ev = [Evidence.from_counts("leak", failures=0, n=50), Evidence.from_counts("inj", failures=1, n=100)]
    result = evaluate_gate(ev, [], ReleasePolicy(), threats=THREATS)
    assert result.outcome is GateOutcome.GO
    assert {r.criterion for r in result.reasons} >= {"zero-tolerance", "max-rate", "open-risk"}


def test_one_zero_tolerance_hit_blocks_and_says_why() -> None:
    ev = [Evidence.from_counts("leak", failures=1, n=50), Evidence.from_counts("inj", failures=0, n=100)]
    result = evaluate_gate(ev, [], ReleasePolicy(), threats=THREATS)
    assert result.outcome is GateOutcome.NO_GO
    (bad,) = result.failed
    assert bad.subject == "leak" and "violated" in bad.detail


def test_untested_zero_tolerance_threat_blocks() -> None:
    result = evaluate_gate([], [], ReleasePolicy(), threats=THREATS)
    assert result.outcome is GateOutcome.NO_GO
    assert "not tested" in result.failed[0].detail


def test_gate_compares_the_upper_bound_not_the_point_estimate() -> None:
    # 2/20 = 10% is under the 20% limit, but the upper bound (~30%) is not.
    ev = [Evidence.from_counts("leak", failures=0, n=50), Evidence.from_counts("inj", failures=2, n=20)]
    result = evaluate_gate(ev, [], ReleasePolicy(), threats=THREATS)
    assert result.outcome is GateOutcome.NO_GO
    assert result.failed[0].criterion == "max-rate"


def test_category_limit_from_policy_applies() -> None:
    policy = ReleasePolicy(max_upper_rate={"discrimination": 0.05})
    ev = [Evidence.from_counts("leak", failures=0, n=50), Evidence.from_counts("bias", failures=10, n=40)]
    assert evaluate_gate(ev, [], policy, threats=THREATS).outcome is GateOutcome.NO_GO


def test_open_high_finding_gives_conditional_go_when_allowed() -> None:
    ev = [Evidence.from_counts("leak", failures=0, n=50)]
    high = [_finding(RiskLevel.HIGH)]
    strict = ReleasePolicy(max_open_risk=RiskLevel.MEDIUM)
    assert evaluate_gate(ev, high, strict, threats=THREATS).outcome is GateOutcome.NO_GO
    lenient = strict.model_copy(
        update={"conditional": ConditionalGo(rollout_share=0.1, feature_flags=("tools",))}
    )
    result = evaluate_gate(ev, high, lenient, threats=THREATS)
    assert result.outcome is GateOutcome.CONDITIONAL_GO
    assert any("10%" in c for c in result.conditions) and any("tools" in c for c in result.conditions)
    critical = [_finding(RiskLevel.CRITICAL)]
    assert evaluate_gate(ev, critical, lenient, threats=THREATS).outcome is GateOutcome.NO_GO


def test_closed_findings_do_not_count() -> None:
    ev = [Evidence.from_counts("leak", failures=0, n=50)]
    done = [_finding(RiskLevel.CRITICAL, FindingStatus.VERIFIED)]
    assert evaluate_gate(ev, done, ReleasePolicy(), threats=THREATS).outcome is GateOutcome.GO


def test_coverage_and_signoffs() -> None:
    ev = [Evidence.from_counts("leak", failures=0, n=50)]
    policy = ReleasePolicy(
        required_coverage=0.6, required_categories=("discrimination",), required_signoffs=2
    )
    result = evaluate_gate(ev, [], policy, threats=THREATS, signoffs=1)
    assert {r.criterion for r in result.failed} == {"coverage", "sign-off"}
    assert len(result.failed) == 3


def test_policy_scope_leaves_out_threats_it_does_not_cover() -> None:
    ev = [Evidence.from_counts("inj", failures=0, n=100)]
    assert (
        evaluate_gate(ev, [], ReleasePolicy(), threats=THREATS).outcome is GateOutcome.NO_GO
    )  # leak untested
    scoped = ReleasePolicy(applies_to=("security",))
    assert evaluate_gate(ev, [], scoped, threats=THREATS).outcome is GateOutcome.GO
