"""Read a replication bundle and check it: every file hash, every record hash, every response, the rates."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.core.analysis.evidence import Evidence, evidence_from_outcomes
from redline.core.errors import UsageError
from redline.core.ids import content_hash
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Response
from redline.core.runs.rounds import Attempt
from redline.core.runs.scores import Score
from redline.reports.bundle import (
    BUNDLE_FORMAT,
    FILES,
    RECORDS_FILE,
    BundleManifest,
    RecordHash,
    RecordKind,
    evidence_of,
)
from redline.reports.digests import digest_records
from redline.reports.model import Audience
from redline.reports.redaction import WITHHELD
from redline.scorers.masking import LABELS, find_unmasked


class ProblemKind(StrEnum):
    """What a check found wrong."""

    MISSING_FILE = "missing_file"
    UNLISTED_FILE = "unlisted_file"
    FILE_HASH = "file_hash"
    RECORD_HASH = "record_hash"
    MISSING_RECORD = "missing_record"
    RESPONSE_HASH = "response_hash"
    DIGEST = "digest"
    EVIDENCE = "evidence"
    UNREADABLE = "unreadable"
    PERSONAL_DATA = "personal_data"


class BundleProblem(BaseModel):
    """One check that failed, naming what it is about."""

    model_config = ConfigDict(frozen=True)

    kind: ProblemKind = Field(description="What went wrong.")
    subject: str = Field(description="The file, record or threat it is about.")
    detail: str = Field(description="What was expected and what was found.")


@dataclass
class LoadedBundle:
    """A bundle read into memory."""

    manifest: BundleManifest
    raw: dict[str, bytes]
    cases: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)
    checks: int = 0


def _lines(raw: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def read_bundle(path: Path) -> LoadedBundle:
    """Open a bundle; a file that is not a Redline bundle is a usage error that says so."""
    try:
        with zipfile.ZipFile(path) as zf:
            raw = {name: zf.read(name) for name in zf.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{path} is not a readable bundle: {exc}") from None
    try:
        manifest = BundleManifest.model_validate_json(raw.pop("manifest.json"))
    except (KeyError, ValidationError) as exc:
        raise UsageError(f"{path} has no valid manifest.json: {str(exc).splitlines()[0]}") from None
    if manifest.format != BUNDLE_FORMAT:
        raise UsageError(f"{path} is a {manifest.format} bundle; this Redline reads {BUNDLE_FORMAT}")
    bundle = LoadedBundle(manifest=manifest, raw=raw)
    try:
        bundle.cases = _lines(raw.get("cases.jsonl", b""))
        bundle.attempts = _lines(raw.get("attempts.jsonl", b""))
        bundle.scores = _lines(raw.get("scores.jsonl", b""))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path} holds a record that is not JSON: {exc}") from None
    return bundle


def _record_ids(b: LoadedBundle) -> dict[tuple[RecordKind, str], dict[str, Any]]:
    out: dict[tuple[RecordKind, str], dict[str, Any]] = {}
    out.update({(RecordKind.CASE, c.get("id", "?")): c for c in b.cases})
    out.update({(RecordKind.ATTEMPT, a.get("attempt", {}).get("id", "?")): a for a in b.attempts})
    out.update(
        {(RecordKind.SCORE, f"{s.get('attempt_id')}/{s.get('score', {}).get('scorer')}"): s for s in b.scores}
    )
    return out


def _check_files(b: LoadedBundle) -> list[BundleProblem]:
    out = []
    for name in FILES:
        if name not in b.raw:
            out.append(
                BundleProblem(kind=ProblemKind.MISSING_FILE, subject=name, detail="listed file is missing")
            )
    for name, data in sorted(b.raw.items()):
        want = b.manifest.files.get(name)
        b.checks += 1
        if want is None:
            out.append(
                BundleProblem(kind=ProblemKind.UNLISTED_FILE, subject=name, detail="not in the manifest")
            )
        elif hashlib.sha256(data).hexdigest() != want:
            out.append(
                BundleProblem(kind=ProblemKind.FILE_HASH, subject=name, detail="SHA-256 does not match")
            )
    return out


def listed_records(b: LoadedBundle) -> list[RecordHash]:
    """The record hashes listed in records.sha256."""
    out = []
    for line in b.raw.get(RECORDS_FILE, b"").decode("utf-8").splitlines():
        kind, record_id, sha = line.split("\t")
        out.append(RecordHash(kind=RecordKind(kind), id=record_id, sha256=sha))
    return out


def _check_records(b: LoadedBundle) -> list[BundleProblem]:
    out = []
    present = _record_ids(b)
    case_of = {a.get("attempt", {}).get("id"): a.get("attempt", {}).get("case_id") for a in b.attempts}
    listed = listed_records(b)
    if len(listed) != b.manifest.records:
        detail = f"{len(listed)} records listed, the manifest says {b.manifest.records}"
        out.append(BundleProblem(kind=ProblemKind.MISSING_RECORD, subject=RECORDS_FILE, detail=detail))
    for rec in listed:
        b.checks += 1
        found = present.get((rec.kind, rec.id))
        where = f"{rec.kind.value} {rec.id}" + (f" (case {case_of[rec.id]})" if rec.id in case_of else "")
        if found is None:
            out.append(
                BundleProblem(kind=ProblemKind.MISSING_RECORD, subject=where, detail="record is missing")
            )
        elif content_hash(found) != rec.sha256:
            out.append(
                BundleProblem(kind=ProblemKind.RECORD_HASH, subject=where, detail="record was changed")
            )
    for a in b.attempts:
        attempt = a.get("attempt", {})
        text = attempt.get("response", {}).get("text", "")
        if text == WITHHELD:
            continue
        b.checks += 1
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != a.get("response_sha256"):
            out.append(
                BundleProblem(
                    kind=ProblemKind.RESPONSE_HASH,
                    subject=f"attempt {attempt.get('id')} (case {attempt.get('case_id')})",
                    detail="response text does not match its SHA-256",
                )
            )
    return out


def _check_digests(b: LoadedBundle) -> list[BundleProblem]:
    if b.manifest.withheld:
        return []
    seen = {
        "cases": digest_records(b.cases),
        "responses": digest_records([a.get("attempt", {}) for a in b.attempts]),
        "scores": digest_records(b.scores),
    }
    out = []
    for name, value in seen.items():
        b.checks += 1
        if getattr(b.manifest.digests, name) != value:
            out.append(
                BundleProblem(kind=ProblemKind.DIGEST, subject=name, detail="digest differs from the store's")
            )
    return out


def recompute_evidence(b: LoadedBundle) -> list[Evidence]:
    """Per-threat failure rates recomputed from the bundle's records, by the store's per-case rule."""
    threats = {c["id"]: list(c.get("threat_ids", [])) for c in b.cases}
    case_of: dict[str, str] = {}
    errors: dict[str, int] = defaultdict(int)
    for a in b.attempts:
        attempt = a["attempt"]
        case_of[attempt["id"]] = attempt["case_id"]
        errors[attempt["case_id"]] += int(attempt["response"].get("error") is not None)
    judged: dict[str, list[bool | None]] = defaultdict(list)
    for s in b.scores:
        judged[case_of.get(s["attempt_id"], "?")].append(Score.model_validate(s["score"]).failed)
    outcomes = []
    for case_id in dict.fromkeys(case_of.values()):
        decided = [f for f in judged.get(case_id, []) if f is not None]
        failed = int(any(decided)) if decided else None
        outcomes.append((threats.get(case_id, []), failed, len(judged.get(case_id, [])), errors[case_id]))
    return evidence_from_outcomes(outcomes)


_MAX_PII_PROBLEMS = 20


def check_personal_data(b: LoadedBundle) -> list[BundleProblem]:
    """An external bundle must carry no personal data: every string is checked by pattern.

    The problem names where the data is and its kind, never the value itself.
    """
    if b.manifest.audience is not Audience.EXTERNAL:
        return []
    files: list[tuple[str, list[dict[str, Any]]]] = [
        ("cases.jsonl", b.cases),
        ("attempts.jsonl", b.attempts),
        ("scores.jsonl", b.scores),
    ]
    out: list[BundleProblem] = []
    for name in ("round.json", "evidence.json"):
        try:
            files.append((name, [json.loads(b.raw.get(name, b"{}"))]))
        except ValueError:
            continue  # reported by the other checks
    for name, records in files:
        for i, record in enumerate(records, 1):
            b.checks += 1
            for where, span in find_unmasked(record):
                if len(out) >= _MAX_PII_PROBLEMS:
                    return out
                label = LABELS.get(span.kind, span.kind)
                out.append(
                    BundleProblem(
                        kind=ProblemKind.PERSONAL_DATA,
                        subject=f"{name} record {i}" + (f" at {where}" if where else ""),
                        detail=f"an external bundle carries personal data ({label}); "
                        "export it again with a Redline that masks it",
                    )
                )
    return out


def verify_bundle(b: LoadedBundle) -> list[BundleProblem]:
    """Every check a reviewer can run offline; an empty list means the bundle is intact."""
    problems = _check_files(b) + _check_digests(b) + check_personal_data(b)
    try:
        problems += _check_records(b)
        stated = {e.threat_id: e for e in evidence_of(b.raw.get("evidence.json", b"[]"))}
        again = {e.threat_id: e for e in recompute_evidence(b)}
    except (KeyError, ValueError, ValidationError) as exc:
        return [
            *problems,
            BundleProblem(kind=ProblemKind.UNREADABLE, subject="records", detail=str(exc)[:200]),
        ]
    for tid in sorted(set(stated) | set(again)):
        b.checks += 1
        s, a = stated.get(tid), again.get(tid)
        if s is None or a is None or (s.failures, s.n) != (a.failures, a.n):
            detail = (
                f"stated {s.describe() if s else 'nothing'}, recomputed {a.describe() if a else 'nothing'}"
            )
            problems.append(BundleProblem(kind=ProblemKind.EVIDENCE, subject=tid, detail=detail))
    return problems


def check_against_report(b: LoadedBundle, report: dict[str, Any]) -> list[BundleProblem]:
    """Compare the bundle's digests with the ones a JSON report printed for the same round."""
    rounds = {r.get("round_id"): r for r in report.get("method", {}).get("rounds", [])}
    printed = rounds.get(b.manifest.round_id)
    if printed is None:
        detail = f"the report does not cover round {b.manifest.round_id}"
        return [BundleProblem(kind=ProblemKind.DIGEST, subject="report", detail=detail)]
    out = []
    for name, key in (
        ("cases", "cases_sha256"),
        ("responses", "responses_sha256"),
        ("scores", "scores_sha256"),
    ):
        b.checks += 1
        if printed.get(key) != getattr(b.manifest.digests, name):
            detail = "the report printed a different digest: it was made from other records"
            out.append(BundleProblem(kind=ProblemKind.DIGEST, subject=f"report {name}", detail=detail))
    return out


def scoring_items(b: LoadedBundle) -> list[tuple[str, AttackCase, Response, Score]]:
    """(attempt id, case, response, stored score) for every score whose inputs the bundle holds in full."""
    if b.manifest.withheld:
        return []
    cases = {c["id"]: AttackCase.model_validate(c) for c in b.cases}
    attempts = {a["attempt"]["id"]: Attempt.model_validate(a["attempt"]) for a in b.attempts}
    out = []
    for s in b.scores:
        attempt = attempts.get(s["attempt_id"])
        case = cases.get(attempt.case_id) if attempt else None
        if attempt is not None and case is not None:
            out.append((attempt.id, case, attempt.response, Score.model_validate(s["score"])))
    return out
