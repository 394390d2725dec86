"""Render findings as SARIF 2.1.0 for code-scanning dashboards: threats are rules, findings results."""

from __future__ import annotations

import json
from typing import Any

from redline.core.ids import content_hash
from redline.core.register.risk import RiskLevel
from redline.reports.model import FindingEntry, ReportModel, ThreatRate, redline_version

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# The artifact a result points at: the workspace file that declares the system under test.
ARTIFACT = "redline.yaml"
LEVELS = {
    RiskLevel.CRITICAL: "error",
    RiskLevel.HIGH: "error",
    RiskLevel.MEDIUM: "warning",
    RiskLevel.LOW: "note",
}
SECURITY_SEVERITY = {
    RiskLevel.CRITICAL: "9.5",
    RiskLevel.HIGH: "8.0",
    RiskLevel.MEDIUM: "5.5",
    RiskLevel.LOW: "2.0",
}


def _rule(threat_id: str, rate: ThreatRate | None) -> dict[str, Any]:
    title = rate.title if rate else threat_id
    rule: dict[str, Any] = {
        "id": threat_id,
        "name": "".join(part.capitalize() for part in threat_id.replace("-", ".").split(".")),
        "shortDescription": {"text": title},
        "properties": {"tags": ["ai-red-team", rate.harm_category if rate else "uncatalogued"]},
    }
    if rate is not None:
        rule["fullDescription"] = {
            "text": f"{title}. Failure rate {rate.failures}/{rate.n} ({rate.rate:.1%}, 95% CI "
            f"{rate.low:.1%}-{rate.high:.1%})."
        }
    return rule


def _result(f: FindingEntry, index: int, rate: ThreatRate | None) -> dict[str, Any]:
    measured = (
        f" Measured failure rate {rate.failures}/{rate.n} ({rate.rate:.1%}, "
        f"95% CI {rate.low:.1%}-{rate.high:.1%})."
        if rate
        else ""
    )
    return {
        "ruleId": f.threat_id,
        "ruleIndex": index,
        "level": LEVELS[f.risk] if f.is_open else "note",
        "kind": "fail" if f.is_open else "informational",
        "message": {
            "text": f"{f.title} ({f.risk.value} risk: likelihood {int(f.likelihood)} x impact "
            f"{int(f.impact)}; status {f.status.value}).{measured}"
        },
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": ARTIFACT}, "region": {"startLine": 1}},
                "logicalLocations": [{"name": f.threat_id, "kind": "module"}],
            }
        ],
        "partialFingerprints": {"redlineFinding/v1": content_hash(f.id)[:32]},
        "properties": {
            "finding": f.id,
            "risk": f.risk.value,
            "likelihood": int(f.likelihood),
            "impact": int(f.impact),
            "status": f.status.value,
            "owner": f.owner or "unassigned",
            "security-severity": SECURITY_SEVERITY[f.risk],
        },
    }


def render_sarif(model: ReportModel) -> str:
    """A SARIF 2.1.0 log with one run: rules are the threats, results are the findings."""
    rates = {r.threat_id: r for r in model.rates}
    threat_ids = sorted({f.threat_id for f in model.findings} | set(rates))
    index = {tid: i for i, tid in enumerate(threat_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "Redline",
                "semanticVersion": redline_version(),
                "rules": [_rule(tid, rates.get(tid)) for tid in threat_ids],
            }
        },
        "automationDetails": {
            "id": f"redline/{model.scope.system or model.scope.program}/{model.scope.release or '-'}/"
        },
        "invocations": [
            {"executionSuccessful": True, "endTimeUtc": model.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        ],
        "results": [_result(f, index[f.threat_id], rates.get(f.threat_id)) for f in model.findings],
        "properties": {
            "audience": model.audience.value,
            "rounds": list(model.scope.round_ids),
            "decision": model.decision.outcome.value,
            "decisionRecorded": model.decision.recorded,
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
