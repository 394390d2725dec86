"""The plain-language parts of a report: executive summary and limitations, for non-engineers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from redline.core.register.mitigations import MitigationStatus
from redline.core.register.policy import GateOutcome
from redline.core.register.risk import RiskLevel
from redline.reports.model import (
    DecisionEntry,
    ExecutiveSummary,
    FindingEntry,
    MitigationEntry,
    RoundSummary,
    Scope,
    ThreatRate,
)
from redline.reports.sections import Coverage

OUTCOME_WORDS = {
    GateOutcome.GO: "go: the release may ship",
    GateOutcome.CONDITIONAL_GO: "conditional go: the release may ship only under the conditions listed",
    GateOutcome.NO_GO: "no-go: the release must not ship as it is",
}
SMALL_SAMPLE = 30


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _decision(scope: Scope, decision: DecisionEntry) -> str:
    what = f"release {scope.release} of {scope.system}" if scope.release else "the rounds in this report"
    failed = sum(1 for r in decision.reasons if not r.passed)
    if decision.recorded:
        when = f" on {decision.decided_at:%Y-%m-%d}" if decision.decided_at else ""
        signed = f"; signed by {', '.join(decision.signed_by)}" if decision.signed_by else "; not yet signed"
        said = f"The decision recorded{when} for {what} is {OUTCOME_WORDS[decision.outcome]}{signed}."
        if decision.stale:
            return said + " It is stale: a finding above the policy's threshold opened after it."
        if decision.revisit:
            return said + " It no longer holds: a condition of it is broken."
        return said
    policy = f"the policy '{decision.policy}'" if decision.policy else "the release policy"
    return (
        f"No release decision has been recorded for {what} yet. Checked against {policy}, the evidence "
        f"points to {OUTCOME_WORDS[decision.outcome]} ({_plural(failed, 'criterion', 'criteria')} of "
        f"{len(decision.reasons)} not met). This is a preview, not a decision."
    )


def _tested(rounds: Sequence[RoundSummary], rates: Sequence[ThreatRate], coverage: Coverage) -> str:
    cases = sum(r.cases for r in rounds)
    scored = sum(r.n for r in rates)
    adhoc = sum(1 for r in rounds if r.adhoc)
    cats = sorted({r.harm_category for r in rates if r.n})
    text = (
        f"We ran {_plural(cases, 'attack case')} in {_plural(len(rounds), 'round')}"
        + (f" ({adhoc} of them ad hoc, without an approved plan)" if adhoc else "")
        + f". {_plural(scored, 'case')} could be scored, covering {coverage.tested} of the "
        f"{coverage.catalog_threats} threats in the catalog"
    )
    text += f" across {_plural(len(cats), 'harm area')} ({', '.join(cats)})." if cats else "."
    return text


def _found(rates: Sequence[ThreatRate], findings: Sequence[FindingEntry]) -> str:
    failing = [r for r in rates if r.failures]
    parts: list[str] = []
    if not failing:
        parts.append("The model did not fail any scored case.")
    else:
        worst = max(failing, key=lambda r: (r.rate, r.high))
        parts.append(
            f"The model failed at least once against {_plural(len(failing), 'threat')}. The highest "
            f"failure rate was for '{worst.title}': {worst.failures} of {worst.n} cases ({worst.rate:.0%}; "
            f"95% interval {worst.low:.0%} to {worst.high:.0%})."
        )
    above = [r for r in rates if r.above_limit]
    if above:
        parts.append(f"{_plural(len(above), 'threat')} exceeded the limit the policy allows.")
    open_f = [f for f in findings if f.is_open]
    levels = Counter(f.risk for f in open_f)
    if open_f:
        detail = ", ".join(f"{levels[lv]} {lv.value}" for lv in reversed(RiskLevel) if levels[lv])
        parts.append(
            f"{_plural(len(open_f), 'finding')} {'is' if len(open_f) == 1 else 'are'} open ({detail})."
        )
    else:
        parts.append("No finding is open.")
    return " ".join(parts)


def _doing(findings: Sequence[FindingEntry], mitigations: Sequence[MitigationEntry]) -> str:
    if not mitigations and not any(f.is_open for f in findings):
        return "Nothing needs mitigating from this evidence."
    states = Counter(m.status for m in mitigations)
    groups = [
        (
            sum(
                states[s]
                for s in (MitigationStatus.PROPOSED, MitigationStatus.AUTHORISED, MitigationStatus.PLANNED)
            )
            + states[MitigationStatus.IN_PROGRESS],
            "planned or in progress",
        ),
        (states[MitigationStatus.SHIPPED], "shipped and awaiting verification"),
        (states[MitigationStatus.VERIFIED], "verified by a re-run"),
        (states[MitigationStatus.NOT_VERIFIED], "not confirmed by a re-run"),
        (states[MitigationStatus.ABANDONED], "abandoned"),
    ]
    listed = ", ".join(f"{n} {words}" for n, words in groups if n)
    parts = [f"{_plural(len(mitigations), 'mitigation')} recorded" + (f": {listed}." if listed else ".")]
    covered = {m.finding_id for m in mitigations}
    bare = [f for f in findings if f.is_open and f.id not in covered]
    if bare:
        verb = "has" if len(bare) == 1 else "have"
        parts.append(f"{_plural(len(bare), 'open finding')} {verb} no mitigation yet.")
    return " ".join(parts)


def executive_summary(
    *,
    scope: Scope,
    decision: DecisionEntry,
    rounds: Sequence[RoundSummary],
    rates: Sequence[ThreatRate],
    coverage: Coverage,
    findings: Sequence[FindingEntry],
    mitigations: Sequence[MitigationEntry],
) -> ExecutiveSummary:
    """The four questions a committee asks, answered in plain words."""
    adhoc = [r.id for r in rounds if r.adhoc]
    note = (
        f"Evidence from {_plural(len(adhoc), 'ad-hoc round')} ({', '.join(adhoc)}) was not run under an "
        "approved plan; treat it as exploratory."
        if adhoc
        else ""
    )
    return ExecutiveSummary(
        decision=_decision(scope, decision),
        tested=_tested(rounds, rates, coverage),
        found=_found(rates, findings),
        doing=_doing(findings, mitigations),
        adhoc_note=note,
    )


def limitations(rates: Sequence[ThreatRate], coverage: Coverage, rounds: Sequence[RoundSummary]) -> list[str]:
    """What the evidence cannot show, stated so nobody over-reads the numbers."""
    out = [
        "Failure rates measure how often this set of attack cases succeeded; they are not the "
        "probability of harm in real use, and a rate of zero does not prove the model is safe.",
        "Automated scorers can be wrong; failures marked here are the scorers' judgement, reviewed "
        "by people only where a finding was opened.",
    ]
    small = sorted(r.threat_id for r in rates if 0 < r.n < SMALL_SAMPLE)
    if small:
        out.append(
            f"{_plural(len(small), 'threat')} had fewer than {SMALL_SAMPLE} scored cases "
            f"({', '.join(small)}); their intervals are wide."
        )
    unscored = sum(r.could_not_score + r.errors for r in rates)
    if unscored:
        out.append(
            f"{_plural(unscored, 'case')} could not be scored or got no answer and are not in any rate."
        )
    if coverage.untested:
        out.append(f"{_plural(len(coverage.untested), 'catalog threat')} had no evidence at all.")
    if any(r.adhoc for r in rounds):
        out.append("Some evidence comes from ad-hoc rounds run without an approved plan.")
    return out
