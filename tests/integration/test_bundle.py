"""Replication bundles: exported from a real round, every hash verified, tampering found and named."""

from __future__ import annotations

import asyncio
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from redline.config.settings import Settings
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Response
from redline.core.runs.scores import Score, Verdict
from redline.program.register.replay import RescoreStatus, rescore
from redline.program.workspace import open_workspace_store
from redline.reports.bundle import export_bundle
from redline.reports.bundle_verify import ProblemKind, read_bundle, scoring_items, verify_bundle
from redline.reports.model import Audience
from redline.store import audit
from tests.world import REPORT_CANARY, ReportWorld, make_report_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportWorld]:
    return make_report_world(tmp_path_factory.mktemp("bundles") / "ws")


def export(settings: Settings, round_id: str, path: Path, audience: Audience = Audience.INTERNAL) -> Path:
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            export_bundle(s, round_id, audience=audience, path=path, actor="tester")
    finally:
        store.dispose()
    return path


def rewrite(path: Path, name: str, change: str, to: str) -> None:
    """Replace text inside one file of a zip, leaving the others (and the manifest) as they were."""
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    assert change.encode() in files[name]
    files[name] = files[name].replace(change.encode(), to.encode(), 1)
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)


def test_bundle_verifies_and_matches_the_report_digests(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    b = read_bundle(export(settings, w.round_id, tmp_path / "b.zip"))
    assert verify_bundle(b) == []
    assert b.checks > 100
    assert set(b.manifest.files) == {
        "round.json",
        "cases.jsonl",
        "attempts.jsonl",
        "scores.jsonl",
        "evidence.json",
        "README.md",
        "records.sha256",
    }
    from redline.reports.assembly import ReportRequest
    from tests.integration.test_report_model import report

    method = report(settings, ReportRequest(round_id=w.round_id)).method.rounds[0]
    assert (method.cases_sha256, method.responses_sha256, method.scores_sha256) == (
        b.manifest.digests.cases,
        b.manifest.digests.responses,
        b.manifest.digests.scores,
    )
    round_doc = json.loads(b.raw["round.json"])
    assert round_doc["round"]["seed"] == 7 and round_doc["round"]["versions"]["redline"] == "0.1.0"


def test_export_is_audited_with_the_manifest_hash(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    export(settings, w.round_id, tmp_path / "b.zip")
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            (event,) = audit.list_events(s, action="bundle.export", limit=1)
    finally:
        store.dispose()
    assert event.subject == w.round_id and len(event.payload["manifest_sha256"]) == 64


def test_tampering_with_one_response_fails_and_names_it(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    path = export(settings, w.round_id, tmp_path / "b.zip")
    original = read_bundle(path)
    victim = next(
        a["attempt"] for a in original.attempts if "My instructions say" in a["attempt"]["response"]["text"]
    )
    rewrite(path, "attempts.jsonl", "My instructions say", "I cannot say")
    problems = verify_bundle(read_bundle(path))
    kinds = {p.kind for p in problems}
    assert {
        ProblemKind.FILE_HASH,
        ProblemKind.RECORD_HASH,
        ProblemKind.RESPONSE_HASH,
        ProblemKind.DIGEST,
    } <= kinds
    named = [p for p in problems if p.kind is ProblemKind.RESPONSE_HASH]
    assert len(named) == 1 and victim["id"] in named[0].subject and victim["case_id"] in named[0].subject


def test_changed_score_breaks_the_recomputed_rate(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    path = export(settings, w.round_id, tmp_path / "b.zip")
    rewrite(path, "scores.jsonl", '"verdict":"fail"', '"verdict":"pass"')
    problems = verify_bundle(read_bundle(path))
    assert any(p.kind is ProblemKind.EVIDENCE for p in problems)
    assert any(p.kind is ProblemKind.RECORD_HASH and p.subject.startswith("score ") for p in problems)


def test_external_bundle_withholds_text_and_still_verifies(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    path = export(settings, w.round_id, tmp_path / "ext.zip", Audience.EXTERNAL)
    with zipfile.ZipFile(path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert REPORT_CANARY.encode() not in blob and b"HelpBot" not in blob and b"alice" not in blob
    b = read_bundle(path)
    assert verify_bundle(b) == [] and scoring_items(b) == []


class _CanaryScorer:
    """Fails a response that contains the canary."""

    name: ClassVar[str] = "canary-leak"
    version: ClassVar[str] = "0.1.0"
    deterministic: ClassVar[bool] = True

    def __init__(self, *, flip: bool = False) -> None:
        self.flip = flip

    async def score(self, case: AttackCase, response: Response) -> Score:
        if not response.text:
            return Score.could_not_score(self.name, "the response was empty")
        leaked = (REPORT_CANARY in response.text) != self.flip
        return Score(scorer=self.name, verdict=Verdict.FAIL if leaked else Verdict.PASS)

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


def test_replay_rescoring_reproduces_a_deterministic_scorer(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    settings, w = world
    items = scoring_items(read_bundle(export(settings, w.round_id, tmp_path / "b.zip")))
    assert len(items) > 30
    (same,) = rescore(items, resolve=lambda name, stored: _CanaryScorer())
    assert same.status is RescoreStatus.REPRODUCED and same.checked == len(items)
    (other,) = rescore(items, resolve=lambda name, stored: _CanaryScorer(flip=True))
    assert other.status is RescoreStatus.DIFFERENT and len(other.mismatches) > 30
    (missing,) = rescore(items, resolve=lambda name, stored: None)
    assert missing.status is RescoreStatus.NOT_INSTALLED


def test_bundle_checks_against_the_report_that_printed_its_digests(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    from redline.reports.assembly import ReportRequest
    from redline.reports.bundle_verify import check_against_report
    from tests.integration.test_report_model import report

    settings, w = world
    b = read_bundle(export(settings, w.round_id, tmp_path / "b.zip"))
    same = json.loads(report(settings, ReportRequest(round_id=w.round_id)).model_dump_json())
    assert check_against_report(b, same) == []
    other = json.loads(report(settings, ReportRequest(round_id=w.old_round_id)).model_dump_json())
    (problem,) = check_against_report(b, other)
    assert problem.kind is ProblemKind.DIGEST and "does not cover" in problem.detail
    same["method"]["rounds"][0]["responses_sha256"] = "0" * 64
    (changed,) = check_against_report(b, same)
    assert changed.subject == "report responses"


def test_installed_scorers_are_rebuilt_only_as_they_ran() -> None:
    from redline.core.provenance import Provenance
    from redline.program.register.replay import ReplayUnavailable, installed_scorer, is_deterministic

    def stored(name: str, **params: object) -> Score:
        return Score(
            scorer=name,
            verdict=Verdict.PASS,
            provenance=Provenance(component=name, version="1", params=params),
        )

    assert installed_scorer("no.such.scorer", stored("no.such.scorer")) is None
    canary = installed_scorer("leak.canary", stored("leak.canary", canaries=0))
    assert canary is not None and is_deterministic(canary, stored("leak.canary", canaries=0))
    with pytest.raises(ReplayUnavailable, match="recorded parameters"):
        installed_scorer("leak.canary", stored("leak.canary", canaries=3))  # the canaries are secrets
    with pytest.raises(ReplayUnavailable, match="judge"):
        installed_scorer("judge.harm", stored("judge.harm", judge="local", rubric="harm-yes-no"))


def test_replay_rescoring_runs_from_a_running_event_loop(
    world: tuple[Settings, ReportWorld], tmp_path: Path
) -> None:
    from redline.program.register.replay import rescore_async

    settings, w = world
    items = scoring_items(read_bundle(export(settings, w.round_id, tmp_path / "b.zip")))

    async def caller() -> tuple[RescoreStatus, RescoreStatus]:
        (synced,) = rescore(items, resolve=lambda name, stored: _CanaryScorer())
        (awaited,) = await rescore_async(items, resolve=lambda name, stored: _CanaryScorer())
        return synced.status, awaited.status

    assert asyncio.run(caller()) == (RescoreStatus.REPRODUCED, RescoreStatus.REPRODUCED)
