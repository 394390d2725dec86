"""Personal data in evidence through the workbench: masked for everyone, unmasked per item and audited."""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.core.audit import AuditEvent
from redline.program.people import privacy
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.bundle import export_bundle
from redline.reports.bundle_verify import ProblemKind, read_bundle, verify_bundle
from redline.reports.model import Audience, ReportFormat
from redline.reports.render import render
from redline.store import audit
from tests.integration.web.pii import EMAIL, NAME, PLANTED, leaked, plant
from tests.world import WebWorld, form_token


def _unmask_events(world: WebWorld) -> list[AuditEvent]:
    with world.store.session() as s:
        return list(reversed(audit.list_events(s, action=privacy.UNMASK_ACTION)))


def test_a_viewer_sees_masks_on_the_round_page_and_its_api_twin(world: WebWorld) -> None:
    planted = plant(world.store)
    viewer = world.client("vic")
    page = viewer.get(f"/rounds/{planted.round_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert leaked(text) == []
    for label in ("[EMAIL-1]", "[PHONE-1]", "[CARD-1]", "[NAME-1]", "[ADDRESS-1]"):
        assert label in text
    assert "personal data masked" in text and "Show personal data" not in text
    api = viewer.get(f"/api/rounds/{planted.round_id}").json()
    assert leaked(json.dumps(api)) == []
    shown = next(e for e in api["exchanges"] if e["subject"] == f"attempt:{planted.leak_attempt}")
    assert shown["masked"] >= 5
    refused = viewer.post("/api/content/unmask", json={"subject": f"attempt:{planted.leak_attempt}"})
    assert refused.status_code == 403
    assert _unmask_events(world) == []


def test_an_admin_unmasks_one_item_and_each_view_is_audited(world: WebWorld) -> None:
    planted = plant(world.store)
    subject = f"attempt:{planted.leak_attempt}"
    admin = world.client("ada")
    page = admin.get(f"/rounds/{planted.round_id}")
    assert leaked(html.unescape(page.text)) == [] and "Show personal data" in page.text
    shown = admin.post(
        "/content/unmask",
        data={"subject": subject, "next": f"/rounds/{planted.round_id}", "csrf_token": form_token(page.text)},
    )
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert sorted(leaked(text)) == sorted(leaked(" ".join(PLANTED)))
    assert 'data-pii="unmasked"' in shown.text and "recorded in the audit log" in text
    api = admin.post("/api/content/unmask", json={"subject": subject})
    assert api.status_code == 200
    body = api.json()
    assert EMAIL in json.dumps(body) and body["viewer"] == "ada"
    # the page itself stays masked after unmasking
    assert leaked(html.unescape(admin.get(f"/rounds/{planted.round_id}").text)) == []
    events = _unmask_events(world)
    assert [(e.actor, e.subject, e.payload["via"]) for e in events] == [
        ("ada", subject, "web"),
        ("ada", subject, "api"),
    ]
    assert events[-1].seq == body["audit_seq"]
    # a lead is cleared by default, a tester is not
    assert world.client("lena").post("/api/content/unmask", json={"subject": subject}).status_code == 200
    assert world.client("tess").post("/api/content/unmask", json={"subject": subject}).status_code == 403
    assert len(_unmask_events(world)) == 3


def test_a_flagged_item_needs_consent_before_it_is_unmasked(world: WebWorld) -> None:
    planted = plant(world.store)
    subject = f"attempt:{planted.flagged_attempt}"
    admin = world.client("ada")
    before = admin.post("/api/content/unmask", json={"subject": subject})
    assert before.status_code == 403 and "Show this content" in before.text
    consent = admin.post("/api/content/consent", json={"subject": subject})
    assert consent.status_code == 200 and leaked(json.dumps(consent.json())) == []
    assert "[CARD-1]" in json.dumps(consent.json())
    after = admin.post("/api/content/unmask", json={"subject": subject})
    assert after.status_code == 200 and EMAIL in json.dumps(after.json())


def test_finding_exemplars_and_dossier_are_masked(world: WebWorld) -> None:
    planted = plant(world.store)
    admin = world.client("ada")
    admin.post("/api/content/consent", json={"subject": f"exemplar:{planted.finding_id}:0"})
    api = admin.get(f"/api/findings/{planted.finding_id}").json()
    assert EMAIL not in json.dumps(api["dossier"]["exemplars"])
    assert EMAIL not in json.dumps(api["exemplars"]) and "[EMAIL-1]" in json.dumps(api["exemplars"])


def test_reports_and_bundles_for_external_readers_carry_no_personal_data(
    world: WebWorld, tmp_path: Path
) -> None:
    planted = plant(world.store)
    catalog = load_catalog(world.settings.workspace / "catalog")
    with world.store.session() as s:
        external = build_report(
            s,
            ReportRequest(round_id=planted.round_id, audience=Audience.EXTERNAL),
            catalog=catalog,
            program="p",
        )
        internal = build_report(
            s,
            ReportRequest(round_id=planted.round_id, audience=Audience.INTERNAL),
            catalog=catalog,
            program="p",
        )
        unmasked = build_report(
            s,
            ReportRequest(round_id=planted.round_id, audience=Audience.INTERNAL, unmask=True),
            catalog=catalog,
            program="p",
        )
    assert any("[EMAIL-1]" in f.title for f in external.findings)
    for fmt in (ReportFormat.HTML, ReportFormat.MD, ReportFormat.JSON):
        assert leaked(html.unescape(render(external, fmt).decode("utf-8"))) == [], fmt
    assert internal.transcripts and leaked(render(internal, ReportFormat.JSON).decode("utf-8")) == []
    assert EMAIL in render(unmasked, ReportFormat.JSON).decode("utf-8")

    path = tmp_path / "external.zip"
    with world.store.session() as s:
        manifest = export_bundle(s, planted.round_id, audience=Audience.EXTERNAL, path=path, actor="ada")
    assert "personal data" in manifest.withheld
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            assert leaked(zf.read(name).decode("utf-8")) == [], name
    assert verify_bundle(read_bundle(path)) == []
    assert NAME not in path.read_bytes().decode("latin-1")


def test_the_verifier_rejects_an_external_bundle_that_holds_personal_data(
    world: WebWorld, tmp_path: Path
) -> None:
    import hashlib

    from redline.core.ids import canonical_json, content_hash
    from redline.reports.bundle import RECORDS_FILE, BundleManifest, RecordKind, record_line

    planted = plant(world.store)
    path = tmp_path / "external.zip"
    with world.store.session() as s:
        export_bundle(s, planted.round_id, audience=Audience.EXTERNAL, path=path, actor="ada")
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    # an exporter that forgot to mask: a score rationale quoting the email, every hash made consistent
    scores = [json.loads(line) for line in files["scores.jsonl"].decode().splitlines()]
    scores[0]["score"]["rationale"] = f"the answer names {EMAIL}"
    files["scores.jsonl"] = "".join(canonical_json(r) + "\n" for r in scores).encode()
    lines = [
        record_line(RecordKind(k), i, content_hash(scores[0]) if (k, i) == ("score", sid) else h)
        for k, i, h in (ln.split("\t") for ln in files[RECORDS_FILE].decode().splitlines())
        for sid in [f"{scores[0]['attempt_id']}/{scores[0]['score']['scorer']}"]
    ]
    files[RECORDS_FILE] = "".join(lines).encode()
    manifest = BundleManifest.model_validate_json(files["manifest.json"])
    hashes = {
        **manifest.files,
        **{n: hashlib.sha256(files[n]).hexdigest() for n in ("scores.jsonl", RECORDS_FILE)},
    }
    files["manifest.json"] = manifest.model_copy(update={"files": hashes}).model_dump_json(indent=2).encode()
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    problems = verify_bundle(read_bundle(tampered))
    assert [p.kind for p in problems] == [ProblemKind.PERSONAL_DATA]
    assert "scores.jsonl record 1" in problems[0].subject and "rationale" in problems[0].subject
    assert "EMAIL" in problems[0].detail and EMAIL not in problems[0].detail


def test_intake_reports_mask_quoted_personal_data_but_keep_the_reporters_contact(world: WebWorld) -> None:
    from redline.program.channels import intake

    ack = intake.submit(
        world.store,
        world.settings,
        intake.IntakeReport(
            reporter_contact="researcher@example.org",
            affected_system="chat",
            affected_version="1.0",
            category=intake.IntakeCategory.DATA_LEAKAGE,
            title="Leaks customer records",
            reproduction_steps=f"Ask for the customer; it answers {EMAIL}",
            transcript=f"user: who? assistant: {NAME}, {EMAIL}",
            accept_terms=True,
        ),
        client="203.0.113.10",
    )
    lead = world.client("lena")
    shown = lead.get(f"/api/intake/queue/{ack.id}").json()
    body = shown["entry"]["submission"]["body"]
    assert body["reporter_contact"] == "researcher@example.org"
    assert EMAIL not in json.dumps(shown) and "[EMAIL-1]" in body["reproduction_steps"]
    subject = f"intake:{ack.id}"
    lead.post("/api/content/consent", json={"subject": subject})
    unmasked = lead.post("/api/content/unmask", json={"subject": subject})
    assert unmasked.status_code == 200 and EMAIL in unmasked.json()["content"]["parts"][0]["text"]
