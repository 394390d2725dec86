"""Render the release gate as JUnit XML: one test case per gate criterion, for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from redline.reports.model import ReportModel


def render_junit(model: ReportModel) -> str:
    """A JUnit XML document: one test suite for the gate, a failing test case per unmet criterion."""
    reasons = model.decision.reasons
    failures = sum(1 for g in reasons if not g.passed)
    name = f"redline gate {model.scope.system or model.scope.program} {model.scope.release or ''}".strip()
    root = ET.Element("testsuites", name=name, tests=str(len(reasons)), failures=str(failures), errors="0")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(reasons)),
        failures=str(failures),
        errors="0",
        skipped="0",
        timestamp=model.generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("decision", model.decision.outcome.value),
        ("recorded", str(model.decision.recorded).lower()),
        ("policy", model.decision.policy),
        ("audience", model.audience.value),
        ("rounds", " ".join(model.scope.round_ids)),
    ):
        ET.SubElement(props, "property", name=key, value=value)
    for g in reasons:
        case = ET.SubElement(
            suite, "testcase", classname=f"gate.{g.criterion}", name=g.subject or g.criterion, time="0"
        )
        if not g.passed:
            fail = ET.SubElement(case, "failure", message=g.detail, type="soft" if g.soft else "hard")
            fail.text = g.detail
        else:
            ET.SubElement(case, "system-out").text = g.detail
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
