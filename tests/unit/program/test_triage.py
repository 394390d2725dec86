"""Triage: roles are checked in the program layer; accepting a risk needs the committee."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from redline.config.settings import Settings
from redline.core.errors import NotFoundError, PermissionDeniedError, TransitionError, UsageError
from redline.core.register.findings import FindingStatus
from redline.core.register.risk import RiskLevel
from redline.core.register.triage import FindingLink, LinkKind
from redline.program.register import triage
from redline.program.register.findings import propose_from_round
from redline.program.workspace import open_workspace_store
from redline.store.repos import findings as findings_repo
from redline.store.session import Store
from tests import world as data


@pytest.fixture
def opened(workspace: Settings) -> Iterator[tuple[Store, str]]:
    store = open_workspace_store(workspace)
    data.people(store)
    rid = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)})
    (action,) = propose_from_round(store, workspace, round_id=rid, threats=data.THREATS).actions
    yield store, action.finding.id
    store.dispose()


def test_accepting_a_risk_needs_a_committee_member_and_a_reason(
    workspace: Settings, opened: tuple[Store, str]
) -> None:
    store, fid = opened
    accept = FindingStatus.ACCEPTED_RISK
    with pytest.raises(PermissionDeniedError, match="lena may not accept"):
        triage.move(store, workspace, finding_id=fid, status=accept, user="lena", note="low reach")
    with pytest.raises(UsageError, match="justification"):
        triage.move(store, workspace, finding_id=fid, status=accept, user="cora")
    f = triage.move(store, workspace, finding_id=fid, status=accept, user="cora", note="internal tool only")
    assert f.status is FindingStatus.ACCEPTED_RISK


def test_triage_sets_owner_and_moves_to_triaged(workspace: Settings, opened: tuple[Store, str]) -> None:
    store, fid = opened
    f = triage.triage(
        store, workspace, finding_id=fid, user="lena", owner="eli", effort="M", due=date(2027, 1, 5)
    )
    assert (f.owner, f.effort, f.due, f.status) == ("eli", "M", date(2027, 1, 5), FindingStatus.TRIAGED)
    with pytest.raises(PermissionDeniedError):
        triage.triage(store, workspace, finding_id=fid, user="eli", owner="vic")


def test_who_is_acting_must_be_known(workspace: Settings, opened: tuple[Store, str]) -> None:
    store, fid = opened
    with pytest.raises(UsageError, match="--as NAME"):
        triage.comment(store, finding_id=fid, text="hi", user=None)
    with pytest.raises(NotFoundError, match="redline user add"):
        triage.comment(store, finding_id=fid, text="hi", user="nobody")
    with pytest.raises(PermissionDeniedError):
        triage.comment(store, finding_id=fid, text="hi", user="vic")


def test_verified_only_comes_from_a_verification(workspace: Settings, opened: tuple[Store, str]) -> None:
    store, fid = opened
    with pytest.raises(UsageError, match="finding verify"):
        triage.move(store, workspace, finding_id=fid, status=FindingStatus.VERIFIED, user="lena")


def test_comments_links_and_postmortem_end_up_in_the_dossier(opened: tuple[Store, str]) -> None:
    store, fid = opened
    triage.comment(store, finding_id=fid, text="reproduced on staging", user="eli")
    triage.link(
        store,
        finding_id=fid,
        link=FindingLink(kind=LinkKind.DESIGN_CHOICE, ref="tools run unconfirmed"),
        user="eli",
    )
    triage.postmortem(
        store,
        finding_id=fid,
        what_happened="injected text ran",
        why_missed="no indirect probes",
        changes=("add indirect playbook",),
        user="lena",
    )
    d = triage.show(store, fid)
    assert d.notes[-1].text == "reproduced on staging" and d.links[0].kind is LinkKind.DESIGN_CHOICE
    assert d.postmortem is not None and d.postmortem.author == "lena"
    assert [f.id for f in triage.register(store, open_only=True)] == [fid]


def test_closing_and_duplicate_need_a_note(workspace: Settings, opened: tuple[Store, str]) -> None:
    store, fid = opened
    for status in (FindingStatus.CLOSED, FindingStatus.DUPLICATE):
        with pytest.raises(UsageError, match=f"to {status.value} needs a note"):
            triage.move(store, workspace, finding_id=fid, status=status, user="cora", note="  ")
    with store.session() as session:
        first = findings_repo.get_finding(session, fid)
        twin = findings_repo.add_finding(
            session, first.model_copy(update={"id": "fnd_twin"}), actor="lena"
        ).id
    f = triage.move(
        store,
        workspace,
        finding_id=twin,
        status=FindingStatus.DUPLICATE,
        user="lena",
        note="same",
        duplicate_of=fid,
    )
    assert f.status is FindingStatus.DUPLICATE
    assert triage.show(store, twin).notes[-1].text.endswith(f"duplicate of {fid}: same")


def test_a_duplicate_names_an_original_that_carries_its_risk(
    workspace: Settings, opened: tuple[Store, str]
) -> None:
    store, fid = opened
    dup = FindingStatus.DUPLICATE
    with store.session() as session:
        first = findings_repo.get_finding(session, fid)
        other = first.model_copy(update={"id": "fnd_other", "threat_id": "harmful.cyber"})
        findings_repo.add_finding(session, other, actor="lena")
        low = first.model_copy(update={"id": "fnd_low", "risk": RiskLevel.LOW})
        findings_repo.add_finding(session, low, actor="lena")
    with pytest.raises(UsageError, match="duplicate-of"):
        triage.move(store, workspace, finding_id=fid, status=dup, user="lena", note="same")
    with pytest.raises(TransitionError, match="itself"):
        triage.move(store, workspace, finding_id=fid, status=dup, user="lena", note="x", duplicate_of=fid)
    with pytest.raises(TransitionError, match="not a duplicate"):
        triage.move(
            store, workspace, finding_id=fid, status=dup, user="lena", note="x", duplicate_of="fnd_other"
        )
    with pytest.raises(TransitionError, match="re-rate the original"):
        triage.move(
            store, workspace, finding_id=fid, status=dup, user="lena", note="x", duplicate_of="fnd_low"
        )
    with pytest.raises(NotFoundError):
        triage.move(
            store, workspace, finding_id=fid, status=dup, user="lena", note="x", duplicate_of="fnd_none"
        )


def test_closing_an_unfixed_high_finding_needs_the_risk_acceptors(
    workspace: Settings, opened: tuple[Store, str]
) -> None:
    store, fid = opened
    with store.session() as session:
        assert findings_repo.get_finding(session, fid).risk.rank >= RiskLevel.HIGH.rank
    closed = FindingStatus.CLOSED
    with pytest.raises(PermissionDeniedError, match="lena may not close an unfixed"):
        triage.move(store, workspace, finding_id=fid, status=closed, user="lena", note="not a real issue")
    triage.triage(store, workspace, finding_id=fid, user="lena", owner="eli")
    with pytest.raises(PermissionDeniedError, match="lena may not close an unfixed"):
        triage.move(store, workspace, finding_id=fid, status=closed, user="lena", note="not a real issue")
    f = triage.move(store, workspace, finding_id=fid, status=closed, user="cora", note="out of scope")
    assert f.status is FindingStatus.CLOSED
