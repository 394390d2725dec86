"""Mitigations and verification re-runs through the engine's run_round against a second release."""

from __future__ import annotations

import asyncio

import pytest

from redline.core.errors import UsageError
from redline.core.findings import FindingStatus
from redline.core.mitigations import MitigationStatus, MitigationType, VerificationOutcome
from redline.engine.round import run_round
from redline.engine.spec import RoundSpec
from redline.program import mitigations
from redline.program.findings import propose_from_round
from redline.program.mitigations import path_to
from redline.program.workspace import open_workspace_store
from redline.settings import Settings, TargetConfig
from redline.store import audit
from redline.store.session import Store
from tests import governance_data as data

S = FindingStatus


def _release(store: Store, version: str, model: str) -> str:
    from redline.core.provenance import ModelIdentity
    from redline.store.repos import systems

    with store.session() as s:
        sys_ = systems.ensure_system(s, name="chat", actor="test")
        return systems.ensure_release(
            s,
            system_id=sys_.id,
            version=version,
            model=ModelIdentity(provider="callable", name=model),
            config={"kind": "callable", "model": f"tests.governance_data:{model}"},
            actor="test",
        ).id


@pytest.fixture
def leaky(workspace: Settings) -> tuple[Store, str]:
    """A round of 12 system-prompt probes on release 1.0 (which leaks), and its finding."""
    store = open_workspace_store(workspace)
    data.people(store)
    r1 = _release(store, "1.0", "leaky_model")
    spec = RoundSpec(
        target=TargetConfig(kind="callable", model="tests.governance_data:leaky_model"),
        target_name="chat",
        cases=data.cases({"leakage.system-prompt": 12}),
        cases_source={"test": "leaky"},
        scorers=(data.CanaryScorer(),),
        seed=11,
        release_id=r1,
    )
    result = asyncio.run(run_round(spec, settings=workspace, store=store))
    (action,) = propose_from_round(store, workspace, round_id=result.round_id, threats=data.THREATS).actions
    yield store, action.finding.id
    store.dispose()


def test_a_working_fix_is_verified_and_moves_finding_and_mitigation(
    workspace: Settings, leaky: tuple[Store, str]
) -> None:
    store, fid = leaky
    _release(store, "2.0", "fixed_model")
    with pytest.raises(UsageError, match="mitigation add"):
        mitigations.verify(store, workspace, finding_id=fid, release="chat@2.0", user="eli")
    m = mitigations.add(
        store,
        finding_id=fid,
        type=MitigationType.GUARDRAIL,
        description="output filter",
        owner="eli",
        user="eli",
    )
    report = mitigations.verify(
        store,
        workspace,
        finding_id=fid,
        release="chat@2.0",
        user="eli",
        scorers=[data.CanaryScorer()],
        threats=data.THREATS,
    )
    result = report.verification.result
    assert result.outcome is VerificationOutcome.VERIFIED
    assert (result.before.failures, result.before.n, result.after.failures, result.after.n) == (12, 12, 0, 12)
    assert report.finding.status is S.VERIFIED and report.verification.cases == 12
    assert [x.status for x in report.mitigations] == [MitigationStatus.VERIFIED] and report.mitigations[
        0
    ].id == m.id
    with store.session() as s:
        moves = [
            e.payload["to"] for e in reversed(audit.list_events(s, action="finding.status", subject=fid))
        ]
        assert moves == ["triaged", "in_progress", "mitigated", "verified"]
        assert audit.verify(s)[1] is None


def test_a_fix_that_does_not_work_is_not_verified(workspace: Settings, leaky: tuple[Store, str]) -> None:
    store, fid = leaky
    _release(store, "1.1", "leaky_model")
    mitigations.add(
        store,
        finding_id=fid,
        type=MitigationType.SYSTEM_PROMPT,
        description="ask nicely",
        owner=None,
        user="eli",
    )
    report = mitigations.verify(
        store,
        workspace,
        finding_id=fid,
        release="chat@1.1",
        user="eli",
        scorers=[data.CanaryScorer()],
        threats=data.THREATS,
    )
    assert report.verification.outcome is VerificationOutcome.NOT_VERIFIED
    assert report.finding.status is S.NEW
    assert report.mitigations[0].status is MitigationStatus.NOT_VERIFIED


def test_verifying_against_the_failing_release_itself_is_refused(
    workspace: Settings, leaky: tuple[Store, str]
) -> None:
    store, fid = leaky
    with pytest.raises(UsageError, match="ships the mitigation"):
        mitigations.verify(store, workspace, finding_id=fid, release="chat@1.0", user="eli")


def test_status_walks_follow_the_transition_table() -> None:
    assert path_to(S.NEW, S.VERIFIED) == [S.TRIAGED, S.IN_PROGRESS, S.MITIGATED, S.VERIFIED]
    assert path_to(S.MITIGATED, S.VERIFIED) == [S.VERIFIED]
    assert path_to(S.CLOSED, S.VERIFIED) == []
