"""Replication bundles: a zip with a round's configuration, cases, responses, scores and a hash manifest.

The manifest holds the SHA-256 of every file, `records.sha256` the SHA-256 of every record, and the
manifest the digests of the round's records as the store held them (the same digests the report's
method appendix prints), so a reviewer can check that a report's numbers come from exactly these
records. Records are streamed from the store into the zip, so a round of any size fits in memory.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.analysis.evidence import Evidence
from redline.core.audit import AuditCheckpoint
from redline.core.ids import canonical_json, content_hash
from redline.core.runs.rounds import Round
from redline.core.runs.systems import Release
from redline.reports.assembly import PROTECTED
from redline.reports.digests import Digest, RoundDigests
from redline.reports.model import Audience, redline_version
from redline.reports.redaction import WITHHELD, Scrubber, SensitiveTerms, people_terms
from redline.scorers.masking import Masker
from redline.store import audit
from redline.store.repos import reporting
from redline.store.repos import rounds as rounds_repo
from redline.store.repos.evidence import round_evidence

BUNDLE_FORMAT = "redline-bundle/1"
RECORDS_FILE = "records.sha256"
FILES = (
    "round.json",
    "cases.jsonl",
    "attempts.jsonl",
    "scores.jsonl",
    "evidence.json",
    "README.md",
    RECORDS_FILE,
)
_EPOCH = (2000, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same records give the same bytes
Shape = Callable[[dict[str, Any]], dict[str, Any]]
_Stream = tuple[str, "RecordKind", Iterator[dict[str, Any]], Shape, Callable[[dict[str, Any]], str]]


class RecordKind(StrEnum):
    """The kinds of record a bundle holds."""

    CASE = "case"
    ATTEMPT = "attempt"
    SCORE = "score"


class RecordHash(BaseModel):
    """The SHA-256 of one record as written in the bundle."""

    model_config = ConfigDict(frozen=True)

    kind: RecordKind = Field(description="case, attempt or score.")
    id: str = Field(description="Case id, attempt id, or 'attempt id/scorer'.")
    sha256: str = Field(description="SHA-256 of the record's canonical JSON.")


class BundleManifest(BaseModel):
    """What a bundle holds and the hashes that let anyone check it."""

    model_config = ConfigDict(frozen=True)

    format: str = Field(default=BUNDLE_FORMAT, description="Bundle format version.")
    round_id: str = Field(description="The round the bundle replicates.")
    system: str | None = Field(default=None, description="System under test.")
    release: str | None = Field(default=None, description="Release label.")
    audience: Audience = Field(description="Audience the records were redacted for.")
    created_at: datetime = Field(description="When the bundle was written.")
    generator: str = Field(description="Redline version that wrote it.")
    withheld: tuple[str, ...] = Field(default=(), description="What the audience's redaction removed.")
    files: dict[str, str] = Field(description="File name -> SHA-256 of its bytes.")
    records: int = Field(ge=0, description=f"Records listed, with their SHA-256, in {RECORDS_FILE}.")
    digests: RoundDigests = Field(description="Digests of the round's records as the store held them.")
    audit_checkpoint: AuditCheckpoint | None = Field(
        default=None, description="The newest signed checkpoint of the audit chain when it was written."
    )


def attempt_record(attempt: dict[str, Any], *, withhold: bool) -> dict[str, Any]:
    """The bundle record of one attempt: the attempt (text withheld for external readers) and its hashes."""
    text = attempt["response"].get("text", "")
    record = {
        "attempt": attempt,
        "request_sha256": content_hash(attempt["request"]),
        "response_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    if withhold:
        messages = [{**m, "content": WITHHELD} for m in attempt["request"]["messages"]]
        # per-token log-probs spell the text out, so they are withheld with it
        response = {**attempt["response"], "text": WITHHELD if text else "", "logprobs": None}
        if response.get("actions"):
            response["actions"] = _withheld_actions(response["actions"])
        record["attempt"] = {**attempt, "request": {"messages": messages}, "response": response}
    return record


def _withheld_actions(actions: dict[str, Any]) -> dict[str, Any]:
    """A stored action trace without what calls sent and got back: tools, order and flags stay."""
    steps = []
    for step in actions.get("steps", []):
        call, out = step.get("call", {}), step.get("outcome", {})
        args = dict.fromkeys(call.get("arguments", {}), WITHHELD)
        raw = WITHHELD if call.get("raw_arguments") is not None else None
        outcome = {
            **out,
            "content": WITHHELD if out.get("content") else "",
            "error": WITHHELD if out.get("error") is not None else None,
            "side_effects": [WITHHELD for _ in out.get("side_effects", [])],
        }
        steps.append({**step, "call": {**call, "arguments": args, "raw_arguments": raw}, "outcome": outcome})
    return {**actions, "steps": steps}


def _case_record(case: dict[str, Any], scrub: Scrubber | None) -> dict[str, Any]:
    if scrub is None:
        return case
    messages = [{**m, "content": WITHHELD} for m in case["conversation"]["messages"]]
    out = scrub.walk({**case, "conversation": {"messages": messages}, "objective": ""})
    assert isinstance(out, dict)
    return {**out, "conversation_sha256": content_hash(case["conversation"])}


class _Entry:
    """One file being written into the zip, hashed as it goes."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        self._out = zf.open(info, "w", force_zip64=True)
        self._sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._sha.update(data)

    def close(self) -> str:
        self._out.close()
        return self._sha.hexdigest()


def record_line(kind: RecordKind, record_id: str, sha256: str) -> str:
    """One line of records.sha256."""
    return f"{kind.value}\t{record_id}\t{sha256}\n"


def _readme(manifest: BundleManifest) -> str:
    return (
        f"# Replication bundle for round {manifest.round_id}\n\n"
        f"Written by {manifest.generator} for the {manifest.audience.value} audience.\n"
        + (f"Withheld: {', '.join(manifest.withheld)}.\n" if manifest.withheld else "")
        + (
            f"Audit checkpoint: {manifest.audit_checkpoint.summary()}.\n"
            if manifest.audit_checkpoint
            else "Audit checkpoint: none (the log was not anchored outside the database).\n"
        )
        + "\nCheck it with `redline replay <this file>`: every file and record hash is verified, the\n"
        "failure rates are recomputed from the scores, and installed deterministic scorers re-score\n"
        f"the responses. manifest.json lists the SHA-256 of every file, {RECORDS_FILE} of every record.\n"
    )


def _terms(session: Session, rnd: Round, release: Release | None) -> Scrubber:
    terms = SensitiveTerms()
    terms.add_round(rnd.config, reporting.iter_private_values(session, rnd.id))
    if release is not None:
        terms.add_values(release.config)
    people_terms(reporting.people(session), terms)
    return Scrubber(terms, protected=PROTECTED)


def _streams(session: Session, round_id: str, scrub: Scrubber | None, masker: Masker | None) -> list[_Stream]:
    external = scrub is not None

    def masked(shape: Shape) -> Shape:
        if masker is None:
            return shape

        def out(r: dict[str, Any]) -> dict[str, Any]:
            walked = masker.walk(shape(r), protected=PROTECTED)
            assert isinstance(walked, dict)
            return walked

        return out

    def score_out(r: dict[str, Any]) -> dict[str, Any]:
        out = r if scrub is None else scrub.walk(r)
        assert isinstance(out, dict)
        return out

    return [
        (
            "cases.jsonl",
            RecordKind.CASE,
            reporting.iter_case_records(session, round_id),
            masked(lambda c: _case_record(c, scrub)),
            lambda c: str(c["id"]),
        ),
        (
            "attempts.jsonl",
            RecordKind.ATTEMPT,
            reporting.iter_attempt_records(session, round_id),
            masked(lambda a: attempt_record(a, withhold=external)),
            lambda a: str(a["attempt"]["id"]),
        ),
        (
            "scores.jsonl",
            RecordKind.SCORE,
            reporting.iter_score_records(session, round_id),
            masked(score_out),
            lambda s: f"{s['attempt_id']}/{s['score']['scorer']}",
        ),
    ]


def export_bundle(
    session: Session, round_id: str, *, audience: Audience, path: Path, actor: str
) -> BundleManifest:
    """Write a round's replication bundle to `path` (audited with the manifest's hash)."""
    rnd = rounds_repo.get_round(session, round_id)
    release = reporting.get_release_or_none(session, rnd.release_id)
    system = reporting.system_of(session, release) if release else None
    external = audience is Audience.EXTERNAL
    scrub = _terms(session, rnd, release) if external else None
    # External bundles never carry personal data, whoever writes them: every string is masked.
    masker = Masker(ner=False) if external else None
    withheld = (
        ("request and response text", "system prompts", "configuration", "planted values", "personal data")
        if external
        else ()
    )
    draft = BundleManifest(
        round_id=round_id,
        system=system.name if system else None,
        release=release.version if release else None,
        audience=audience,
        created_at=datetime.now(UTC),
        generator=f"redline {redline_version()}",
        withheld=withheld,
        files={},
        records=0,
        digests=RoundDigests(cases="", responses="", scores=""),
        audit_checkpoint=audit.latest_checkpoint(session),
    )
    round_doc = {
        "round": {**rnd.model_dump(mode="json"), **({"config": {}} if external else {})},
        "config_sha256": content_hash(rnd.config),
        "release": release.model_dump(mode="json", exclude={"config"} if external else set())
        if release
        else None,
        "system": system.name if system else None,
    }
    evidence = [e.model_dump(mode="json") for e in round_evidence(session, round_id)]
    if masker is not None:
        round_doc = masker.walk(round_doc, protected=PROTECTED)
    small = {
        "round.json": json.dumps(round_doc, indent=2, sort_keys=True).encode("utf-8"),
        "evidence.json": json.dumps(evidence, indent=2, sort_keys=True).encode("utf-8"),
        "README.md": _readme(draft).encode("utf-8"),
    }
    files = {name: hashlib.sha256(data).hexdigest() for name, data in small.items()}
    digests: dict[str, str] = {}
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as hashes, zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for name, data in small.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=_EPOCH), data, compress_type=zipfile.ZIP_DEFLATED)
        for (name, kind, records, shape, ident), key in zip(
            _streams(session, round_id, scrub, masker), ("cases", "responses", "scores"), strict=True
        ):
            entry, digest = _Entry(zf, name), Digest()
            for record in records:
                digest.add(record)
                out = shape(record)
                entry.write((canonical_json(out) + "\n").encode("utf-8"))
                hashes.write(record_line(kind, ident(out), content_hash(out)).encode("utf-8"))
                count += 1
            files[name], digests[key] = entry.close(), digest.hexdigest()
        hashes.seek(0)
        entry = _Entry(zf, RECORDS_FILE)
        while chunk := hashes.read(1 << 20):
            entry.write(chunk)
        files[RECORDS_FILE] = entry.close()
        manifest = draft.model_copy(
            update={"files": files, "records": count, "digests": RoundDigests(**digests)}
        )
        manifest_bytes = manifest.model_dump_json(indent=2).encode("utf-8")
        zf.writestr(zipfile.ZipInfo("manifest.json", date_time=_EPOCH), manifest_bytes)
    audit.append(
        session,
        actor=actor,
        action="bundle.export",
        subject=round_id,
        payload={"audience": audience.value, "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest()},
    )
    return manifest


def evidence_of(raw: bytes) -> list[Evidence]:
    """The evidence file of a bundle, parsed."""
    return [Evidence.model_validate(e) for e in json.loads(raw)]
