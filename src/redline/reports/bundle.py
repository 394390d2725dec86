"""Replication bundles: a zip with a round's configuration, cases, responses, scores and a hash manifest.

The manifest holds the SHA-256 of every file and of every record, and the digests of the round's
records as the store held them (the same digests the report's method appendix prints), so a reviewer
can check that the numbers in a report come from exactly these records.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.evidence import Evidence
from redline.core.ids import canonical_json, content_hash
from redline.reports.assembly import PROTECTED
from redline.reports.digests import RoundDigests, RoundRecords, digests_of, round_records
from redline.reports.model import Audience, redline_version
from redline.reports.redaction import WITHHELD, Scrubber, SensitiveTerms, people_terms
from redline.store import audit
from redline.store.repos import reporting
from redline.store.repos import rounds as rounds_repo
from redline.store.repos.evidence import round_evidence

BUNDLE_FORMAT = "redline-bundle/1"
FILES = ("round.json", "cases.jsonl", "attempts.jsonl", "scores.jsonl", "evidence.json", "README.md")
_EPOCH = (2000, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same records give the same bytes


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
    records: tuple[RecordHash, ...] = Field(description="SHA-256 of every record, in file order.")
    digests: RoundDigests = Field(description="Digests of the round's records as the store held them.")


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
        response = {**attempt["response"], "text": WITHHELD if text else ""}
        record["attempt"] = {**attempt, "request": {"messages": messages}, "response": response}
    return record


def _case_record(case: dict[str, Any], scrub: Scrubber | None) -> dict[str, Any]:
    if scrub is None:
        return case
    messages = [{**m, "content": WITHHELD} for m in case["conversation"]["messages"]]
    out = scrub.walk({**case, "conversation": {"messages": messages}, "objective": ""})
    assert isinstance(out, dict)
    return {**out, "conversation_sha256": content_hash(case["conversation"])}


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(canonical_json(r) + "\n" for r in records).encode("utf-8")


def _readme(manifest: BundleManifest) -> str:
    return (
        f"# Replication bundle for round {manifest.round_id}\n\n"
        f"Written by {manifest.generator} for the {manifest.audience.value} audience.\n"
        + (f"Withheld: {', '.join(manifest.withheld)}.\n" if manifest.withheld else "")
        + "\nCheck it with `redline replay <this file>`: every file and record hash is verified, the\n"
        "failure rates are recomputed from the scores, and installed deterministic scorers re-score\n"
        "the responses. manifest.json lists the SHA-256 of every file and record.\n"
    )


def export_bundle(
    session: Session, round_id: str, *, audience: Audience, path: Path, actor: str
) -> BundleManifest:
    """Write a round's replication bundle to `path` (audited with the manifest's hash)."""
    rnd = rounds_repo.get_round(session, round_id)
    release = reporting.get_release_or_none(session, rnd.release_id)
    system = reporting.system_of(session, release) if release else None
    records: RoundRecords = round_records(session, round_id)
    external = audience is Audience.EXTERNAL
    scrub: Scrubber | None = None
    if external:
        terms = SensitiveTerms()
        terms.add_round(rnd.config, records)
        if release is not None:
            terms.add_values(release.config)
        people_terms(reporting.people(session), terms)
        scrub = Scrubber(terms, protected=PROTECTED)
    cases = [_case_record(c, scrub) for c in records.cases]
    attempts = [attempt_record(a, withhold=external) for a in records.attempts]
    scores = [r if scrub is None else scrub.walk(r) for r in records.scores]
    round_doc = {
        "round": {**rnd.model_dump(mode="json"), **({"config": {}} if external else {})},
        "config_sha256": content_hash(rnd.config),
        "release": release.model_dump(mode="json", exclude={"config"} if external else set())
        if release
        else None,
        "system": system.name if system else None,
    }
    evidence = [e.model_dump(mode="json") for e in round_evidence(session, round_id)]
    blobs = {
        "round.json": json.dumps(round_doc, indent=2, sort_keys=True).encode("utf-8"),
        "cases.jsonl": _jsonl(cases),
        "attempts.jsonl": _jsonl(attempts),
        "scores.jsonl": _jsonl(scores),
        "evidence.json": json.dumps(evidence, indent=2, sort_keys=True).encode("utf-8"),
    }
    hashes = [RecordHash(kind=RecordKind.CASE, id=c["id"], sha256=content_hash(c)) for c in cases]
    hashes += [
        RecordHash(kind=RecordKind.ATTEMPT, id=a["attempt"]["id"], sha256=content_hash(a)) for a in attempts
    ]
    hashes += [
        RecordHash(
            kind=RecordKind.SCORE, id=f"{s['attempt_id']}/{s['score']['scorer']}", sha256=content_hash(s)
        )
        for s in scores
    ]
    withheld = (
        ("request and response text", "system prompts", "configuration", "planted values") if external else ()
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
        records=tuple(hashes),
        digests=digests_of(records),
    )
    blobs["README.md"] = _readme(draft).encode("utf-8")
    manifest = draft.model_copy(
        update={"files": {n: hashlib.sha256(b).hexdigest() for n, b in blobs.items()}}
    )
    manifest_bytes = manifest.model_dump_json(indent=2).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("manifest.json", manifest_bytes), *blobs.items()]:
            zf.writestr(zipfile.ZipInfo(name, date_time=_EPOCH), data, compress_type=zipfile.ZIP_DEFLATED)
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
