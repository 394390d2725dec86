"""Release policy and the gate: go, conditional go or no-go against declared unacceptable harms (stage 7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.evidence import Evidence
from redline.core.catalog.threats import Threat, ThreatStatus
from redline.core.register.findings import Finding
from redline.core.register.risk import RiskLevel


class GateOutcome(StrEnum):
    """The release decision."""

    GO = "go"
    CONDITIONAL_GO = "conditional_go"
    NO_GO = "no_go"


class GateReason(BaseModel):
    """One criterion of the policy and whether it held."""

    model_config = ConfigDict(frozen=True)

    criterion: str = Field(description="Short key: zero-tolerance, max-rate, open-risk, coverage, sign-off.")
    passed: bool
    detail: str = Field(description="What was measured against what limit, in plain words.")
    subject: str = Field(default="", description="Threat id, category or finding the reason is about.")
    soft: bool = Field(default=False, description="A failure a conditional go may accept.")


class ConditionalGo(BaseModel):
    """When a release may ship under conditions instead of being blocked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_open_risk: RiskLevel = Field(
        default=RiskLevel.HIGH, description="Open findings up to this level allow a conditional go."
    )
    rollout_share: float = Field(
        default=0.05, gt=0, le=1, description="Share of traffic in the staged rollout."
    )
    feature_flags: tuple[str, ...] = Field(default=(), description="Flags that must stay off.")
    monitoring_required: bool = Field(default=True, description="Production monitoring must run.")
    monitoring_window_days: int = Field(
        default=7, ge=1, le=365, description="A monitoring run must exist within this many days."
    )
    manual: tuple[str, ...] = Field(
        default=(), description="Further conditions a person confirms with evidence text."
    )


class ConditionKind(StrEnum):
    """How a condition of a conditional go is shown to hold."""

    ROLLOUT_SHARE = "rollout_share"
    FEATURE_FLAG = "feature_flag"
    MONITORING = "monitoring"
    MANUAL = "manual"


class ConditionSpec(BaseModel):
    """One condition of a conditional go, as the policy states it (the checklist item it becomes)."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Stable key within a release: 'rollout_share', 'feature_flag:NAME', ...")
    kind: ConditionKind
    text: str
    maximum: float | None = Field(default=None, description="Highest rollout share allowed.")
    flag: str | None = Field(default=None, description="Feature flag that must stay off.")
    window_days: int | None = Field(default=None, description="Monitoring window, in days.")


def condition_specs(cond: ConditionalGo) -> tuple[ConditionSpec, ...]:
    """The checklist of a conditional go under `cond`, in the order the decision states it."""
    K = ConditionKind
    specs = [
        ConditionSpec(
            key="rollout_share",
            kind=K.ROLLOUT_SHARE,
            text=f"staged rollout to {cond.rollout_share:.0%} of traffic",
            maximum=cond.rollout_share,
        )
    ]
    specs += [
        ConditionSpec(
            key=f"feature_flag:{flag}",
            kind=K.FEATURE_FLAG,
            text=f"feature flag '{flag}' stays off",
            flag=flag,
        )
        for flag in cond.feature_flags
    ]
    if cond.monitoring_required:
        specs.append(
            ConditionSpec(
                key="monitoring",
                kind=K.MONITORING,
                text="production monitoring with drift alerts runs for the rollout",
                window_days=cond.monitoring_window_days,
            )
        )
    specs += [ConditionSpec(key=f"manual:{text[:180]}", kind=K.MANUAL, text=text) for text in cond.manual]
    return tuple(specs)


class ReleasePolicy(BaseModel):
    """The unacceptable harms a release is checked against (a YAML file in the workspace's policies/)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "default"
    description: str = ""
    zero_tolerance: tuple[str, ...] = Field(
        default=(), description="Threat ids where any confirmed failure blocks (added to catalog flags)."
    )
    max_upper_rate: dict[str, float] = Field(
        default_factory=dict,
        description="Threat id or harm category -> highest allowed upper 95% bound of the failure rate.",
    )
    default_max_upper_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Limit for threats without their own (None: only explicit limits).",
    )
    max_open_risk: RiskLevel = Field(
        default=RiskLevel.MEDIUM, description="Highest risk level an open finding may have for a go."
    )
    required_coverage: float = Field(
        default=0.0, ge=0, le=1, description="Share of the policy's threats that need evidence."
    )
    required_categories: tuple[str, ...] = Field(
        default=(), description="Harm categories that need evidence from at least one threat."
    )
    required_signoffs: int = Field(default=0, ge=0, description="Committee sign-offs needed for a go.")
    applies_to: tuple[str, ...] = Field(
        default=(),
        description="Threat ids or harm categories the policy covers (e.g. a product without tools leaves "
        "out agentic threats); empty: the whole catalog.",
    )
    conditional: ConditionalGo | None = Field(default=None, description="Allow a conditional go, and how.")


class GateEvaluation(BaseModel):
    """What the policy says about one release, before anyone signs."""

    model_config = ConfigDict(frozen=True)

    outcome: GateOutcome
    reasons: tuple[GateReason, ...]
    conditions: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[GateReason, ...]:
        """The criteria that did not hold."""
        return tuple(r for r in self.reasons if not r.passed)


class Decision(BaseModel):
    """A recorded gate decision for one release, with its reasons and sign-offs."""

    model_config = ConfigDict(frozen=True)

    id: str
    release_id: str
    outcome: GateOutcome
    reasons: tuple[GateReason, ...] = ()
    conditions: tuple[str, ...] = Field(default=(), description="Conditions of a conditional go.")
    signed_by: tuple[str, ...] = ()
    policy: str = ""
    created_at: datetime | None = None


def limit_for(threat: Threat, policy: ReleasePolicy) -> float | None:
    """Highest allowed upper-bound failure rate of a threat: policy by id, category, threat, default."""
    if threat.id in policy.max_upper_rate:
        return policy.max_upper_rate[threat.id]
    if threat.harm_category in policy.max_upper_rate:
        return policy.max_upper_rate[threat.harm_category]
    if threat.max_failure_rate is not None:
        return threat.max_failure_rate
    return policy.default_max_upper_rate


def evaluate_gate(
    evidence: Sequence[Evidence],
    open_findings: Sequence[Finding],
    policy: ReleasePolicy,
    *,
    threats: Mapping[str, Threat],
    signoffs: int = 0,
) -> GateEvaluation:
    """Check every criterion of the policy; pure, so it is tested with literals."""
    by_threat = {e.threat_id: e for e in evidence}
    reasons: list[GateReason] = []
    scope = set(policy.applies_to)
    active = {
        tid: t
        for tid, t in threats.items()
        if t.status is not ThreatStatus.RETIRED and (not scope or tid in scope or t.harm_category in scope)
    }
    zero = sorted(set(policy.zero_tolerance) | {tid for tid, t in active.items() if t.zero_tolerance})
    for tid in zero:
        ev = by_threat.get(tid)
        if ev is None or ev.n == 0:
            reasons.append(
                GateReason(
                    criterion="zero-tolerance",
                    passed=False,
                    subject=tid,
                    detail=f"{tid} is zero-tolerance but was not tested",
                )
            )
        else:
            ok = ev.failures == 0
            detail = f"{tid}: {ev.describe()}; zero tolerance " + ("held" if ok else "violated")
            reasons.append(GateReason(criterion="zero-tolerance", passed=ok, subject=tid, detail=detail))
    for ev in sorted(evidence, key=lambda e: e.threat_id):
        threat = active.get(ev.threat_id)
        if threat is None or ev.threat_id in zero or ev.n == 0:
            continue
        limit = limit_for(threat, policy)
        if limit is None:
            continue
        ok = ev.high <= limit
        detail = (
            f"{ev.threat_id}: upper 95% bound {ev.high:.1%} "
            f"{'within' if ok else 'above'} the limit {limit:.1%} ({ev.failures}/{ev.n} failed)"
        )
        reasons.append(GateReason(criterion="max-rate", passed=ok, subject=ev.threat_id, detail=detail))
    reasons.extend(_open_risk_reasons(open_findings, policy))
    reasons.extend(_coverage_reasons(by_threat, active, policy))
    if policy.required_signoffs:
        ok = signoffs >= policy.required_signoffs
        reasons.append(
            GateReason(
                criterion="sign-off",
                passed=ok,
                detail=f"{signoffs} of {policy.required_signoffs} required sign-offs",
            )
        )
    return _decide(reasons, policy)


def _open_risk_reasons(open_findings: Sequence[Finding], policy: ReleasePolicy) -> list[GateReason]:
    worst = max((f for f in open_findings if f.is_open), key=lambda f: f.risk.rank, default=None)
    if worst is None:
        return [GateReason(criterion="open-risk", passed=True, detail="no open findings")]
    ok = worst.risk.rank <= policy.max_open_risk.rank
    cond = policy.conditional
    soft = not ok and cond is not None and worst.risk.rank <= cond.max_open_risk.rank
    n_open = sum(1 for f in open_findings if f.is_open)
    detail = (
        f"{n_open} open finding(s); the highest is {worst.risk.value} ({worst.id}: {worst.title}); "
        f"allowed up to {policy.max_open_risk.value}"
    )
    return [GateReason(criterion="open-risk", passed=ok, subject=worst.id, detail=detail, soft=soft)]


def _coverage_reasons(
    by_threat: Mapping[str, Evidence], active: Mapping[str, Threat], policy: ReleasePolicy
) -> list[GateReason]:
    out: list[GateReason] = []
    tested = {tid for tid, e in by_threat.items() if e.n > 0}
    if policy.required_coverage > 0 and active:
        share = len(tested & set(active)) / len(active)
        ok = share >= policy.required_coverage
        out.append(
            GateReason(
                criterion="coverage",
                passed=ok,
                detail=f"{share:.0%} of {len(active)} catalog threats tested; "
                f"{policy.required_coverage:.0%} required",
            )
        )
    for cat in policy.required_categories:
        ok = any(active[t].harm_category == cat for t in tested if t in active)
        out.append(
            GateReason(
                criterion="coverage",
                passed=ok,
                subject=cat,
                detail=f"harm category '{cat}' {'has' if ok else 'has no'} evidence",
            )
        )
    return out


def _decide(reasons: list[GateReason], policy: ReleasePolicy) -> GateEvaluation:
    failed = [r for r in reasons if not r.passed]
    if not failed:
        return GateEvaluation(outcome=GateOutcome.GO, reasons=tuple(reasons))
    cond = policy.conditional
    if cond is not None and all(r.soft for r in failed):
        conditions = tuple(spec.text for spec in condition_specs(cond))
        return GateEvaluation(
            outcome=GateOutcome.CONDITIONAL_GO, reasons=tuple(reasons), conditions=conditions
        )
    return GateEvaluation(outcome=GateOutcome.NO_GO, reasons=tuple(reasons))
